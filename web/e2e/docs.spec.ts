import { test, expect, shot } from './fixtures';

// The API docs page comes from the binary alone (issue 10): with every
// request to another host cut off, it still shows the API, and it asks for
// nothing outside (the fixtures also fail on a policy violation).
test('the API docs page works offline, from the server alone', async ({ browser, parley }) => {
  const ctx = await browser.newContext({ baseURL: parley.url });
  const outside: string[] = [];
  await ctx.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => {
      outside.push(route.request().url());
      return route.abort();
    },
  );
  const page = await ctx.newPage();
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { name: /Parley API/ })).toBeVisible();
  // Grouped by resource, folded: a group opens on a click.
  await page.getByRole('link', { name: 'conversations', exact: true }).click();
  const list = page.locator('.opblock', { hasText: 'listConversations' });
  await expect(list).toBeVisible();
  await list.locator('.opblock-summary').click();
  await expect(list.getByText('Parameters')).toBeVisible();
  await expect(list.getByRole('button', { name: 'Try it out' })).toBeVisible();
  await shot(page, 'api-docs');
  expect(outside, 'requests to other hosts').toEqual([]);
});
