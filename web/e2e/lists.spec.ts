import { test, expect, signIn, shot } from './fixtures';

// Issue 14 (SPEC CHT-3): contact lists. An admin makes a list; an agent
// puts the customer in it from the sidebar and takes them out with an
// undo; the admin sees who is in it, cannot delete it while a chat flow
// shows to it, and deletes it after confirming.
test('contact lists: made in settings, filled from the sidebar, used by a chat flow', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Lists desk');
  const admin = await parley.user('Lia Listadmin', 'admin');
  const ana = await parley.user('Ana Lister');
  await parley.push(inbox.channel, { email: 'vera@vip.test', name: 'Vera Vip' }, 'I am a big customer', 'Big order');
  const listName = `VIP ${Date.now()}`;

  const boss = await signIn(browser, parley, admin);
  await boss.goto('/settings/lists');
  await boss.getByLabel('List name').fill(listName);
  await boss.getByRole('button', { name: 'Create list' }).click();
  await expect(boss.getByRole('listitem').filter({ hasText: listName })).toContainText('0 contacts');

  const page = await signIn(browser, parley, ana);
  await page.locator('.conversation', { hasText: 'Vera Vip' }).getByRole('link').click();
  const side = page.getByRole('complementary', { name: 'Contact' });
  await side.getByLabel('Lists').selectOption({ label: listName });
  const chip = side.locator('.chip', { hasText: listName });
  await expect(chip).toBeVisible();
  await shot(page, 'contact-lists-sidebar');
  await chip.getByRole('button', { name: `Take out of ${listName}` }).click();
  await expect(chip).toBeHidden();
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(chip).toBeVisible();

  await boss.reload();
  const row = boss.getByRole('listitem').filter({ hasText: listName });
  await expect(row).toContainText('1 contact');
  await boss.getByRole('button', { name: `Contacts of ${listName}` }).click();
  await expect(boss.getByRole('region', { name: `In “${listName}”` })).toContainText('vera@vip.test');

  // A chat flow shows to the list: the list stays until the flow changes.
  await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Lists chat' });
  const lists = await parley.api('GET', '/contact-lists');
  const list = lists.items.find((l: { name: string }) => l.name === listName);
  const flow = await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'For VIPs', enabled: true, audience: 'in_list', audience_list: list.id });
  await boss.getByRole('button', { name: `Delete ${listName}` }).click();
  const ask = boss.getByRole('dialog', { name: `Delete the list “${listName}”?` });
  await expect(ask).toContainText('1 contact stays');
  await ask.getByRole('button', { name: 'Delete list' }).click();
  await expect(boss.getByRole('status')).toContainText('A chat flow shows to or hides from this list');
  await expect(row).toBeVisible();

  await boss.goto('/settings/chat');
  await boss.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Lists desk' });
  await boss.getByRole('listitem', { name: 'For VIPs' }).getByRole('button', { name: 'Edit' }).click();
  const form = boss.getByRole('form', { name: 'Edit For VIPs' });
  await expect(form.getByLabel('Who sees it')).toHaveValue('in_list');
  await expect(form.getByRole('combobox', { name: /^List\b/ })).toHaveValue(String(list.id));
  await shot(boss, 'contact-lists-flow');
  await form.getByLabel('Who sees it').selectOption('everyone');
  await expect(form.getByRole('combobox', { name: /^List\b/ })).toBeHidden();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => (await parley.api('GET', `/inboxes/${inbox.id}/chat-flows`)).items.find((f: { id: number }) => f.id === flow.id).audience).toBe('everyone');

  await boss.goto('/settings/lists');
  await boss.getByRole('button', { name: `Delete ${listName}` }).click();
  await boss.getByRole('dialog').getByRole('button', { name: 'Delete list' }).click();
  await expect(boss.getByRole('listitem').filter({ hasText: listName })).toHaveCount(0);
  await page.reload();
  await expect(side.locator('.chip', { hasText: listName })).toHaveCount(0);
});
