import { test, expect, signIn } from './fixtures';

// Every settings page works from its URL: opened directly or reloaded, it
// shows its content without first choosing anything.
test('each settings page opened by its URL shows its content', async ({ browser, parley }) => {
  const admin = await parley.user('Ada Admin', 'admin');
  const page = await signIn(browser, parley, admin);
  const inboxes = await parley.api('GET', '/inboxes');
  const sections: [string, RegExp | string][] = [
    ['profile', 'Profile'],
    ['organization', 'Organization name'],
    ['inboxes', 'Inboxes'],
    ['channels', inboxes.items[0].address],
    ['people', admin.email],
    ['library', 'Templates and snippets'],
  ];
  for (const [section, content] of sections) {
    await page.goto(`/settings/${section}`);
    await expect(page.locator('.settings-body').getByText(content).first()).toBeVisible();
    await page.reload();
    await expect(page.locator('.settings-body').getByText(content).first()).toBeVisible();
  }
});
