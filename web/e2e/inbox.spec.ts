import { test, expect, signIn, shot } from './fixtures';

test.describe('the inbox', () => {
  test('sign in: a wrong password is refused, the right one opens the inbox', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Lopez');
    const ctx = await browser.newContext({ baseURL: parley.url });
    const page = await ctx.newPage();
    // A server that answers 502 (restarting behind a proxy) is not a
    // signed-out user: the app says so and tries again.
    let failures = 2;
    await page.route('**/api/v1/me', (route) => (failures-- > 0 ? route.fulfill({ status: 502, body: 'bad gateway' }) : route.continue()));
    await page.goto('/');
    await expect(page.getByRole('alert')).toHaveText('Parley cannot be reached. Trying again…');
    await expect(page.getByRole('heading', { name: 'Sign in to your team inbox' })).toBeVisible({ timeout: 15_000 });
    await page.unroute('**/api/v1/me');
    await shot(page, 'signin');
    await page.locator('input[type=email]').fill(ana.email);
    await page.locator('input[type=password]').fill('not-the-password');
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('alert')).toHaveText('That email and password do not match.');
    await page.locator('input[type=password]').fill(ana.password);
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to your team inbox' })).toBeVisible();
  });

  test('a customer message appears live; an agent answers it on its channel and by email', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Live desk');
    const ana = await parley.user('Ana Live');
    const page = await signIn(browser, parley, ana);

    // Written after the list loaded: it must arrive through the stream.
    await expect(page.getByRole('heading', { name: 'All open' })).toBeVisible();
    await expect(page.locator('.conversations')).toHaveAttribute('aria-busy', 'false');
    await parley.push(inbox.channel, { email: 'paulo@client.test', name: 'Paulo Santos' }, 'Is the shop open on Sunday?');
    const item = page.locator('.conversation', { hasText: 'Paulo Santos' });
    await expect(item).toBeVisible();
    await expect(item.getByTitle('Unread')).toBeVisible();
    await item.getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'Is the shop open on Sunday?' })).toBeVisible();
    await expect(item.getByTitle('Unread')).toHaveCount(0);

    const box = page.getByRole('textbox', { name: 'Your reply' });
    await box.fill('Yes, from 10 to 4.');
    await box.press('Control+Enter');
    await expect(page.getByRole('listitem', { name: 'Reply from Ana Live' })).toContainText('Yes, from 10 to 4.');
    await expect(box).toHaveValue('');
    await shot(page, 'thread-api');

    // An email conversation: the reply goes out through SMTP, threaded.
    const mid = await parley.mail(inbox.address, 'Zoe Martin <zoe@client.test>', 'Invoice question', 'Where is my invoice for March?');
    const mail = page.locator('.conversation', { hasText: 'Invoice question' });
    await mail.getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'Invoice question' })).toBeVisible();
    await expect(page.getByRole('listitem', { name: 'Message from Zoe Martin' })).toContainText('Where is my invoice for March?');
    await page.getByRole('textbox', { name: 'Your reply' }).fill('Here it is: it went out on the 2nd.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const out = await parley.sent((m) => m.subject === 'Re: Invoice question');
    expect(out.to && 'value' in out.to ? out.to.value.map((a) => a.address) : []).toEqual(['zoe@client.test']);
    expect(out.inReplyTo).toBe(mid);
    expect(out.text).toContain('Here it is: it went out on the 2nd.');
    await expect(page.locator('.chip.delivery')).toHaveText('Sent');
    await shot(page, 'thread-email');
  });

  test('assign, close, reopen by the customer, trash, restore, block', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Ops desk');
    const ana = await parley.user('Ana Ops');
    const page = await signIn(browser, parley, ana);
    const customer = { email: 'li@shop.test', name: 'Li Wei' };
    const first = await parley.push(inbox.channel, customer, 'My parcel is late', 'Late parcel');
    await page.goto(`/inbox/${inbox.id}/open/c/${first.conversation_id}`);
    await expect(page.getByRole('heading', { name: 'Late parcel' })).toBeVisible();

    await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Ana Ops (me)' });
    await expect(page.getByText('Ana Ops took this')).toBeVisible();
    await expect(page.locator('.conversation', { hasText: 'Li Wei' }).getByTitle('Assigned to Ana Ops')).toBeVisible();

    await page.locator('body').press('e');
    await expect(page.getByText('Ana Ops closed this')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Reopen' })).toBeVisible();

    await parley.push(inbox.channel, customer, 'Any news?');
    await expect(page.getByText('reopened this')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Move to trash' }).click();
    await expect(page.getByText('Ana Ops moved this to the trash')).toBeVisible();
    await page.getByRole('link', { name: /^Trash/ }).click();
    await page.locator('.conversation', { hasText: 'Li Wei' }).getByRole('link').click();
    await page.getByRole('region', { name: /in the trash/ }).getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByText('Ana Ops restored this')).toBeVisible();
    await page.getByRole('link', { name: /^All open/ }).click();
    await page.locator('.conversation', { hasText: 'Li Wei' }).getByRole('link').click();
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Mark as unread' }).click();
    await expect(page.locator('.conversation', { hasText: 'Li Wei' }).getByTitle('Unread')).toBeVisible();
    await page.reload();
    await expect(page.locator('.conversation', { hasText: 'Li Wei' }).getByTitle('Unread')).toBeVisible();
    await page.locator('.conversation', { hasText: 'Li Wei' }).getByRole('link').click();

    await page.getByRole('complementary', { name: 'Contact' }).getByRole('button', { name: 'Block sender' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Block sender' }).click();
    await expect(page.getByRole('complementary', { name: 'Contact' }).getByText('Blocked')).toBeVisible();
    const later = await parley.push(inbox.channel, customer, 'Hello again', 'Another thing');
    const c = await parley.api('GET', `/conversations/${later.conversation_id}`);
    expect(c.placement).toBe('filtered');
    await page.getByRole('link', { name: /^Filtered/ }).click();
    await expect(page.locator('.conversation', { hasText: 'Li Wei' }).first()).toBeVisible();
  });

  test('filters, search with highlighted matches, bulk close', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Search desk');
    const ana = await parley.user('Ana Search');
    const page = await signIn(browser, parley, ana);
    const a = await parley.push(inbox.channel, { email: 'quokka@fans.test', name: 'Kim Quokka' }, 'A question about quokkas', 'Quokka care');
    await parley.push(inbox.channel, { email: 'otter@fans.test', name: 'Sam Otter' }, 'Otters are great', 'Otter food');
    await parley.push(inbox.channel, { email: 'lynx@fans.test', name: 'Lee Lynx' }, 'Lynx question', 'Lynx habitat');
    await parley.api('PUT', `/conversations/${a.conversation_id}/assignee`, { user_id: ana.id });

    await page.getByRole('combobox', { name: 'Inbox' }).selectOption({ label: 'Search desk' });
    const list = page.locator('.conversations');
    await expect(list.locator('.conversation')).toHaveCount(3);

    await page.locator('body').press('/');
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('quokkas');
    await page.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    await expect(page.getByRole('heading', { name: 'Results for “quokkas”' })).toBeVisible();
    await expect(list.locator('.conversation')).toHaveCount(1);
    await expect(list.locator('mark').first()).toHaveText(/quokka/i);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
    await expect(list.locator('.conversation')).toHaveCount(3);

    await page.getByText('Filters').click();
    // A date range: nothing was active after tomorrow; everything today.
    const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
    await page.getByLabel('Active from').fill(day(1));
    await expect(list.locator('.conversation')).toHaveCount(0);
    await page.getByLabel('Active from').fill(day(-1));
    await page.getByLabel('Active until').fill(day(0));
    await expect(list.locator('.conversation')).toHaveCount(3);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByText('Filters').click();
    await page.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Ana Search (1 open)' });
    await expect(list.locator('.conversation')).toHaveCount(1);
    await page.getByRole('combobox', { name: 'Assignee' }).selectOption('none');
    await expect(list.locator('.conversation')).toHaveCount(2);
    await shot(page, 'list-filtered');

    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('toolbar', { name: 'Actions on the selection' }).getByRole('button', { name: 'Close' }).click();
    await expect(page.getByText('2 conversations closed')).toBeVisible();
    await expect(list.locator('.conversation')).toHaveCount(0);
    await page.getByRole('link', { name: /^Closed/ }).click();
    await page.getByRole('combobox', { name: 'Assignee' }).selectOption('');
    await expect(list.locator('.conversation')).toHaveCount(2);
  });

  test('a draft survives a reload; keyboard moves through the list', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Draft desk');
    const ana = await parley.user('Ana Draft');
    const page = await signIn(browser, parley, ana);
    await parley.push(inbox.channel, { email: 'one@d.test', name: 'First Customer' }, 'first', 'First');
    await parley.push(inbox.channel, { email: 'two@d.test', name: 'Second Customer' }, 'second', 'Second');
    await page.getByRole('combobox', { name: 'Inbox' }).selectOption({ label: 'Draft desk' });
    await expect(page.locator('.conversation')).toHaveCount(2);

    await page.locator('body').press('j');
    await expect(page.getByRole('heading', { name: 'Second', exact: true })).toBeVisible();
    await page.locator('body').press('j');
    await expect(page.getByRole('heading', { name: 'First', exact: true })).toBeVisible();
    await page.locator('body').press('k');
    await expect(page.getByRole('heading', { name: 'Second', exact: true })).toBeVisible();
    await page.locator('body').press('r');
    await expect(page.getByRole('textbox', { name: 'Your reply' })).toBeFocused();
    await page.keyboard.type('Half-written answer');
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Your reply' })).toHaveValue('Half-written answer');
    await page.locator('body').press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await shot(page, 'shortcuts');
  });

  test('the contact sidebar: past conversations; dissociating keeps the messages', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Contact desk');
    const ana = await parley.user('Ana Contact');
    const customer = { email: 'nora@c.test', name: 'Nora Quinn' };
    await parley.push(inbox.channel, customer, 'About my first order', 'First order');
    const second = await parley.api('POST', `/channels/${inbox.channel}/messages`, {
      client_id: 'second-order', contact: customer, subject: 'Second order', text: 'And the second one', new_conversation: true,
    });
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/all/open/c/${second.conversation_id}`);
    const side = page.getByRole('complementary', { name: 'Contact' });
    await expect(side.getByRole('heading', { name: 'Nora Quinn' })).toBeVisible();
    await side.getByRole('link', { name: /First order/ }).click();
    await expect(page.getByRole('heading', { name: 'First order' })).toBeVisible();
    await page.goBack();
    await expect(page.getByRole('heading', { name: 'Second order' })).toBeVisible();

    await side.getByRole('button', { name: 'Dissociate contact' }).click();
    await side.getByRole('alertdialog').getByRole('button', { name: 'Dissociate', exact: true }).click();
    await expect(page.getByText('Ana Contact dissociated the contact')).toBeVisible();
    await expect(side).toContainText('No contact on this conversation.');
    await expect(page.getByRole('listitem', { name: /^Message from/ })).toContainText('And the second one');
  });

  test('a conversation in the trash can be deleted for good', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Bin desk');
    const ana = await parley.user('Ana Bin');
    const r = await parley.push(inbox.channel, { email: 'gone@bin.test', name: 'Gone Soon' }, 'Delete me', 'Spam-ish');
    await parley.api('POST', `/conversations/${r.conversation_id}/trash`);
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/trash/c/${r.conversation_id}`);
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete for good' }).click();
    await expect(page.getByText('Pick a conversation to read it.')).toBeVisible();
    await expect(page.locator('.conversation', { hasText: 'Gone Soon' })).toHaveCount(0);
    await expect(parley.api('GET', `/conversations/${r.conversation_id}`)).rejects.toThrow(/404/);
  });

  test('signing out leaves nothing for the next person in the tab', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Secret');
    const ned = await parley.user('Ned Next');
    const inbox = await parley.inbox('Secret desk', 'specific', [ana.id]);
    await parley.push(inbox.channel, { email: 'whistle@blower.test', name: 'Wendy Whistle' }, 'Top secret', 'Top secret');
    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Wendy Whistle' }).getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'Top secret' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[type=email]').fill(ned.email);
    await page.locator('input[type=password]').fill(ned.password);
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toContainText('Ned Next');
    await expect(page.locator('.conversations')).toHaveAttribute('aria-busy', 'false');
    await expect(page.getByText('Wendy Whistle')).toHaveCount(0);
    await expect(page.getByText('Top secret')).toHaveCount(0);
    await expect(page.getByRole('combobox', { name: 'Inbox' }).locator('option', { hasText: 'Secret desk' })).toHaveCount(0);
  });

  test('a conversation goes to a team, and keeps it when a person takes it', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Team desk');
    const ana = await parley.user('Ana Team');
    await parley.api('POST', '/teams', { name: 'Billing', user_ids: [ana.id] });
    const r = await parley.push(inbox.channel, { email: 'inv@team.test', name: 'Ivy Invoice' }, 'Wrong invoice', 'Invoice');
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/all/open/c/${r.conversation_id}`);
    await page.getByRole('combobox', { name: 'Team' }).selectOption({ label: 'Billing' });
    await expect(page.getByText('Ana Team assigned this to Billing')).toBeVisible();
    await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Ana Team (me)' });
    await expect(page.getByText('Ana Team reassigned this to Ana Team · Billing')).toBeVisible();
    const c = await parley.api('GET', `/conversations/${r.conversation_id}`);
    expect([c.assignee?.id, c.team?.name]).toEqual([ana.id, 'Billing']);
  });
});
