import { test, expect, signIn, shot } from './fixtures';
import { en, type Message } from '../src/lib/i18n/en';
import { fr } from '../src/lib/i18n/fr';
import type { Page } from '@playwright/test';

// Words French uses too ("conversation") are no sign of English.
const frenchWords = new Set(
  Object.values(fr)
    .flatMap((m) => (typeof m === 'string' ? [m] : [m.one ?? '', m.other]))
    .flatMap((m) => m.toLowerCase().split(/[^\p{L}]+/u)),
);

// The English text that French screens must never show: every message
// that differs between the two, cut at its placeholders.
const english = [
  ...new Set(
    Object.entries(en).flatMap(([k, m]) => {
      const forms = (x: Message) => (typeof x === 'string' ? [x] : [x.one ?? '', x.other]);
      const f = forms(fr[k as keyof typeof en]);
      return forms(m)
        .filter((s) => !f.includes(s))
        .flatMap((s) => s.split(/\{\w+\}/))
        .map((s) => s.trim().replace(/[.…:?]+$/, ''))
        .filter((s) => s.length >= 4 && !frenchWords.has(s.toLowerCase()));
    }),
  ),
];

test.use({ ownServer: true });

async function untranslated(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  const labels = await page.evaluate(() =>
    [...document.querySelectorAll('[aria-label],[placeholder],[title]')]
      .map((el) => [el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('title')].join('\n'))
      .join('\n'),
  );
  // "Admin" is the name of the user the first start made: data, not the app's words.
  const all = `${text}\n${labels}`.replace(/\bAdmin\b/g, '');
  return english.filter((s) => new RegExp(`(^|[^\\p{L}])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(all));
}

test('the main flow in French shows no English', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Accueil');
  const eva = await parley.user('Éva Durand');
  const ctx = await browser.newContext({ locale: 'fr-FR', baseURL: parley.url });
  const signin = await ctx.newPage();
  await signin.goto('/');
  await expect(signin.getByRole('heading', { name: 'Connectez-vous à votre boîte partagée' })).toBeVisible();
  expect(await untranslated(signin)).toEqual([]);

  const page = await signIn(browser, parley, eva, 'fr-FR');
  await parley.push(inbox.channel, { email: 'elodie@client.test', name: 'Élodie Martin' }, 'Bonjour, ma commande est en retard.', 'Commande en retard');
  await parley.mail(inbox.address, 'Jean Dupont <jean@client.test>', 'Facture', 'Où est ma facture ?');
  const item = page.locator('.conversation', { hasText: 'Élodie Martin' });
  await expect(item).toBeVisible();
  await page.getByText('Filtres').click();
  expect(await untranslated(page)).toEqual([]);
  await shot(page, 'fr-list');

  await item.getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Commande en retard' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Attribuer' }).selectOption({ label: 'Éva Durand (moi)' });
  await expect(page.getByText('Éva Durand a pris la conversation')).toBeVisible();
  await page.getByRole('textbox', { name: 'Votre réponse' }).fill('Nous regardons cela tout de suite.');
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(page.getByRole('listitem', { name: 'Réponse de Éva Durand' })).toBeVisible();
  await page.getByRole('button', { name: 'Fermer', exact: true }).click();
  await expect(page.getByText('Éva Durand a fermé la conversation')).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await shot(page, 'fr-thread');

  await page.locator('.conversation', { hasText: 'Jean Dupont' }).getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Facture' })).toBeVisible();
  await page.getByRole('tab', { name: 'Note interne' }).click();
  expect(await untranslated(page)).toEqual([]);

  await page.locator('body').press('?');
  await expect(page.getByRole('dialog', { name: 'Raccourcis clavier' })).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: 'Paramètres' }).click();
  await expect(page.getByRole('heading', { name: 'Profil', exact: true })).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await shot(page, 'fr-settings');
});

test('an admin working in French invites in French', async ({ browser, parley }) => {
  const admin = await parley.user('Adèle Admin', 'admin');
  const page = await signIn(browser, parley, admin, 'fr-FR');
  await expect.poll(async () => (await parley.api('GET', '/users')).items.find((u: { id: number }) => u.id === admin.id).locale).toBe('fr');
  await page.goto('/settings/people');
  const form = page.getByRole('form', { name: 'Ajouter un collègue' });
  await form.getByRole('textbox', { name: 'Nom' }).fill('Noé Nouveau');
  await form.getByRole('textbox', { name: 'E-mail' }).fill('noe@acme.test');
  await form.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Noé Nouveau a reçu un lien' })).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  const mail = await parley.sent((m) => m.subject === 'Vous êtes invité dans la boîte partagée de Acme');
  expect(mail.text).toContain('Bonjour Noé Nouveau');
});

test('the untranslated check can fail', async ({ browser, parley }) => {
  const eva = await parley.user('Eve English');
  const page = await signIn(browser, parley, eva, 'en-US');
  expect(await untranslated(page)).toContain('Assigned to me');
});

// Every screen an admin reaches, in French: no English from the catalogue,
// and never the server's own words for a refusal (SPEC PLT-6).
test('every screen in French, refusals included, speaks French', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Ventes');
  const admin = await parley.user('Inès Admin', 'admin');
  await parley.push(inbox.channel, { email: 'lea@client.test', name: 'Léa Petit' }, 'Bonjour, un devis ?', 'Devis');
  const page = await signIn(browser, parley, admin, 'fr-FR');
  // What the server said when it refused, in its own words: never on screen.
  const refusals: string[] = [];
  page.on('response', async (r) => {
    if (r.status() < 400 || !r.url().includes('/api/')) return;
    const p = await r.json().catch(() => null);
    for (const s of [p?.detail, ...(p?.errors ?? []).map((e: { message?: string }) => e.message)]) if (s) refusals.push(s);
  });
  const check = async (where: string) => {
    expect(await untranslated(page), where).toEqual([]);
    const text = await page.locator('body').innerText();
    expect(refusals.filter((s) => text.includes(s)), `${where}: the server's words on screen`).toEqual([]);
  };

  await expect(page.locator('.conversation', { hasText: 'Léa Petit' })).toBeVisible();
  for (const link of await page.getByRole('navigation', { name: 'Boîtes et vues' }).getByRole('link').all()) {
    const name = await link.innerText();
    await link.click();
    await page.waitForLoadState('networkidle');
    await check(`view ${name}`);
  }

  // A search the server cannot read, and a conversation that is not there.
  await page.goto('/');
  await page.getByRole('searchbox').fill('"devis');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByRole('alert')).toContainText('Cette recherche est illisible');
  await check('a search refused');
  await page.goto('/inbox/all/open/999999');
  await page.waitForLoadState('networkidle');
  await check('a conversation that is not there');

  await page.goto('/');
  await page.getByRole('button', { name: 'Nouvel e-mail' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await check('new email');
  await page.keyboard.press('Escape');

  for (const section of await page.evaluate(() => [...document.querySelectorAll('a[href^="/settings/"]')].map((a) => a.getAttribute('href')!))) {
    await page.goto(section);
    await expect(page.getByRole('navigation', { name: 'Sections des paramètres' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await check(section);
    for (const link of await page.getByRole('navigation', { name: 'Sections des paramètres' }).getByRole('link').all()) {
      await link.click();
      await page.waitForLoadState('networkidle');
      await check(`settings ${await link.innerText()}`);
    }
  }
});

// A reply the receiving server refuses says so in French, with the
// server's words one click away (SPEC PLT-6).
test('a delivery failure is told in French, its detail at hand', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Livraison');
  const eva = await parley.user('Éva Refus');
  await parley.mail(inbox.address, 'Nadia Nulle <nadia@refused.test>', 'Adresse', 'Écrivez-moi ici.');
  const page = await signIn(browser, parley, eva, 'fr-FR');
  await page.locator('.conversation', { hasText: 'Nadia Nulle' }).getByRole('link').click();
  await page.getByRole('textbox', { name: 'Votre réponse' }).fill('Bien reçu.');
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  const failed = page.locator('.entry.event', { hasText: 'Une réponse n’a pas pu être distribuée' });
  await expect(failed).toContainText('le serveur de messagerie du destinataire l’a refusée.');
  expect(await untranslated(page)).toEqual([]);
  await expect(failed.locator('code')).toBeHidden();
  await failed.getByText('Détails').click();
  await expect(failed.locator('code')).toContainText('550');
});

// The bot editor (SPEC CHT-14), every kind of step shown, in French.
test('the bot editor, ticket pipelines and the board speak French', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Robots');
  await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Discussion', config: { allowed_origins: ['https://boutique.example'] } });
  const page = await signIn(browser, parley, await parley.user('Bruno Bot', 'admin'), 'fr-FR');
  await page.goto('/settings/chat');
  await page.getByRole('combobox', { name: 'Boîte' }).last().selectOption({ label: 'Robots' });
  await page.getByRole('button', { name: 'Ajouter un scénario' }).click();
  const form = page.getByRole('form', { name: 'Ajouter un scénario' });
  await form.getByLabel('Un bot répond d’abord').check();
  for (const kind of ['buttons', 'articles', 'end']) {
    await form.getByRole('combobox', { name: 'Type de la nouvelle étape' }).selectOption(kind);
    await form.getByRole('button', { name: 'Ajouter une étape' }).click();
  }
  await form.getByRole('listitem', { name: /^Étape 5/ }).getByLabel('Délai (minutes, 0 : jamais)').fill('5');
  await expect(form.getByText('Sans réponse pendant 5 min')).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await shot(page, 'fr-bot-editor');

  // Ticket pipelines and the board.
  const pipeline = await parley.api('POST', '/pipelines', { kind: 'ticket', name: 'Assistance', stages: [{ name: 'Nouveau' }, { name: 'Résolu', closed: true }] });
  await parley.api('POST', '/tickets', { subject: 'Colis perdu', pipeline_id: pipeline.id, priority: 'urgent' });
  await page.goto('/settings/pipelines');
  await page.getByRole('button', { name: 'Ajouter un pipeline' }).click();
  await expect(page.getByRole('form', { name: 'Ajouter un pipeline' })).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await page.goto(`/tickets/${pipeline.id}`);
  await expect(page.getByRole('button', { name: 'Colis perdu, à l’étape Nouveau' })).toBeVisible();
  expect(await untranslated(page)).toEqual([]);
  await shot(page, 'fr-ticket-board');
});
