// Turning what the composer inserts (SPEC CMP-2) into the reply's text or
// HTML, tokens filled.
import { escape } from './highlight';
import { fill, type TokenContext } from './tokens';

export type Insertion =
  | { kind: 'template'; subject: string; body: string }
  | { kind: 'snippet'; body: string }
  | { kind: 'link'; title: string; url: string };

const looksHTML = (s: string) => /<(p|br|div|ul|ol|li|a|b|strong|em|i|span|h\d|blockquote)\b[^>]*>/i.test(s);

/** paragraphs turns plain text into HTML paragraphs, escaped. */
export function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escape(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** plain turns HTML into readable text. */
export function plain(html: string): string {
  const doc = new DOMParser().parseFromString(html.replace(/<\/p>/gi, '$&\n\n').replace(/<\/(div|li|h\d)>/gi, '$&\n').replace(/<br\s*\/?>/gi, '\n'), 'text/html');
  return (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

/** asHTML is the insertion for the rich-text box. */
export function asHTML(i: Insertion, ctx: TokenContext): string {
  if (i.kind === 'link') return `<a href="${escape(i.url)}">${escape(i.title)}</a>&nbsp;`;
  return looksHTML(i.body) ? fill(i.body, ctx, escape) : paragraphs(fill(i.body, ctx));
}

/** asText is the insertion for a plain-text box. */
export function asText(i: Insertion, ctx: TokenContext): string {
  if (i.kind === 'link') return `${i.title}: ${i.url} `;
  return looksHTML(i.body) ? plain(fill(i.body, ctx, escape)) : fill(i.body, ctx);
}
