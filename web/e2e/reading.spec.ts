import { expect, signIn, test } from './fixtures';

test('a conversation opened by its URL is marked read, as one clicked is', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Read by URL');
  const ana = await parley.user('Ana Url');
  const page = await signIn(browser, parley, ana);
  const r = await parley.push(inbox.channel, { email: 'url@x.test', name: 'Url Reader' }, 'Hello by link', 'Link');
  const unread = async () => (await (await page.request.get(`/api/v1/conversations/${r.conversation_id}`)).json()).unread;
  expect(await unread()).toBe(true);

  // A shared link, or a reload: the app starts with the conversation open.
  await page.goto(`/inbox/all/open/c/${r.conversation_id}`);
  await expect(page.getByText('Hello by link').first()).toBeVisible();
  await expect.poll(unread).toBe(false);
  await expect(page.locator(`#conv-${r.conversation_id}`)).not.toHaveClass(/unread/);

  // A new message while away, then a reload on it.
  await parley.push(inbox.channel, { email: 'url@x.test', name: 'Url Reader' }, 'One more thing', 'Link');
  await expect.poll(unread).toBe(true);
  await page.reload();
  await expect(page.getByText('One more thing').first()).toBeVisible();
  await expect.poll(unread).toBe(false);
});
