import { describe, expect, it } from 'vitest';
import { loadDraft, triggerAt, saveDraft } from './drafts';

describe('triggerAt', () => {
  it.each([
    ['@an', 3, { start: 0, query: 'an' }],
    ['hello @Bo', 9, { start: 6, query: 'bo' }],
    ['mail me at ana@acme.com', 23, null],
    ['@ana done', 9, null],
    ['x @', 3, { start: 2, query: '' }],
  ])('%s at %d', (text, caret, want) => {
    expect(triggerAt(text, caret)).toEqual(want);
  });
  it.each([
    ['#than', 5, { start: 0, query: 'than' }],
    ['Voir #réponse', 13, { start: 5, query: 'réponse' }],
    ['issue#12', 8, null],
    ['@ana', 4, null],
  ])('# in %s', (text, caret, want) => {
    expect(triggerAt(text, caret, '#')).toEqual(want);
  });
});

describe('drafts', () => {
  it('are kept per conversation and mode, and forgotten when empty', () => {
    saveDraft(1, 'reply', { text: 'hello' });
    saveDraft(1, 'comment', { text: 'note' });
    expect(loadDraft(1, 'reply').text).toBe('hello');
    expect(loadDraft(1, 'comment').text).toBe('note');
    expect(loadDraft(2, 'reply').text).toBe('');
    saveDraft(1, 'reply', { text: '' });
    expect(localStorage.getItem('parley.draft.1.reply')).toBeNull();
  });
  it('survive damage', () => {
    localStorage.setItem('parley.draft.9.reply', '{not json');
    expect(loadDraft(9, 'reply')).toEqual({ text: '' });
  });
});
