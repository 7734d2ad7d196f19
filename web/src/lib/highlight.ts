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
