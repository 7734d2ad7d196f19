import { test, expect, signIn, shot } from './fixtures';

test.describe('settings', () => {
  test('the first start’s one-time link signs the admin in, who sets a password', async ({ browser, parley }) => {
    const ctx = await browser.newContext({ baseURL: parley.url });
    const page = await ctx.newPage();
    await page.goto(parley.firstLink);
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();
    await page.goto('/settings/profile');
    await page.getByRole('textbox', { name: 'New password (10 characters or more)' }).fill('admin-password-1');
    await page.getByRole('button', { name: 'Set a password' }).click();
    await expect(page.getByText('Password saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(parley.firstLink);
    await expect(page.getByText('This sign-in link does not work')).toBeVisible();
    await page.goto('/');
    await page.locator('input[type=email]').fill('admin@example.com');
    await page.locator('input[type=password]').fill('admin-password-1');
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();
  });

  test('an inbox restricted to its members disappears for everyone else', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Admin', 'admin');
    const ana = await parley.user('Ana Member');
    const ned = await parley.user('Ned Outsider');
    const adminPage = await signIn(browser, parley, admin);
    const nedPage = await signIn(browser, parley, ned);

    await adminPage.goto('/settings/inboxes');
    await adminPage.getByRole('form', { name: 'New inbox' }).getByRole('textbox', { name: 'Name' }).fill('Private desk');
    const create = adminPage.getByRole('form', { name: 'New inbox' });
    await create.getByText('Specific users and teams').click();
    await create.getByRole('group', { name: 'Members' }).getByLabel(ana.name).check();
    await adminPage.getByRole('button', { name: 'Create inbox' }).click();
    await expect(adminPage.getByRole('cell', { name: 'Private desk', exact: true })).toBeVisible();
    await shot(adminPage, 'settings-inboxes');

    const anaPage = await signIn(browser, parley, ana);
    await expect(anaPage.getByRole('combobox', { name: 'Inbox' }).locator('option', { hasText: 'Private desk' })).toHaveCount(1);
    await expect(nedPage.getByRole('combobox', { name: 'Inbox' }).locator('option', { hasText: 'Private desk' })).toHaveCount(0);

    // Opened to everyone, then restricted again: Ned sees it come and go live.
    await adminPage.getByRole('button', { name: 'Edit Private desk' }).click();
    const form = adminPage.getByRole('form', { name: 'Edit Private desk' });
    await form.getByText('Everyone', { exact: true }).click();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(nedPage.getByRole('combobox', { name: 'Inbox' }).locator('option', { hasText: 'Private desk' })).toHaveCount(1);
    await adminPage.getByRole('button', { name: 'Edit Private desk' }).click();
    await form.getByText('Specific users and teams').click();
    await form.getByRole('group', { name: 'Members' }).getByLabel(ana.name).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(nedPage.getByRole('combobox', { name: 'Inbox' }).locator('option', { hasText: 'Private desk' })).toHaveCount(0);
  });

  test('agents see their profile only', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Profile');
    const page = await signIn(browser, parley, ana);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link')).toHaveText(['Profile']);
    await page.goto('/settings/inboxes');
    await expect(page.getByRole('heading', { name: 'Profile', exact: true })).toBeVisible();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Ana Renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toContainText('Ana Renamed');

    // A 1×1 PNG as the picture: it shows in the sidebar, and goes.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.getByText('Choose a picture').locator('input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    const picture = page.getByRole('navigation', { name: 'Inboxes and views' }).locator('img.avatar');
    await expect(picture).toHaveAttribute('src', /\/api\/v1\/users\/\d+\/avatar\?v=/);
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await page.getByRole('button', { name: 'Remove the picture' }).click();
    await expect(picture).toHaveCount(0);
  });

  test('an admin adds a teammate without a password: the invitation goes by email and signs them in', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Invite', 'admin');
    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/people');
    const form = page.getByRole('form', { name: 'Add a teammate' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Nina Newcomer');
    await form.getByRole('textbox', { name: 'Email' }).fill('nina@acme.test');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: 'Nina Newcomer was sent a sign-in link' });
    const link = (await status.locator('code').textContent())!.trim();
    expect(link).toMatch(/\/login\//);
    const mail = await parley.sent((m) => m.subject === "You are invited to Acme's team inbox");
    expect(mail.text).toContain(link);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

    const ctx = await browser.newContext({ baseURL: parley.url });
    const nina = await ctx.newPage();
    await nina.goto(link);
    await expect(nina.getByRole('navigation', { name: 'Inboxes and views' })).toContainText('Nina Newcomer');
  });

  test('taken out of an inbox, an agent stops seeing the conversation open on their screen', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Removed');
    const inbox = await parley.inbox('Closing desk', 'specific', [ana.id]);
    const r = await parley.push(inbox.channel, { email: 'x@closing.test', name: 'Xavier Closing' }, 'Confidential matter', 'Confidential');
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/all/open/c/${r.conversation_id}`);
    await expect(page.getByRole('heading', { name: 'Confidential' })).toBeVisible();
    await parley.api('PUT', `/inboxes/${inbox.id}/members`, { user_ids: [] });
    await expect(page.getByRole('heading', { name: 'Confidential' })).toHaveCount(0);
    await expect(page.getByText('Confidential matter')).toHaveCount(0);
    await expect(page.locator('.conversation', { hasText: 'Xavier Closing' })).toHaveCount(0);
  });

  test('a viewer reads but cannot act', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Viewer desk');
    const vic = await parley.user('Vic Viewer', 'viewer');
    const r = await parley.push(inbox.channel, { email: 'v@viewer.test', name: 'Val Viewed' }, 'Just looking', 'Looking');
    const page = await signIn(browser, parley, vic);
    await page.goto(`/inbox/all/open/c/${r.conversation_id}`);
    await expect(page.getByRole('listitem', { name: 'Message from Val Viewed' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Your reply' })).toBeDisabled();
    await expect(page.getByRole('textbox', { name: 'Your reply' })).toHaveAttribute('placeholder', 'As a viewer you can read but not answer.');
    await expect(page.getByRole('combobox', { name: 'Assign' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Close', exact: true })).toBeDisabled();
    await page.locator('.conversation', { hasText: 'Val Viewed' }).getByRole('checkbox').check();
    await expect(page.getByRole('toolbar', { name: 'Actions on the selection' })).toHaveCount(0);
  });
});
