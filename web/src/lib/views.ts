// The views of the sidebar (SPEC VEW-1), in the order they are shown.
import type { Key } from './i18n/index.svelte';
import type { Filters } from './nav.svelte';

export const views: { id: string; label: Key; group: 'main' | 'channel' | 'more' }[] = [
  { id: 'open', label: 'view.open', group: 'main' },
  { id: 'mine', label: 'view.mine', group: 'main' },
  { id: 'unassigned', label: 'view.unassigned', group: 'main' },
  { id: 'mentions', label: 'view.mentions', group: 'main' },
  { id: 'channel:email', label: 'view.email', group: 'channel' },
  { id: 'channel:chat', label: 'view.chat', group: 'channel' },
  { id: 'channel:bots', label: 'view.bots', group: 'channel' },
  { id: 'channel:forms', label: 'view.forms', group: 'channel' },
  { id: 'channel:calls', label: 'view.calls', group: 'channel' },
  { id: 'channel:api', label: 'view.api', group: 'channel' },
  { id: 'conversations', label: 'view.conversations', group: 'more' },
  { id: 'filtered', label: 'view.filtered', group: 'more' },
  { id: 'closed', label: 'view.closed', group: 'more' },
  { id: 'sent', label: 'view.sent', group: 'more' },
  { id: 'spam', label: 'view.spam', group: 'more' },
  { id: 'trash', label: 'view.trash', group: 'more' },
];

/** statusOf is the one status a view holds, if it holds only one. */
export function statusOf(view: string): 'open' | 'closed' | undefined {
  if (['open', 'mine', 'unassigned'].includes(view) || view.startsWith('channel:')) return 'open';
  if (view === 'closed') return 'closed';
  return undefined;
}

/**
 * widen is where a status filter that the view excludes leads: All
 * conversations, with what the view meant besides its status kept as
 * filters, so "Closed" chosen in "Assigned to me" lists my closed ones
 * rather than nothing.
 */
export function widen(view: string, filters: Filters): { view: string; filters: Filters } {
  const f: Filters = { ...filters };
  if (view === 'mine') f.assignee = 'me';
  if (view === 'unassigned') f.assignee = 'none';
  if (view.startsWith('channel:')) f.channel = view.slice('channel:'.length) as Filters['channel'];
  return { view: 'conversations', filters: f };
}

/** emptyText says why a view has nothing in it. */
export function emptyText(view: string): Key {
  if (view === 'sent') return 'list.emptySent';
  if (view === 'mentions') return 'list.emptyMentions';
  return statusOf(view) === 'open' ? 'list.empty' : 'list.emptyView';
}

export function viewLabel(id: string): Key {
  if (id === 'all') return 'view.all'; // reached from a contact's past conversations
  return views.find((v) => v.id === id)?.label ?? 'view.open';
}

/** channelLabel names a conversation's channel_label (email, chat, bots, forms, calls, api). */
export const channelLabel: Record<string, Key> = {
  email: 'channel.email',
  chat: 'channel.chat',
  bots: 'channel.bots',
  forms: 'channel.forms',
  calls: 'channel.calls',
  api: 'channel.api',
};

export const roleLabel: Record<'admin' | 'agent' | 'viewer', Key> = {
  admin: 'role.admin',
  agent: 'role.agent',
  viewer: 'role.viewer',
};

export const placementLabel: Record<'inbox' | 'filtered' | 'spam' | 'trash', Key> = {
  inbox: 'view.open',
  filtered: 'view.filtered',
  spam: 'view.spam',
  trash: 'view.trash',
};
