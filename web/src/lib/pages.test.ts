import { describe, expect, it, vi } from 'vitest';
import { Pages } from './pages.svelte';

// The contacts' and companies' lists: the newest search wins whatever
// order the answers come in, and more() appends the next page.
describe('Pages', () => {
  it('keeps the newest search and appends the next page', async () => {
    vi.useFakeTimers();
    let term = 'a';
    const answers: Record<string, { resolve: (v: { items: string[]; next_cursor: string | null }) => void }> = {};
    const pages = new Pages<string>(
      (cursor) =>
        new Promise((resolve) => {
          answers[`${term}:${cursor}`] = { resolve };
        }),
    );
    pages.search(() => {}, 0);
    vi.runAllTimers();
    term = 'ab';
    pages.search(() => {}, 0);
    vi.runAllTimers();
    answers['ab:null'].resolve({ items: ['ab1'], next_cursor: '9' });
    answers['a:null'].resolve({ items: ['a1', 'a2'], next_cursor: null });
    await vi.waitFor(() => expect(pages.loading).toBe(false));
    expect(pages.items).toEqual(['ab1']);
    expect(pages.next).toBe('9');
    const more = pages.more();
    answers['ab:9'].resolve({ items: ['ab2'], next_cursor: null });
    await more;
    expect(pages.items).toEqual(['ab1', 'ab2']);
    expect(pages.next).toBeNull();
    vi.useRealTimers();
  });
});
