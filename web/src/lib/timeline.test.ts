import { describe, expect, it } from 'vitest';
import type { TimelineItem } from './api/client';
import { cards } from './timeline';

let seq = 0;
function msg(actor: { kind: 'user' | 'contact'; id: number }, at: string, over: Partial<NonNullable<TimelineItem['message']>> = {}): TimelineItem {
  const s = ++seq;
  const direction = actor.kind === 'contact' ? 'in' : 'out';
  return {
    seq: s,
    type: direction === 'in' ? 'message.received' : 'message.sent',
    at,
    actor: { ...actor, name: 'x' },
    data: {},
    message: { id: s, conversation_id: 1, kind: 'message', direction, author_id: null, contact_id: null, text: `m${s}`, html: '', attachments: [], created_at: at, ...over },
  } as TimelineItem;
}
const kim = { kind: 'contact' as const, id: 7 };
const ana = { kind: 'user' as const, id: 2 };
const sizes = (items: TimelineItem[]) => cards(items).map((c) => c.length);

describe('cards', () => {
  it('joins a person’s chat messages in a row within five minutes', () => {
    expect(sizes([msg(kim, '2026-01-01T10:00:00Z'), msg(kim, '2026-01-01T10:01:00Z'), msg(kim, '2026-01-01T10:05:30Z')])).toEqual([3]);
  });
  it('starts a new card after a pause, another author, or an event', () => {
    const event = { seq: ++seq, type: 'assigned', at: '2026-01-01T10:02:00Z', actor: { kind: 'user', id: 2, name: 'Ana' }, data: {}, message: null } as unknown as TimelineItem;
    expect(
      sizes([
        msg(kim, '2026-01-01T10:00:00Z'),
        msg(kim, '2026-01-01T10:06:00Z'), // six minutes later
        msg(ana, '2026-01-01T10:06:30Z'),
        msg(kim, '2026-01-01T10:07:00Z'),
        event,
        msg(kim, '2026-01-01T10:07:30Z'),
      ]),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('never joins emails, or a note to a reply', () => {
    const email = { from: { email: 'kim@x.test' } } as NonNullable<TimelineItem['message']>['email'];
    expect(sizes([msg(kim, '2026-01-01T10:00:00Z', { email }), msg(kim, '2026-01-01T10:00:10Z', { email })])).toEqual([1, 1]);
    expect(sizes([msg(ana, '2026-01-01T10:00:00Z'), msg(ana, '2026-01-01T10:00:10Z', { kind: 'comment' })])).toEqual([1, 1]);
  });
  it('never joins a logged call to a chat message', () => {
    const call = { direction: 'outbound', from: '+1 555 0100', to: '+1 555 0199', started_at: '2026-01-01T09:58:00Z', duration: 60, outcome: 'answered' } as const;
    expect(sizes([msg(ana, '2026-01-01T10:00:00Z'), msg(ana, '2026-01-01T10:00:10Z', { call }), msg(ana, '2026-01-01T10:00:20Z')])).toEqual([1, 1, 1]);
  });
});
