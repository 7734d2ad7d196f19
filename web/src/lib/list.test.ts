import { describe, expect, it } from 'vitest';
import type { Conversation } from './api/client';
import { List, merge, query } from './list.svelte';
import { parse } from './nav.svelte';

const c = (id: number) => ({ id }) as Conversation;

describe('merge', () => {
  it.each([
    ['the fresh page is all there is', [3, 2, 1], [2, 1], false, [3, 2, 1]],
    ['older pages follow the fresh one', [5, 4], [4, 3, 2, 1], true, [5, 4, 3, 2, 1]],
    ['an item that moved to the top is not repeated', [2, 5], [5, 4, 3, 2, 1], true, [2, 5, 4, 3, 1]],
    ['the fresh page ends on an unknown item: start over', [7, 6], [4, 3], true, [7, 6]],
  ])('%s', (_, fresh, loaded, more, want) => {
    expect(merge(fresh.map(c), loaded.map(c), more as boolean).map((x) => x.id)).toEqual(want);
  });
});

describe('query', () => {
  it('searches every conversation unless narrowed to the view', () => {
    expect(query(parse('/inbox/all/open', '?q=refund&status=closed'))).toEqual({ q: 'refund', status: 'closed', limit: 50 });
    expect(query(parse('/inbox/all/open', '?q=refund&in=view'))).toMatchObject({ q: 'refund', view: 'open' });
    expect(query(parse('/inbox/all/open', ''))).toMatchObject({ view: 'open' });
  });

  it('turns a place into list parameters', () => {
    const q = query(parse('/inbox/4/mine', '?q=hello&in=view&channel=email&active_from=2026-11-01&active_to=2026-11-02'));
    expect(q).toMatchObject({ inbox: 4, view: 'mine', q: 'hello', channel: 'email', limit: 50 });
    // The agent's own days (here with a DST change in New York): from the
    // first's midnight to the midnight after the last, local time.
    const from = new Date(q.active_from!);
    const to = new Date(q.active_to!);
    expect([from.getDate(), from.getHours(), to.getDate(), to.getHours()]).toEqual([1, 0, 3, 0]);
  });
});

describe('List.reset', () => {
  it('forgets the items, the cursor and the selection', () => {
    const l = new List();
    l.items = [c(1), c(2)];
    l.cursor = 'abc';
    l.selected = new Set([1]);
    l.reset();
    expect([l.items, l.cursor, l.selected.size]).toEqual([[], null, 0]);
  });
});
