import { expect, signIn, test } from './fixtures';

test.describe('sessions and tokens', () => {
  test('a password change signs out the other browsers, and signing out closes the other tabs', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Sessions');
    const laptop = await signIn(browser, parley, ana);
    const phone = await signIn(browser, parley, ana);
    const signInForm = (p: typeof laptop) => p.locator('input[type=password]');

    await phone.goto('/settings/profile');
    await phone.getByLabel('Current password').fill(ana.password);
    await phone.getByLabel(/^New password/).fill('a brand new password');
    await expect(phone.getByText('Changing it signs you out everywhere else.')).toBeVisible();
    await phone.getByRole('button', { name: 'Change password' }).click();
    await expect(phone.getByText('Password saved.')).toBeVisible();
    // The laptop's open app learns at once, without a reload or a click.
    await expect(signInForm(laptop)).toBeVisible();
    await expect(phone.getByRole('heading', { name: 'Profile', exact: true })).toBeVisible();

    // Two tabs of one browser: signing out in one signs the other out too.
    const tab = await phone.context().newPage();
    await tab.goto('/');
    await expect(tab.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();
    await phone.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(signInForm(tab)).toBeVisible();
  });

  test('API tokens are listed, and revoked only after a confirmation', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Tokens');
    const page = await signIn(browser, parley, ana);
    await page.goto('/settings/profile');
    await page.getByLabel('Token name').fill('Nightly export');
    await page.getByRole('button', { name: 'Create a token' }).click();
    const token = (await page.locator('code.token').textContent())!.trim();
    expect(token).toMatch(/^prl_/);
    await expect(page.getByRole('listitem').filter({ hasText: 'Nightly export' })).toBeVisible();
    const me = () => fetch(`${parley.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me()).toBe(200);

    await page.getByRole('button', { name: 'Revoke the token “Nightly export”' }).click();
    const ask = page.getByRole('alert').filter({ hasText: 'cannot be undone' });
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await me()).toBe(200);

    await page.getByRole('button', { name: 'Revoke the token “Nightly export”' }).click();
    await page.getByRole('alert').getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByText('Token “Nightly export” revoked')).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: 'Nightly export' })).toHaveCount(0);
    expect(await me()).toBe(401);
  });

  test('a person signs another browser out from the list of sessions; a read-only token cannot write', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Devices');
    const laptop = await signIn(browser, parley, ana);
    const phone = await signIn(browser, parley, ana);
    await laptop.goto('/settings/profile');
    const list = laptop.getByRole('region', { name: 'Where you are signed in' });
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await expect(list.getByText('This browser', { exact: true })).toHaveCount(1);
    const other = list.getByRole('listitem').filter({ hasNot: laptop.getByText('This browser', { exact: true }) });
    await expect(other.getByText(/127\.0\.0\.1/)).toBeVisible();
    await other.getByRole('button', { name: 'Sign out Chrome · Linux' }).click();
    await other.getByRole('alert').getByRole('button', { name: 'Yes, sign it out' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    // The phone's open app learns at once.
    await expect(phone.locator('input[type=password]')).toBeVisible();

    // A read-only token made in the same screen reads, and only reads.
    const tokens = laptop.getByRole('form', { name: 'API tokens' });
    await tokens.getByLabel('Token name').fill('Dashboard');
    await tokens.getByLabel(/Read only/).check();
    await tokens.getByRole('button', { name: 'Create a token' }).click();
    const token = (await tokens.locator('code.token').textContent())!;
    await expect(tokens.getByText('Read only', { exact: true })).toBeVisible();
    const call = (method: string) => fetch(`${parley.url}/api/v1/tokens`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect((await call('GET')).status).toBe(200);
    expect((await call('POST')).status).toBe(403);
  });
});
