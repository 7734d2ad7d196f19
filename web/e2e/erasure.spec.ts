import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect, shot, signIn, test } from './fixtures';

// axe-core, as in a11y.spec.ts: the danger zone, the dialog and the
// retention form have no WCAG 2.1 AA violations.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return (await page.evaluate(async () => {
    // @ts-expect-error axe is the global the script defined
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  })) as string[];
}

// Retention and erasure (issue 18, GDPR): an admin erases a contact from
// its page after typing its address, and the contact and its conversation
// are gone; an inbox's retention is saved from its settings, asking first
// when it is turned on.
test('an admin erases a contact from its page; an agent cannot', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Erase desk');
  const pushed = await parley.push(inbox.channel, { email: 'gina@forget.test', name: 'Gina Forget' }, 'Please forget everything about me', 'Forget me');
  const conv = await parley.api('GET', `/conversations/${pushed.conversation_id}`);
  const id = conv.contact.id as number;

  const agent = await signIn(browser, parley, await parley.user('Abe Agent'));
  await agent.goto(`/contacts/${id}`);
  await expect(agent.getByRole('heading', { name: 'Gina Forget' })).toBeVisible();
  await expect(agent.getByRole('button', { name: 'Erase this contact…' })).toHaveCount(0);

  const page = await signIn(browser, parley, await parley.user('Ada Eraser', 'admin'));
  await page.goto(`/contacts/${id}`);
  const zone = page.getByRole('region', { name: 'Erase this contact' });
  await expect(zone).toContainText('request to be forgotten');
  expect(await violations(page), 'contact page with its danger zone').toEqual([]);
  await zone.getByRole('button', { name: 'Erase this contact…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Erase Gina Forget?' });
  await expect(dialog).toContainText('This cannot be undone.');
  expect(await violations(page), 'erase dialog').toEqual([]);
  const erase = dialog.getByRole('button', { name: 'Erase for good' });
  await expect(erase).toBeDisabled();
  const typed = dialog.getByLabel('Type gina@forget.test to confirm');
  await typed.fill('Gina');
  await expect(erase).toBeDisabled();
  // Cancel keeps everything.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await parley.api('GET', `/contacts/${id}`);

  await zone.getByRole('button', { name: 'Erase this contact…' }).click();
  await typed.fill('gina@forget.test');
  await expect(erase).toBeEnabled();
  await shot(page, 'erase-dialog');
  await erase.click();
  await expect(page.getByText('Gina Forget was erased, with 1 conversation.')).toBeVisible();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(parley.api('GET', `/contacts/${id}`)).rejects.toThrow(/404/);
  await expect(parley.api('GET', `/conversations/${pushed.conversation_id}`)).rejects.toThrow(/404/);
  const left = await parley.api('GET', `/contacts?q=${encodeURIComponent('gina@forget.test')}`);
  expect(left.items ?? []).toEqual([]);
});

