import { createHmac } from 'node:crypto';
import { test, expect, signIn, shot } from './fixtures';

// Requiring two-factor sign-in of everyone would stop every other test's
// sign-in: a server apart from the tests that share one, and the rule put
// back after, for the other files that share this one.
test.use({ ownServer: true });
test.afterAll(async ({ parley }) => {
  await parley.api('PUT', '/sign-in-settings', { require_two_factor: 'none' });
});

// RFC 6238 as an authenticator app computes it: HMAC-SHA1 of the 30-second
// step under the base32 key, six digits.
function totp(key: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/\s|=/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', bytes).update(step).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('a person turns on two-factor sign-in, keeps the recovery codes, and signs in with a code', async ({ browser, parley }) => {
  const u = await parley.user('Tia Totp');
  const page = await signIn(browser, parley, u);
  await page.goto('/settings/profile');
  const card = page.getByRole('region', { name: 'Two-factor sign-in' });
  await expect(card.getByText('Off: your password alone signs you in.')).toBeVisible();
  await card.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await card.getByLabel('Key').textContent())!.replace(/\s/g, '');
  await card.getByLabel('The code the app shows now').fill('000000');
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('That code is wrong or was used already.').first()).toBeVisible();
  // The code of the step it is turned on in, kept: recomputed later it
  // may be the next step's, which is not used yet (a 30-second boundary
  // made this test fail once).
  const onAt = Date.now();
  const first = totp(key, onAt);
  await card.getByLabel('The code the app shows now').fill(first);
  await card.getByRole('button', { name: 'Turn on' }).click();
  const recovery = card.getByRole('region', { name: 'Recovery codes' });
  await expect(recovery.getByRole('listitem')).toHaveCount(10);
  await expect(card.getByText('On. 10 recovery codes left.')).toBeVisible();
  await shot(page, 'two-factor-on');

  // Another browser: the password, then the code (the next step's: the
  // code just used to turn it on works only once).
  const other = await (await browser.newContext({ baseURL: parley.url })).newPage();
  await other.goto('/');
  await other.locator('input[type=email]').fill(u.email);
  await other.locator('input[type=password]').fill(u.password);
  await other.locator('button[type=submit]').click();
  await expect(other.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await other.getByLabel('Code from your authenticator app').fill(first);
  await other.getByRole('button', { name: 'Verify' }).click();
  await expect(other.getByRole('alert')).toHaveText(/wrong or was used already/);
  await other.getByLabel('Code from your authenticator app').fill(totp(key, onAt + 30_000));
  await other.getByRole('button', { name: 'Verify' }).click();
  await expect(other.getByRole('navigation', { name: /inbox/i })).toBeVisible();
});

test('an organisation that requires two-factor sign-in has a person set it up as they sign in, in French', async ({ browser, parley }) => {
  const admin = await signIn(browser, parley, await parley.user('Rita Rules', 'admin'), 'fr-FR');
  await admin.goto('/settings/organization');
  const rules = admin.getByRole('form', { name: 'Connexion' });
  await rules.getByLabel('Exiger la connexion en deux étapes pour').selectOption({ label: 'Tout le monde' });
  await rules.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(admin.getByText('Enregistré.').first()).toBeVisible();
  {
    const u = await parley.user('Noé Nouveau');
    const page = await (await browser.newContext({ baseURL: parley.url, locale: 'fr-FR', viewport: { width: 390, height: 844 } })).newPage();
    await page.goto('/');
    await page.locator('input[type=email]').fill(u.email);
    await page.locator('input[type=password]').fill(u.password);
    await page.locator('button[type=submit]').click();
    await expect(page.getByRole('heading', { name: 'Activer la connexion en deux étapes' })).toBeVisible();
    const key = (await page.getByLabel('Clé').textContent())!.replace(/\s/g, '');
    await shot(page, 'two-factor-enrol-fr');
    await page.getByLabel('Le code affiché par l’application').fill(totp(key));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.getByRole('region', { name: 'Codes de secours' }).getByRole('listitem')).toHaveCount(10);
    await page.getByRole('button', { name: 'Continuer vers Parley' }).click();
    await expect(page.getByRole('navigation', { name: /boîte/i })).toBeVisible();
  }
});
