import { expect, shot, signIn, test } from './fixtures';

// The audit log (issue 18): an admin reads who signed in, who failed to,
// and what changed, with before and after; filters narrow it.
test('an admin reads the audit log and narrows it', async ({ browser, parley }) => {
  const ada = await parley.user('Ada Audit', 'admin');
  const ana = await parley.user('Ana Audited');
  const failed = await fetch(`${parley.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ana.email, password: 'not her password' }),
  });
  expect(failed.status).toBe(401);
  const ib = await parley.inbox('Audit billing');
  await parley.api('PATCH', `/inboxes/${ib.id}`, { name: 'Audit invoices' });

  const page = await signIn(browser, parley, ada);
  await page.goto('/settings/audit');
  const log = page.getByRole('list', { name: 'Audit log' });
  const failure = log.getByRole('listitem').filter({ hasText: ana.email });
  await expect(failure.first()).toContainText('Sign-in failed: wrong email or password');
  const rename = log.getByRole('listitem').filter({ hasText: 'Changed an inbox' }).filter({ hasText: 'Audit invoices' });
  await rename.first().getByText('Details').click();
  const row = rename.first().getByRole('row', { name: /name/ });
  await expect(row).toContainText('Audit billing');
  await expect(row).toContainText('Audit invoices');
  await expect(log.getByRole('listitem').filter({ hasText: 'Ada Audit' }).filter({ hasText: 'Signed in with password' }).first()).toBeVisible();

  // Failed sign-ins only: the rename and the sign-in go.
  await page.getByLabel('What').selectOption('failed');
  await expect(log.getByRole('listitem').filter({ hasText: 'Changed an inbox' })).toHaveCount(0);
  await expect(failure.first()).toBeVisible();
  // Ada's doings: no failure of Ana's.
  await page.getByLabel('What').selectOption('all');
  await page.getByLabel('Who').selectOption({ label: 'Ada Audit' });
  await expect(log.getByRole('listitem').filter({ hasText: 'Signed in with password' }).first()).toBeVisible();
  await expect(log.getByRole('listitem').filter({ hasText: ana.email })).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'audit-phone');
});

test('the audit log in French', async ({ browser, parley }) => {
  const ada = await parley.user('Adèle Audit', 'admin');
  const page = await signIn(browser, parley, ada, 'fr-FR');
  await page.goto('/settings/audit');
  await expect(page.getByRole('heading', { name: 'Journal d’audit' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Journal d’audit' }).getByText('Connexion par mot de passe').first()).toBeVisible();
  await shot(page, 'audit-fr');
});