test('the erase dialog in French and on a phone', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Effacement');
  const pushed = await parley.push(inbox.channel, { email: 'remi@oubli.test', name: 'Rémi Oubli' }, 'Oubliez-moi', 'Oubli');
  const conv = await parley.api('GET', `/conversations/${pushed.conversation_id}`);
  const page = await signIn(browser, parley, await parley.user('Adèle Efface', 'admin'), 'fr-FR');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/contacts/${conv.contact.id}`);
  const zone = page.getByRole('region', { name: 'Effacer ce contact' });
  await zone.getByRole('button', { name: 'Effacer ce contact…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Effacer Rémi Oubli ?' });
  await expect(dialog).toContainText('Action irréversible.');
  await dialog.getByLabel('Saisissez remi@oubli.test pour confirmer').fill('remi@oubli.test');
  await shot(page, 'erase-dialog-fr-phone');
  await dialog.getByRole('button', { name: 'Effacer définitivement' }).click();
  await expect(page.getByText('Rémi Oubli a été effacé, avec 1 conversation.')).toBeVisible();
});

// An anonymous chat visitor has no name, address or phone: the dialog asks
// for the contact's number, which the server always accepts. (The page is
// shown such a contact by stripping a pushed one's details on the way.)
test('a contact with nothing to type is erased by its number', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Visitor desk');
  const pushed = await parley.push(inbox.channel, { email: 'vic@anon.test', name: 'Vic Anon' }, 'Hello from the widget', 'Chat');
  const conv = await parley.api('GET', `/conversations/${pushed.conversation_id}`);
  const id = conv.contact.id as number;
  const page = await signIn(browser, parley, await parley.user('Ida Eraser', 'admin'));
  await page.route(new RegExp(`/api/v1/contacts/${id}$`), async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const json = await response.json();
    await route.fulfill({ response, json: { ...json, name: '', email: '', emails: [], phone: '', phones: [] } });
  });
  await page.goto(`/contacts/${id}`);
  const zone = page.getByRole('region', { name: 'Erase this contact' });
  await zone.getByRole('button', { name: 'Erase this contact…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Erase Unknown?' });
  await expect(dialog).toContainText('This contact has no name, address or phone: type its number, with the #.');
  const erase = dialog.getByRole('button', { name: 'Erase for good' });
  await dialog.getByLabel(`Type #${id} to confirm`).fill(` #${id} `);
  await expect(erase).toBeEnabled();
  expect(await violations(page), 'erase dialog for a visitor').toEqual([]);
  await erase.click();
  await expect(page.getByText('Unknown was erased, with 1 conversation.')).toBeVisible();
  await expect(parley.api('GET', `/contacts/${id}`)).rejects.toThrow(/404/);
});

test('an inbox’s retention is saved from its settings, asking first', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Kept desk');
  const page = await signIn(browser, parley, await parley.user('Rita Retain', 'admin'));
  await page.goto('/settings/inboxes');
  await page.getByRole('button', { name: 'Edit Kept desk' }).click();
  const form = page.getByRole('region', { name: 'Retention in Kept desk' });
  await expect(form.getByRole('status')).toHaveText('Off: closed conversations are kept.');
  await form.getByLabel('Delete closed conversations after').check();
  await form.getByLabel('Number of days').fill('30');
  expect(await violations(page), 'inbox settings with retention').toEqual([]);
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Delete closed conversations after 30 days?' });
  await expect(ask).toContainText('No closed conversation in Kept desk is that old yet.');
  await shot(page, 'retention-confirm');
  await ask.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Retention saved.').first()).toBeVisible();
  await expect(form.getByRole('status')).toHaveText('On: a closed conversation is deleted 30 days after it is closed.');
  expect((await parley.api('GET', `/inboxes/${inbox.id}/retention`)).days).toBe(30);

  // Longer: nothing more goes, so nothing is asked.
  await form.getByLabel('Number of days').fill('90');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText('On: a closed conversation is deleted 90 days after it is closed.');
  expect((await parley.api('GET', `/inboxes/${inbox.id}/retention`)).days).toBe(90);
  await shot(page, 'retention-settings');

  // Off again.
  await form.getByLabel('Keep closed conversations').check();
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText('Off: closed conversations are kept.');
  expect((await parley.api('GET', `/inboxes/${inbox.id}/retention`)).days).toBe(0);
});

test('the retention setting in French on a phone', async ({ browser, parley }) => {
  await parley.inbox('Boîte gardée');
  const page = await signIn(browser, parley, await parley.user('Rose Garde', 'admin'), 'fr-FR');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/settings/inboxes');
  await page.getByRole('button', { name: 'Modifier Boîte gardée' }).click();
  const form = page.getByRole('region', { name: 'Conservation dans Boîte gardée' });
  await form.getByLabel('Supprimer les conversations fermées après').check();
  await form.getByLabel('Nombre de jours').fill('7');
  await form.scrollIntoViewIfNeeded();
  await shot(page, 'retention-fr-phone');
  await form.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Supprimer les conversations fermées après 7 jours ?' })).toBeVisible();
});
