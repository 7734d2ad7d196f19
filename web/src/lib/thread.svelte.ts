// The open conversation: its row, its timeline and its contact, refreshed
// when the stream says it changed.
import { api, ok, type ApiError, type Contact, type Conversation, type TimelineItem } from './api/client';

export class Thread {
  id = $state<number | null>(null);
  conversation = $state<Conversation | null>(null);
  items = $state<TimelineItem[]>([]);
  contact = $state<Contact | null>(null);
  error = $state('');
  /** seenSeq is the newest timeline entry when the agent opened or last sent. */
  seenSeq = $state(0);
  private generation = 0;
  private latest: Promise<void> = Promise.resolve();

  /** open shows a conversation and marks it read; false when it was already open. */
  async open(id: number | null): Promise<boolean> {
    if (id === this.id) return false;
    this.id = id;
    this.conversation = null;
    this.items = [];
    this.contact = null;
    this.error = '';
    if (id) {
      // Another refresh may start meanwhile (the stream connecting at
      // start-up refreshes everything) and supersede this one: wait for
      // the newest, or a conversation opened by its URL is never marked read.
      this.refresh();
      await this.settled();
      if (this.id !== id) return false;
      this.seenSeq = this.lastSeq();
      if (!this.conversation) return false;
      await api.POST('/api/v1/conversations/{id}/read', { params: { path: { id } } });
      return true;
    }
    return false;
  }

  /** refresh reads the open conversation again; the newest call wins. */
  refresh(): Promise<void> {
    this.latest = this.load();
    return this.latest;
  }

  /** settled waits for the newest refresh, however many start meanwhile. */
  private async settled() {
    let p: Promise<void>;
    do {
      p = this.latest;
      await p;
    } while (p !== this.latest);
  }

  private async load() {
    const id = this.id;
    if (!id) return;
    const gen = ++this.generation;
    try {
      // Only what came after the newest entry shown: a long thread is read
      // once, then grows.
      const after = this.lastSeq();
      const [c, fresh] = await Promise.all([
        ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id } } })),
        timelineAfter(id, after),
      ]);
      if (gen !== this.generation) return;
      this.conversation = c;
      this.items = after ? grow(this.items, fresh) : fresh;
      this.error = '';
      if (c.contact && c.contact.id !== this.contact?.id) {
        const contact = await ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: c.contact.id } } }));
        if (gen === this.generation) this.contact = contact;
      } else if (!c.contact) {
        this.contact = null;
      }
    } catch (e) {
      if (gen !== this.generation) return;
      this.error = (e as Error).message;
      if ((e as ApiError).status === 404) {
        // Gone, or no longer mine to see (access taken away): show none of it.
        this.conversation = null;
        this.items = [];
        this.contact = null;
      }
    }
  }

  async refreshContact() {
    const id = this.contact?.id;
    if (id) this.contact = await ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
  }

  lastSeq(): number {
    return this.items.reduce((m, i) => Math.max(m, i.seq), 0);
  }

  /** repliedSince names who answered the customer after seq (SPEC COL-2: warn before a double answer). */
  repliedSince(seq: number, me: number): string | null {
    for (const i of this.items) {
      if (i.seq > seq && i.type === 'message.sent' && i.actor.id !== me) return i.actor.name;
    }
    return null;
  }
}

/** pageLimit is the most entries one timeline request asks for. */
const pageLimit = 500;

/** timelineAfter reads a conversation's timeline after seq, every page of it. */
async function timelineAfter(id: number, seq: number): Promise<TimelineItem[]> {
  const out: TimelineItem[] = [];
  let cursor: string | undefined = seq ? String(seq) : undefined;
  for (;;) {
    const page = await ok(api.GET('/api/v1/conversations/{id}/timeline', { params: { path: { id }, query: { limit: pageLimit, cursor } } }));
    out.push(...(page.items ?? []));
    if (!page.next_cursor) return out;
    cursor = page.next_cursor;
  }
}

/**
 * grow appends new entries to a timeline. A new entry that carries a message
 * already shown (its delivery, say) brings that message's current state to
 * the entry that shows it.
 */
export function grow(items: TimelineItem[], fresh: TimelineItem[]): TimelineItem[] {
  if (!fresh.length) return items;
  const latest = new Map(fresh.filter((i) => i.message).map((i) => [i.message!.id, i.message!]));
  const seen = new Set(items.map((i) => i.seq));
  return [
    ...items.map((i) => (i.message && latest.has(i.message.id) ? { ...i, message: latest.get(i.message.id)! } : i)),
    ...fresh.filter((i) => !seen.has(i.seq)),
  ];
}
