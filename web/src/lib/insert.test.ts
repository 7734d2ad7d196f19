import { describe, expect, it } from 'vitest';
import { asHTML, asText, paragraphs, plain } from './insert';

const ctx = { contact: { name: 'Li <Wei>' }, agent: { name: 'Ana Lopez' } };

describe('insertions', () => {
  it('a plain snippet becomes paragraphs in rich text, tokens filled and escaped', () => {
    expect(asHTML({ kind: 'snippet', body: 'Hi {{contact.first_name}},\n\nThanks!\n— {{agent.first_name}}' }, ctx)).toBe(
      '<p>Hi Li,</p><p>Thanks!<br>— Ana</p>',
    );
  });
  it('an HTML template stays HTML, its tokens escaped', () => {
    expect(asHTML({ kind: 'template', subject: 's', body: '<p>Dear {{contact.name}}</p>' }, ctx)).toBe('<p>Dear Li &lt;Wei&gt;</p>');
  });
  it('an HTML template becomes text for a plain box', () => {
    expect(asText({ kind: 'template', subject: 's', body: '<p>Dear {{contact.name}}</p><p>Bye</p>' }, ctx)).toBe('Dear Li <Wei>\n\nBye');
  });
  it('a link is an anchor, or a title and address', () => {
    const l = { kind: 'link', title: 'Returns & refunds', url: 'https://help.example/r?a=1&b=2' } as const;
    expect(asHTML(l, ctx)).toBe('<a href="https://help.example/r?a=1&amp;b=2">Returns &amp; refunds</a>&nbsp;');
    expect(asText(l, ctx)).toBe('Returns & refunds: https://help.example/r?a=1&b=2 ');
  });
  it('paragraphs and plain undo each other for simple text', () => {
    expect(plain(paragraphs('one\ntwo\n\nthree'))).toBe('one\ntwo\n\nthree');
  });
});
