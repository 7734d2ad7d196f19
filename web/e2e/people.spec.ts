import { test, expect, signIn } from './fixtures';

// Renaming the organisation changes every test's mail: a server of its own.
test.use({ ownServer: true });

test.describe('people, teams and the organisation', () => {
  test('an admin deactivates a leaver after confirming, who is signed out and cannot sign in, then reactivates them', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Admin', 'admin');
    const leaver = await parley.user('Leo Leaver');
    const leaverPage = await signIn(browser, parley, leaver);
    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/people');

    await page.getByRole('button', { name: `Deactivate ${leaver.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Deactivate ${leaver.name}?` });
    await expect(dialog).toContainText('Their conversations stay');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('row', { name: new RegExp(leaver.name) })).not.toContainText('Deactivated');

    await page.getByRole('button', { name: `Deactivate ${leaver.name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await expect(page.getByRole('row', { name: new RegExp(leaver.name) })).toContainText('Deactivated');

    // The leaver's open app loses its session: a reload lands on sign-in,
    // and signing in says why it fails.
    await leaverPage.reload();
    await leaverPage.locator('input[type=email]').fill(leaver.email);
    await leaverPage.locator('input[type=password]').fill(leaver.password);
    await leaverPage.locator('button[type=submit]').click();
    await expect(leaverPage.getByRole('alert')).toHaveText(/account is deactivated/);

    await page.getByRole('button', { name: `Reactivate ${leaver.name}` }).click();
    await expect(page.getByRole('row', { name: new RegExp(leaver.name) })).not.toContainText('Deactivated');
    await leaverPage.locator('button[type=submit]').click();
    await expect(leaverPage.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();
  });

  test('an admin renames a team, and deletes it after confirming', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Admin', 'admin');
    const suffix = Date.now().toString(36);
    await parley.api('POST', '/teams', { name: `Billing ${suffix}`, user_ids: [admin.id] });
    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/people');
    await page.getByRole('button', { name: `Rename team Billing ${suffix}` }).click();
    await page.getByRole('textbox', { name: 'Team name' }).first().fill(`Accounts ${suffix}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(`Accounts ${suffix}`, { exact: true })).toBeVisible();

    await page.getByRole('button', { name: `Delete team Accounts ${suffix}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete team' }).click();
    await expect(page.getByText(`Accounts ${suffix}`, { exact: true })).toHaveCount(0);
    const teams = await parley.api('GET', '/teams');
    expect(teams.items.map((t: { name: string }) => t.name)).not.toContain(`Accounts ${suffix}`);
  });

  test('an admin renames the organisation, in French too', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Admin', 'admin');
    const page = await signIn(browser, parley, admin, 'fr-FR');
    await page.goto('/settings/organization');
    const name = page.getByRole('textbox', { name: 'Nom de l’organisation' });
    await expect(name).not.toHaveValue('');
    await name.fill('Globex');
    // The page has a Save per form (the name, the sign-in rules): the name's.
    await page.locator('form', { has: name }).getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByText('Ada at Globex')).toBeVisible(); // a preview of the field, before it is saved
    await expect(page.getByText('Enregistré.')).toBeVisible();
    expect((await parley.api('GET', '/organization')).name).toBe('Globex');
  });
});
