// The conversation list of the current view: pages by cursor, refreshes
// its first page when the stream says something changed, and keeps what
// was loaded beyond it.
import { api, ok, type Conversation, type ListQuery } from './api/client';
import type { Place } from './nav.svelte';

const pageSize = 50;

/** query turns a place into the list's query parameters. */
export function query(p: Place): ListQuery {
  const q: ListQuery = { view: p.view, limit: pageSize };
  if (p.inbox) q.inbox = p.inbox;
  if (p.q) {
    q.q = p.q;
    // A search covers every conversation (SPEC VEW-3) unless narrowed to the view.
    if (!p.within) delete q.view;
  }
  const f = p.filters;
  if (f.status) q.status = f.status;
  if (f.channel) q.channel = f.channel;
  if (f.assignee) q.assignee = f.assignee;
  if (f.team) q.team = f.team;
  // Dates are the agent's days: from the start of the first, to the end of the last, local time.
  if (f.active_from) q.active_from = new Date(`${f.active_from}T00:00`).toISOString();
  if (f.active_to) {
    const end = new Date(`${f.active_to}T00:00`);
    end.setDate(end.getDate() + 1);
    q.active_to = end.toISOString();
  }
  if (f.sort) q.sort = f.sort;
  if (f.hide?.length) q.hide = f.hide;
  return q;
}

/** merge puts a fresh first page in front of what was loaded after it. */
export function merge(fresh: Conversation[], loaded: Conversation[], freshHasMore: boolean): Conversation[] {
  if (!freshHasMore) return fresh;
  const seen = new Set(fresh.map((c) => c.id));
  const last = fresh[fresh.length - 1];
  // Keep the older pages' items that sort after the fresh page's last one.
  const i = loaded.findIndex((c) => c.id === last.id);
  const tail = (i >= 0 ? loaded.slice(i + 1) : []).filter((c) => !seen.has(c.id));
  return [...fresh, ...tail];
}

export class List {
  items = $state<Conversation[]>([]);
  cursor = $state<string | null>(null);
  loading = $state(false);
  error = $state('');
  selected = $state<Set<number>>(new Set());
  /** wholeView: the selection is every conversation of the view, loaded or not. */
  wholeView = $state(false);
  /** key is the query the items belong to; a new one starts over. */
  private key = '';
  private generation = 0;

  async load(p: Place) {
    const q = query(p);
    const key = JSON.stringify(q);
    const fresh = key !== this.key;
    this.key = key;
    const gen = ++this.generation;
    if (fresh) {
      this.items = [];
      this.cursor = null;
      this.selected = new Set();
      this.wholeView = false;
    }
    this.loading = true;
    try {
      const page = await ok(api.GET('/api/v1/conversations', { params: { query: q } }));
      if (gen !== this.generation) return;
      const items = page.items ?? [];
      this.items = fresh ? items : merge(items, this.items, page.next_cursor !== null);
      if (fresh || page.next_cursor === null || this.cursor === null) this.cursor = page.next_cursor;
      this.error = '';
    } catch (e) {
      if (gen === this.generation) this.error = (e as Error).message;
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  async more(p: Place) {
    if (!this.cursor || this.loading) return;
    const gen = this.generation;
    this.loading = true;
    try {
      const page = await ok(api.GET('/api/v1/conversations', { params: { query: { ...query(p), cursor: this.cursor } } }));
      if (gen !== this.generation) return;
      const seen = new Set(this.items.map((c) => c.id));
      this.items = [...this.items, ...(page.items ?? []).filter((c) => !seen.has(c.id))];
      this.cursor = page.next_cursor;
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  /** reset forgets everything, as when the user signs out. */
  reset() {
    this.generation++;
    this.items = [];
    this.cursor = null;
    this.key = '';
    this.selected = new Set();
    this.wholeView = false;
    this.error = '';
  }

  toggle(id: number) {
    this.wholeView = false;
    const s = new Set(this.selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    this.selected = s;
  }

  selectAll(on: boolean) {
    this.wholeView = false;
    this.selected = on ? new Set(this.items.map((c) => c.id)) : new Set();
  }
}
