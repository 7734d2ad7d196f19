import { test, expect } from './fixtures';

test.describe('forgot password', () => {
  test('a reset link by email sets a new password once', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Forgetful');
    const ctx = await browser.newContext({ baseURL: parley.url, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill(ana.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(page.locator('main').getByRole('status')).toContainText('is on its way');

    const mail = await parley.sent((m) => (m.to as { text: string }).text === ana.email && /Reset/.test(m.subject ?? ''));
    const link = /http\S+\/reset-password\/\S+/.exec(mail.text ?? '')![0];
    await page.goto(link);
    await page.getByRole('textbox', { name: 'New password' }).fill('a brand new password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.locator('main').getByRole('status')).toHaveText('Your password is changed. Sign in with it.');
    await page.locator('input[type=email]').fill(ana.email);
    await page.locator('input[type=password]').fill('a brand new password');
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('navigation', { name: 'Inboxes and views' })).toBeVisible();

    // The link worked once: opened again, it says so and offers a new one.
    const again = await (await browser.newContext({ baseURL: parley.url })).newPage();
    await again.goto(link);
    await again.getByRole('textbox', { name: 'New password' }).fill('yet another password');
    await again.getByRole('button', { name: 'Set password' }).click();
    await expect(again.getByRole('alert')).toHaveText(/already used or has expired/);
    await again.getByRole('button', { name: 'Ask for a new link' }).click();
    await expect(again.getByRole('button', { name: 'Email me a link' })).toBeVisible();
  });

  test('a used sign-in link explains itself in the browser’s language and leads to a new link', async ({ browser, parley }) => {
    const ctx = await browser.newContext({ baseURL: parley.url, locale: 'fr-FR' });
    const page = await ctx.newPage();
    await page.goto('/login/used-or-unknown');
    await expect(page.getByRole('heading', { name: 'Ce lien de connexion ne fonctionne pas' })).toBeVisible();
    await expect(page.getByText(/déjà servi ou a expiré/)).toBeVisible();
    await page.getByRole('link', { name: 'Recevoir un nouveau lien par e-mail' }).click();
    await expect(page.getByRole('heading', { name: 'Réinitialiser votre mot de passe' })).toBeVisible();
  });
});
