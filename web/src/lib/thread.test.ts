import { describe, expect, it } from 'vitest';
import type { TimelineItem } from './api/client';
import { grow } from './thread.svelte';

const item = (seq: number, type: string, message?: { id: number; delivery?: string }) =>
  ({ seq, type, message: message ? { id: message.id, email: { delivery: message.delivery } } : null }) as unknown as TimelineItem;

describe('grow', () => {
  it('appends what is new, once', () => {
    const got = grow([item(1, 'a'), item(2, 'b')], [item(2, 'b'), item(3, 'c')]);
    expect(got.map((i) => i.seq)).toEqual([1, 2, 3]);
  });
  it("brings a message's delivery to the entry that shows it", () => {
    const got = grow([item(5, 'message.sent', { id: 9, delivery: 'queued' })], [item(6, 'message.delivered', { id: 9, delivery: 'sent' })]);
    expect(got.map((i) => [i.seq, i.message?.email?.delivery])).toEqual([
      [5, 'sent'],
      [6, 'sent'],
    ]);
  });
  it('keeps the same array when nothing is new', () => {
    const items = [item(1, 'a')];
    expect(grow(items, [])).toBe(items);
  });
});
