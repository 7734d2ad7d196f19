// Search matches shown in the list (SPEC VEW-3): the text escaped, then the
// searched words marked.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => entities[c]);
}

/** words are the searched terms: quotes, prefix stars and operators removed. */
export function words(q: string): string[] {
  return q
    .replace(/["*()]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !['AND', 'OR', 'NOT'].includes(w));
}

/** highlight returns text as safe HTML with each searched word in <mark>. */
export function highlight(text: string, q: string): string {
  const ws = words(q);
  if (!ws.length) return escape(text);
  const re = new RegExp(`(${ws.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return text
    .split(re)
    .map((part, i) => (i % 2 === 1 ? `<mark>${escape(part)}</mark>` : escape(part)))
    .join('');
}

/**
 * mentionParts splits a note's text around the @mentions of the reader
 * (their email, or the part before the @, as the server reads them), so the
 * thread can mark where they were mentioned (SPEC COL-1).
 */
export function mentionParts(text: string, email: string): { text: string; me: boolean }[] {
  const address = email.toLowerCase();
  const local = address.split('@')[0];
  const out: { text: string; me: boolean }[] = [];
  let from = 0;
  for (const m of text.matchAll(/@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/gu)) {
    const before = m.index > 0 ? text[m.index - 1] : '';
    const handle = m[1].replace(/\.+$/, '').toLowerCase();
    if (/[\w.@+-]/u.test(before) || (handle !== address && handle !== local)) continue;
    const end = m.index + 1 + m[1].replace(/\.+$/, '').length;
    if (m.index > from) out.push({ text: text.slice(from, m.index), me: false });
    out.push({ text: text.slice(m.index, end), me: true });
    from = end;
  }
  if (from < text.length) out.push({ text: text.slice(from), me: false });
  return out;
}
