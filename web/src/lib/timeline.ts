// How a timeline reads as cards: one per email and event; chat messages
// sent in a row by the same person share one.
import type { TimelineItem } from './api/client';

/** groupWindow is how long after a person's message their next one still joins its card. */
export const groupWindow = 5 * 60_000;

const messageTypes = new Set(['message.received', 'message.sent', 'comment.added']);

/** shown is the message an entry shows, if any: a delivery event shows the one it made. */
export function shown(item: TimelineItem) {
  return messageTypes.has(item.type) ? item.message : null;
}

/**
 * cards groups a timeline: a chat message joins the card before it when
 * that card holds chat messages of the same kind (in, out, note) by the same
 * person and its newest is at most groupWindow older. Emails, with their
 * own headers, logged calls and events each stand alone.
 */
export function cards(items: TimelineItem[]): TimelineItem[][] {
  const out: TimelineItem[][] = [];
  for (const item of items) {
    const card = out[out.length - 1];
    const prev = card?.[card.length - 1];
    if (prev && joins(prev, item)) card.push(item);
    else out.push([item]);
  }
  return out;
}

function joins(prev: TimelineItem, item: TimelineItem): boolean {
  const a = shown(prev);
  const b = shown(item);
  if (!a || !b || a.email || b.email || a.call || b.call) return false;
  return (
    a.kind === b.kind &&
    a.direction === b.direction &&
    prev.actor.kind === item.actor.kind &&
    prev.actor.id === item.actor.id &&
    (prev.actor.id !== null || prev.actor.kind === 'bot') &&
    Date.parse(item.at) - Date.parse(prev.at) <= groupWindow
  );
}
