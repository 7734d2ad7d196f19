import { test, expect, signIn, shot } from './fixtures';
import { OIDCProvider } from './oidc';

// Single sign-on changes everyone's sign-in page: a server of its own
// (shared with other such files, so it is turned off again at the end).
test.use({ ownServer: true });

test('an admin sets up single sign-on and people sign in through the provider', async ({ browser, parley }) => {
  const provider = new OIDCProvider();
  await provider.start();
  try {
    // The provider listens on loopback, a private address: allowed here,
    // as an admin allows it for a webhook.
    await parley.api('PUT', '/outbound-settings', { allow_private_targets: true });
    const admin = await signIn(browser, parley, await parley.user('Ada Admin', 'admin'));
    await admin.goto('/settings/organization');
    const card = admin.getByRole('form', { name: 'Single sign-on' });
    await expect(card.getByLabel('Redirect URI to register at the provider')).toHaveValue(`${parley.url}/sso/callback`);
    await card.getByLabel('Name on the sign-in button').fill('Acme ID');
    await card.getByLabel('Issuer URL').fill(`${parley.url}/nothing-here`);
    await card.getByLabel('Client ID').fill(provider.clientID);
    await card.getByLabel('Client secret').fill(provider.secret);
    await card.getByLabel('Offer single sign-on on the sign-in page').check();
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(admin.getByText('Parley could not read this issuer’s discovery document').first()).toBeVisible();
    await card.getByLabel('Issuer URL').fill(provider.url);
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByText('A secret is saved: leave this empty to keep it.')).toBeVisible();
    await shot(admin, 'sso-settings');

    // Someone with an account signs in through the provider.
    const sam = await parley.user('Sam Sso');
    provider.person = { email: sam.email.toUpperCase(), name: 'Sam from the provider' };
    const page = await (await browser.newContext({ baseURL: parley.url })).newPage();
    await page.goto('/');
    await shot(page, 'sso-sign-in');
    await page.getByRole('link', { name: 'Sign in with Acme ID' }).click();
    await expect(page.getByRole('navigation', { name: /inbox/i })).toBeVisible();
    expect((await (await page.request.get('/api/v1/me')).json()).email).toBe(sam.email);

    // Someone unknown is refused while nobody may join, and told why.
    provider.person = { email: 'stranger@elsewhere.test', name: 'Stranger' };
    const other = await (await browser.newContext({ baseURL: parley.url })).newPage();
    await other.goto('/');
    await other.getByRole('link', { name: 'Sign in with Acme ID' }).click();
    await expect(other.getByRole('alert')).toHaveText('You have no account here yet: ask an admin to invite you.');
    await expect(other).toHaveURL(`${parley.url}/`);

    // Unknown people join as viewers, from the email domains named (then
    // required), and passwords are for admins only (asked first).
    await card.getByLabel('Someone the provider knows who has no account here').selectOption({ label: 'Joins as a viewer' });
    await expect(card.getByLabel('Email domains whose people may join')).toHaveAttribute('required', '');
    await card.getByLabel('Email domains whose people may join').fill('Elsewhere.test, example.org');
    await card.getByLabel('Everyone may also sign in with a password').uncheck();
    await card.getByRole('button', { name: 'Save' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Turn password sign-in off?' });
    await expect(confirm).toContainText('Everyone but admins will have to sign in with Acme ID');
    await confirm.getByRole('button', { name: 'Turn it off and save' }).click();
    await expect(admin.getByText('Saved.').first()).toBeVisible();
    await expect(card.getByLabel('Email domains whose people may join')).toHaveValue('elsewhere.test, example.org');

    // Someone of another domain is still refused, and told why.
    provider.person = { email: 'drifter@public-mail.test', name: 'Drifter' };
    await other.getByRole('link', { name: 'Sign in with Acme ID' }).click();
    await expect(other.getByRole('alert')).toHaveText(
      'You have no account here, and people of your email domain do not join by themselves: ask an admin to invite you.',
    );
    provider.person = { email: 'stranger@elsewhere.test', name: 'Stranger' };

    await other.getByRole('link', { name: 'Sign in with Acme ID' }).click();
    await expect(other.getByRole('navigation', { name: /inbox/i })).toBeVisible();
    expect((await (await other.request.get('/api/v1/me')).json()).role).toBe('viewer');

    // The sign-in page offers the provider; the password form is behind a
    // link, and an agent's right password is refused as a wrong one.
    const fresh = await (await browser.newContext({ baseURL: parley.url, locale: 'en-US' })).newPage();
    await fresh.goto('/');
    await expect(fresh.getByText('Your organisation signs in with Acme ID.')).toBeVisible();
    await expect(fresh.locator('input[type=password]')).toHaveCount(0);
    await fresh.getByRole('button', { name: 'Admin? Sign in with a password' }).click();
    await fresh.locator('input[type=email]').fill(sam.email);
    await fresh.locator('input[type=password]').fill(sam.password);
    await fresh.locator('button[type=submit]').click();
    await expect(fresh.getByRole('alert')).toHaveText(
      'That email and password do not match. Only admins sign in with a password here: others use “Sign in with Acme ID”.',
    );
    await fresh.setViewportSize({ width: 390, height: 844 });
    await shot(fresh, 'sso-sign-in-phone');

    // In French, on a phone.
    const fr = await (await browser.newContext({ baseURL: parley.url, locale: 'fr-FR', viewport: { width: 390, height: 844 } })).newPage();
    await fr.goto('/');
    await expect(fr.getByRole('link', { name: 'Se connecter avec Acme ID' })).toBeVisible();
    await shot(fr, 'sso-sign-in-fr');
    // Admins keep their passwords, behind the link.
    const alix = await parley.user('Alix Admin', 'admin');
    await fr.getByRole('button', { name: 'Administrateur ? Connexion par mot de passe' }).click();
    await fr.locator('input[type=email]').fill(alix.email);
    await fr.locator('input[type=password]').fill(alix.password);
    await fr.locator('button[type=submit]').click();
    await expect(fr.getByRole('navigation', { name: /boîte/i })).toBeVisible();
    const adminFr = fr;
    await adminFr.goto('/settings/organization');
    await expect(adminFr.getByRole('form', { name: 'Authentification unique' }).getByLabel('URL de l’émetteur')).toHaveValue(provider.url);
    await adminFr.getByRole('form', { name: 'Authentification unique' }).scrollIntoViewIfNeeded();
    await shot(adminFr, 'sso-settings-fr-phone');
  } finally {
    // Files with a server of their own share it: leave its sign-in as found.
    await parley
      .api('PUT', '/sso-settings', { name: 'Acme ID', issuer: provider.url, client_id: provider.clientID, enabled: false, join_role: 'none', password_sign_in: true })
      .catch(() => {});
    await parley.api('PUT', '/outbound-settings', { allow_private_targets: false });
    await provider.stop();
  }
});
