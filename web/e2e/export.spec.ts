import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { test, expect, signIn, shot } from './fixtures';

// axe-core, as a11y.spec.ts runs it: WCAG 2.1 AA on the screen.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return (await page.evaluate(async () => {
    // @ts-expect-error axe is the global the script defined
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  })) as string[];
}

// The exports list is the organisation's: a server of its own.
test.use({ ownServer: true });

/** untar reads a tar's regular files by name. */
function untar(b: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pax = '';
  for (let at = 0; at + 512 <= b.length; ) {
    const h = b.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156]);
    const body = b.subarray(at + 512, at + 512 + size).toString();
    if (type === 'x') pax = /path=([^\n]+)\n/.exec(body)?.[1] ?? '';
    else if (type === '0' || type === '\0') {
      out.set(pax || name, body);
      pax = '';
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

test('an admin exports an inbox, follows it to ready, downloads it and deletes it', async ({ browser, parley }) => {
  const desk = await parley.inbox('Export desk');
  const other = await parley.inbox('Other desk');
  const sent = await parley.push(desk.channel, { email: 'parcel@example.org', name: 'Pat Parcel' }, 'Where is my parcel?', 'Parcel 1207');
  await parley.push(other.channel, { email: 'secret@example.org', name: 'Sam Secret' }, 'A private matter', 'Not for this export');

  const page = await signIn(browser, parley, await parley.user('Ella Export', 'admin'));
  await page.goto('/settings/export');
  await expect(page.getByRole('heading', { name: 'Export', exact: true })).toBeVisible();
  await expect(page.getByText('No exports yet.')).toBeVisible();
  await page.getByLabel('What to export').selectOption({ label: 'Inbox: Export desk' });
  await page.getByRole('button', { name: 'Start the export' }).click();
  await expect(page.getByText('The export has started.').first()).toBeVisible();

  const row = page.getByRole('listitem', { name: 'Inbox Export desk' });
  await expect(row.getByText('Ready')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'export-ready');
  expect(await violations(page), 'the export screen').toEqual([]);

  const download = page.waitForEvent('download');
  await row.getByRole('link', { name: 'Download the export of Inbox Export desk' }).click();
  const file = await (await download).path();
  expect((await download).suggestedFilename()).toMatch(/^parley-export-\d+-inbox-\d+-\d{8}\.tar\.gz$/);
  const files = untar(gunzipSync(readFileSync(file)));
  expect(files.get('manifest.json')).toContain('"name": "Export desk"');
  const convs = (files.get('conversations.jsonl') ?? '').trim().split('\n').map((l) => JSON.parse(l));
  expect(convs.map((c) => c.id)).toEqual([sent.conversation_id]);
  expect(convs[0].subject).toBe('Parcel 1207');
  expect(files.get('messages.jsonl')).toContain('Where is my parcel?');
  expect(files.get('contacts.jsonl')).toContain('parcel@example.org');
  expect([...files.values()].join('\n')).not.toContain('A private matter');

  // In French, and at phone width.
  const fr = await signIn(browser, parley, await parley.user('Élise Export', 'admin'), 'fr-FR');
  await fr.goto('/settings/export');
  await expect(fr.getByRole('listitem', { name: 'Boîte Export desk' }).getByText('Prêt')).toBeVisible();
  await expect(fr.getByRole('button', { name: 'Lancer l’export' })).toBeVisible();
  await shot(fr, 'export-fr');
  await fr.setViewportSize({ width: 390, height: 844 });
  await fr.reload();
  await fr.getByRole('listitem', { name: 'Boîte Export desk' }).scrollIntoViewIfNeeded();
  await expect(fr.getByRole('link', { name: 'Télécharger l’export de Boîte Export desk' })).toBeVisible();
  await shot(fr, 'export-phone');

  // Deleting asks first.
  await row.getByRole('button', { name: 'Delete the export of Inbox Export desk' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this export?' });
  await expect(dialog).toContainText('The archive of Inbox Export desk is deleted');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Export deleted.').first()).toBeVisible();
  await expect(page.getByText('No exports yet.')).toBeVisible();
});

test('agents and viewers have no export screen and the API refuses them', async ({ browser, parley }) => {
  for (const role of ['agent', 'viewer'] as const) {
    // Names that are no words of the app: french.spec.ts, on the same
    // server, looks for English on screens that list people.
    const u = await parley.user(role === 'agent' ? 'Nora Nadeau' : 'Olga Orlov', role);
    const page = await signIn(browser, parley, u);
    await page.goto('/settings/export');
    await expect(page.getByRole('link', { name: 'Export', exact: true })).toHaveCount(0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/exports')).status);
    expect(status).toBe(403);
  }
});
