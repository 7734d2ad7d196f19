import { describe, expect, it } from 'vitest';
import { affectsList } from './app.svelte';
import type { StreamEvent } from './stream.svelte';

const ev = (type: string, inbox: number | null, conversation: number | null = 1) =>
  ({ seq: 1, type, inbox_id: inbox, conversation_id: conversation }) as StreamEvent;

describe('affectsList', () => {
  it.each([
    ['a new message, all inboxes', ev('message.received', 2), null, true],
    ['a new message in the inbox shown', ev('message.received', 2), 2, true],
    ['a new message in another inbox', ev('message.received', 3), 2, false],
    ['a delivery receipt', ev('message.delivered', 2), null, false],
    ['a mention', ev('user.mentioned', 2), null, false],
    ['an assignment', ev('conversation.assigned', 2), 2, true],
    ['no conversation', ev('inbox.updated', 2, null), null, false],
  ])('%s', (_, e, inbox, want) => {
    expect(affectsList(e, inbox)).toBe(want);
  });
});
