import { test, expect, signIn } from './fixtures';

test.describe('views and search', () => {
  test('a search covers closed conversations too; a status the view excludes widens it, and says so', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Search desk');
    const ana = await parley.user('Ana Search');
    await parley.push(inbox.channel, { email: 'olga@client.test', name: 'Olga Open' }, 'My kettle leaks', 'Kettle leak');
    const closed = await parley.push(inbox.channel, { email: 'carl@client.test', name: 'Carl Closed' }, 'My kettle arrived broken', 'Kettle broken');
    await parley.api('POST', `/conversations/${closed.conversation_id}/close`);
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/open`);
    const list = page.locator('.conversations');
    await expect(list).toHaveAttribute('aria-busy', 'false');
    await expect(list.locator('.conversation')).toHaveCount(1);

    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('kettle');
    await search.press('Enter');
    await expect(page.getByRole('heading', { name: 'Results for “kettle”' })).toBeVisible();
    await expect(page.locator('.search-scope')).toContainText('in all conversations');
    await expect(list.locator('.conversation')).toHaveCount(2);
    await expect(list).toContainText('Carl Closed');

    // Narrowed to the view it was typed in, and back.
    await page.getByRole('button', { name: 'Only in All open' }).click();
    await expect(page.locator('.search-scope')).toContainText('in All open');
    await expect(list.locator('.conversation')).toHaveCount(1);
    await expect(list).toContainText('Olga Open');
    await page.getByRole('button', { name: 'Search all conversations' }).click();
    await expect(list.locator('.conversation')).toHaveCount(2);

    // "Closed" in "All open" lists the closed ones, not an empty list.
    await search.fill('');
    await expect(page.getByRole('heading', { name: 'All open' })).toBeVisible();
    await page.locator('summary', { hasText: 'Filters' }).click();
    await page.getByRole('combobox', { name: /^Status/ }).selectOption('closed');
    await expect(page.getByRole('heading', { name: 'All conversations' })).toBeVisible();
    await expect(page.getByRole('status').getByText('“All open” holds only open conversations: showing All conversations instead.')).toBeVisible();
    await expect(list.locator('.conversation')).toHaveCount(1);
    await expect(list).toContainText('Carl Closed');
    await expect(page.getByRole('link', { name: 'All conversations' })).toHaveAttribute('aria-current', 'page');
  });

  test('Sent lists every conversation we emailed in, replies too, latest sent first', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Sent desk');
    const ana = await parley.user('Ana Sent');
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/sent`);
    await expect(page.getByText(/^No email sent yet\./)).toBeVisible();
    await expect(page.getByText(/Well done/)).toHaveCount(0);

    await parley.mail(inbox.address, 'Zoe Martin <zoe@client.test>', 'Invoice question', 'Where is my invoice?');
    await parley.mail(inbox.address, 'Yan Li <yan@client.test>', 'Delivery question', 'When does it come?');
    const find = async (q: string) => (await parley.api('GET', `/conversations?inbox=${inbox.id}&q=${q}`)).items[0].id as number;
    const invoice = await find('invoice');
    const delivery = await find('delivery');
    const list = page.locator('.conversations');
    await parley.api('POST', `/conversations/${invoice}/replies`, { text: 'Here it is.' });
    await expect(list.locator('.conversation')).toHaveCount(1);
    await expect(list).toContainText('Invoice question');
    await parley.api('POST', `/conversations/${delivery}/replies`, { text: 'Tomorrow.' });
    await expect(list.locator('.conversation')).toHaveCount(2);
    await expect(list.locator('.conversation').first()).toContainText('Delivery question');
    await expect(page.getByRole('link', { name: /^Sent/ }).getByLabel('2 conversations')).toBeVisible();
  });

  test('a mention made while signed out waits in the Mentions view until read', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Mentions desk');
    const ana = await parley.user('Ana Notes');
    const bob = await parley.user('Bob Away');
    const r = await parley.push(inbox.channel, { email: 'vera@mentions.test', name: 'Vera Important' }, 'We need a quote', 'Quote please');
    const anaPage = await signIn(browser, parley, ana);
    const handle = bob.email.split('@')[0];
    const status = await anaPage.evaluate(
      async ([id, text]) =>
        (await fetch(`/api/v1/conversations/${id}/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })).status,
      [r.conversation_id, `Can you take this @${handle}?`] as const,
    );
    expect(status).toBe(201);

    // Bob signs in afterwards: the toast is long gone, the mention is not.
    const page = await signIn(browser, parley, bob);
    const mentions = page.getByRole('navigation', { name: 'Inboxes and views' }).getByRole('link', { name: '@ Mentions' });
    await expect(mentions.getByLabel('1 unread mention')).toBeVisible();
    await mentions.click();
    await expect(page.getByRole('heading', { name: '@ Mentions' })).toBeVisible();
    const item = page.locator('.conversation', { hasText: 'Vera Important' });
    await expect(item.getByTitle('Unread')).toBeVisible();
    await item.getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'Quote please' })).toBeVisible();
    const note = page.getByRole('listitem', { name: 'Internal note from Ana Notes' });
    await expect(note.locator('mark.mention')).toHaveText(`@${handle}`);
    await expect(mentions.locator('.count')).toHaveCount(0);
    await expect(item.getByTitle('Unread')).toHaveCount(0);
    await expect(page.locator('.conversations .conversation')).toHaveCount(1);
  });
});
