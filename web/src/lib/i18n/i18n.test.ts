import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { ago, format } from './index.svelte';

const placeholders = (m: string | { one?: string; other: string }) =>
  [...(typeof m === 'string' ? m : `${m.one ?? ''} ${m.other}`).matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();

describe('catalogues', () => {
  // The catalogue is spread from several files: a key written in two
  // would be silently overridden by the later one ("This is" became "That
  // is" and a test of the contact page failed).
  it.each(['en', 'fr'])('no %s key is written twice', (locale) => {
    const where = new Map<string, string>();
    const twice: string[] = [];
    const dir = 'src/lib/i18n'; // vitest runs in web/
    for (const file of readdirSync(dir).filter((f) => f === `${locale}.ts` || f.endsWith(`.${locale}.ts`))) {
      for (const [, key] of readFileSync(`${dir}/${file}`, 'utf8').matchAll(/^\s*['"]([\w.-]+)['"]\s*:/gm)) {
        if (where.has(key)) twice.push(`${key}: ${where.get(key)} and ${file}`);
        else where.set(key, file);
      }
    }
    expect(twice).toEqual([]);
  });
  it('French has every English key and no other', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });
  it('each translation fills the same placeholders', () => {
    for (const [k, m] of Object.entries(en)) {
      expect(placeholders(fr[k as keyof typeof en]), k).toEqual(placeholders(m));
    }
  });
  // A French message the same as the English is usually one nobody
  // translated ("Routable" was): only words French shares may be.
  it('French translates every message but the words both languages share', () => {
    const shared = new Set(['Parley', 'Cc', 'Message', 'Menu', 'Chat', 'Bots', 'Bot', 'Agent', 'Conversation', 'Conversations',
      'Articles', 'Documents', 'Contact', 'Contacts', 'Tickets', 'Pipeline', 'Description', 'Urgent', 'Type', 'Date', '{count} contact', '{count} contacts', 'Port', 'Source', '@ Mentions', '{count} conversation', '{count} conversations', 'Notifications', 'Webhooks', '{ms} ms',
      // lower case, where a sentence names the thing
      'webhook', 'conversation', 'contact', 'ticket', 'pipeline', 'export', 'organisation']);
    for (const [k, m] of Object.entries(en)) {
      const f = fr[k as keyof typeof en];
      const forms = (x: typeof m) => (typeof x === 'string' ? [x] : [x.one ?? '', x.other]);
      if (JSON.stringify(f) !== JSON.stringify(m)) continue;
      for (const s of forms(m)) expect(shared.has(s), `${k}: "${s}" is not translated`).toBe(true);
    }
  });
  it('no message is empty', () => {
    for (const cat of [en, fr]) {
      for (const [k, m] of Object.entries(cat)) expect(typeof m === 'string' ? m : m.other, k).not.toBe('');
    }
  });
});

describe('format', () => {
  it.each([
    ['en', 1, '1 conversation'],
    ['en', 3, '3 conversations'],
    ['fr', 0, '0 conversation'],
    ['fr', 1, '1 conversation'],
    ['fr', 2, '2 conversations'],
  ] as const)('%s plural of %d', (locale, count, want) => {
    expect(format(locale, 'nav.count', { count })).toBe(want);
  });
  it('fills names and leaves unknown placeholders visible', () => {
    expect(format('fr', 'event.closed', { who: 'Ana' })).toBe('Ana a fermé la conversation');
    expect(format('en', 'event.closed')).toBe('{who} closed this');
  });
});

describe('ago', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  it.each([
    ['en', 5 * 60e3, '5 min. ago'],
    ['fr', 5 * 60e3, 'il y a 5 min'],
    ['en', 3 * 3600e3, '3 hr. ago'],
    ['fr', 86400e3, 'hier'],
    ['en', 10e3, 'now'],
    ['fr', 10e3, 'à l’instant'],
  ] as const)('%s %d ms ago', (locale, ms, want) => {
    expect(ago(new Date(now - ms), now, locale).replace(/[\u00a0\u202f]/g, ' ')).toBe(want);
  });
});
