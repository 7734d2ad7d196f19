import { describe, expect, it } from 'vitest';
import { highlight, mentionParts, words } from './highlight';

describe('highlight', () => {
  it.each([
    ['Refund for order', 'refund', '<mark>Refund</mark> for order'],
    ['<b>xy</b> & y', 'xy', '&lt;b&gt;<mark>xy</mark>&lt;/b&gt; &amp; y'],
    ['nothing to see', '', 'nothing to see'],
    ['Late parcel, late again', '"late parcel"', '<mark>Late</mark> <mark>parcel</mark>, <mark>late</mark> again'],
    ['price (a+b)', 'a+b*', 'price (<mark>a+b</mark>)'],
    ['Facturé deux fois', 'facturé', '<mark>Facturé</mark> deux fois'],
  ])('%s / %s', (text, q, want) => {
    expect(highlight(text, q)).toBe(want);
  });
  it('drops operators and one-letter words', () => {
    expect(words('refund OR "late parcel" a prefix*')).toEqual(['refund', 'late', 'parcel', 'prefix']);
  });
});

describe('mentionParts', () => {
  it.each([
    ['Can you take this @bob?', [{ text: 'Can you take this ', me: false }, { text: '@bob', me: true }, { text: '?', me: false }]],
    ['@Bob@acme.test look.', [{ text: '@Bob@acme.test', me: true }, { text: ' look.', me: false }]],
    ['for @bobby and ana@bob', [{ text: 'for @bobby and ana@bob', me: false }]],
    ['see @bob.', [{ text: 'see ', me: false }, { text: '@bob', me: true }, { text: '.', me: false }]],
  ])('%s', (text, want) => {
    expect(mentionParts(text, 'bob@acme.test')).toEqual(want);
  });
});
