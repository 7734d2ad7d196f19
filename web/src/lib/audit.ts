/**
 * The audit log's filters: each kind of entry the screen offers, as the
 * actions the API filters by (one ending in a dot is every action it
 * begins).
 */
export const auditKinds = {
  all: [] as string[],
  signIns: ['sign_in.'],
  failed: ['sign_in.failed'],
  access: ['user.', 'token.', 'session.', 'team.members_changed', 'inbox.members_changed'],
  settings: ['org.', 'inbox.created', 'inbox.updated', 'inbox.retention_changed', 'channel.', 'chat_flow.', 'pipeline.', 'contact_field.', 'webhook.', 'team.created', 'team.updated'],
  deletions: ['conversation.deleted', 'conversations.', 'inbox.deleted', 'team.deleted', 'company.deleted', 'ticket.deleted', 'deal.deleted', 'contact_list.deleted', 'contact.merged'],
  data: ['export.', 'contact.erased', 'contacts.imported'],
};
export type AuditKind = keyof typeof auditKinds;

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * changes lists what an entry says changed, as [field, before, after]: the
 * fields whose values differ when it has a before, else every field it
 * has after.
 */
export function changes(before: unknown, after: unknown): [string, string, string][] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out: [string, string, string][] = [];
  for (const k of keys) {
    const was = show(b[k]);
    const now = show(a[k]);
    if (before && was === now) continue;
    out.push([k, before ? was : '', now]);
  }
  return out;
}
