// Undo: each action a person can regret is reversed on the server, not
// delayed. A bulk action is undone item by item, from what each item was.
import type { components } from './api/schema';
import type { BulkAction } from './api/client';

export type BulkItem = components['schemas']['BulkItemJSON'];

/** A reversing bulk request: an action on ids, with the assignee for assign. */
export type Reversal = { action: BulkAction; ids: number[]; user_id?: number | null; team_id?: number | null };

/**
 * reversals returns the bulk requests that undo action on items: only the
 * items it changed, each put back as it was. A restore from filtered has
 * no action to reverse it and is left as it is.
 */
export function reversals(action: BulkAction, items: BulkItem[]): Reversal[] {
  const changed = items.filter((i) => i.ok && i.changed && i.before);
  const groups = new Map<string, Reversal>();
  for (const i of changed) {
    const b = i.before!;
    let r: Reversal | null = null;
    if (action === 'close') r = { action: 'reopen', ids: [] };
    if (action === 'reopen') r = { action: 'close', ids: [] };
    if (action === 'trash' || action === 'spam') r = { action: 'restore', ids: [] };
    if (action === 'restore' && (b.placement === 'trash' || b.placement === 'spam')) r = { action: b.placement, ids: [] };
    if (action === 'assign') r = { action: 'assign', ids: [], user_id: b.assignee_id ?? null, team_id: b.team_id ?? null };
    if (!r) continue;
    const key = JSON.stringify({ ...r, ids: undefined });
    const g = groups.get(key) ?? r;
    g.ids.push(i.id);
    groups.set(key, g);
  }
  // The server takes at most 500 ids a request.
  return [...groups.values()].flatMap((g) => chunk(g.ids, 500).map((ids) => ({ ...g, ids })));
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
