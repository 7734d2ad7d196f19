// Where the agent is, mirrored in the address bar so reload and the back
// button work: /inbox/<all|id>/<view>[/c/<conversation>][?q=…&status=…],
// /settings/<section>, /tickets[/<pipeline>] and /deals[/<pipeline>] (the
// pipeline's id in section),
// /contacts[/<contact>], /companies[/<company>] (the id in section).

export type Filters = {
  status?: 'open' | 'closed';
  channel?: 'email' | 'chat' | 'bots' | 'forms' | 'calls' | 'api';
  assignee?: string;
  team?: number;
  active_from?: string;
  active_to?: string;
  sort?: 'newest' | 'oldest';
  hide?: ('filtered' | 'spam' | 'trash')[];
};

export type Place = {
  page: 'inbox' | 'settings' | 'tickets' | 'deals' | 'contacts' | 'companies';
  inbox: number | null;
  view: string;
  conversation: number | null;
  q: string;
  /** within narrows a search to the view; a search covers every conversation otherwise. */
  within: boolean;
  filters: Filters;
  section: string;
};

const filterKeys = ['status', 'channel', 'assignee', 'team', 'active_from', 'active_to', 'sort', 'hide'] as const;

/** parse reads a place from a path and query string. */
export function parse(pathname: string, search: string): Place {
  const p: Place = { page: 'inbox', inbox: null, view: 'open', conversation: null, q: '', within: false, filters: {}, section: '' };
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'settings') {
    p.page = 'settings';
    p.section = parts[1] ?? 'profile';
    return p;
  }
  if (['tickets', 'deals', 'contacts', 'companies'].includes(parts[0])) {
    p.page = parts[0] as Place['page'];
    p.section = /^\d+$/.test(parts[1] ?? '') ? parts[1] : '';
    return p;
  }
  if (parts[0] === 'inbox') {
    const id = Number(parts[1]);
    p.inbox = Number.isInteger(id) && id > 0 ? id : null;
    if (parts[2]) p.view = parts[2];
    if (parts[3] === 'c' && Number(parts[4]) > 0) p.conversation = Number(parts[4]);
  }
  const qs = new URLSearchParams(search);
  p.q = qs.get('q') ?? '';
  p.within = !!p.q && qs.get('in') === 'view';
  const f: Record<string, unknown> = {};
  for (const k of filterKeys) {
    const v = qs.get(k);
    if (!v) continue;
    f[k] = k === 'team' ? Number(v) : k === 'hide' ? v.split(',') : v;
  }
  p.filters = f as Filters;
  return p;
}

/** href writes a place as a path and query string. */
export function href(p: Place): string {
  if (p.page === 'settings') return `/settings/${p.section || 'profile'}`;
  if (p.page === 'tickets' || p.page === 'deals' || p.page === 'contacts' || p.page === 'companies') return p.section ? `/${p.page}/${p.section}` : `/${p.page}`;
  let path = `/inbox/${p.inbox ?? 'all'}/${encodeURIComponent(p.view)}`;
  if (p.conversation) path += `/c/${p.conversation}`;
  const qs = new URLSearchParams();
  if (p.q) qs.set('q', p.q);
  if (p.q && p.within) qs.set('in', 'view');
  for (const k of filterKeys) {
    const v = p.filters[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    qs.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Nav is the current place; go() changes it and the address bar. */
export class Nav {
  place = $state<Place>(parse(location.pathname, location.search));

  constructor() {
    addEventListener('popstate', () => {
      this.place = parse(location.pathname, location.search);
    });
  }

  go(change: Partial<Place>, replace = false) {
    const next = { ...this.place, ...change };
    this.place = next;
    const url = href(next);
    if (url !== location.pathname + location.search) {
      if (replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
    }
  }
}
