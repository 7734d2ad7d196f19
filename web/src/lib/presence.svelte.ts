// Who else is looking at or answering a conversation (SPEC COL-2): ephemeral
// signals from the stream, forgotten when they stop coming.
import type { Signal } from './stream.svelte';

const ttl = { viewing: 45_000, typing: 6_000 } as const;

type Seen = { name: string; typingUntil: number; viewingUntil: number };

export class Presence {
  /** by conversation, then user id. */
  private seen = $state<Record<number, Record<number, Seen>>>({});
  now = $state(Date.now());

  constructor(private me: () => number | undefined) {
    setInterval(() => (this.now = Date.now()), 2_000);
  }

  /** take records a signal; true when it shows someone who was not there. */
  take(s: Signal): boolean {
    // A chat visitor (a contact) is kept apart from teammates: by the
    // negative of their contact id, and named '' (see visitorName).
    const visitor = s.actor.kind === 'contact';
    const uid = visitor && s.actor.id !== null ? -s.actor.id : s.actor.id;
    if (uid === null || uid === this.me()) return false;
    if (visitor) s = { ...s, actor: { ...s.actor, name: '' } };
    const conv = (this.seen[s.conversation_id] ??= {});
    const at = Date.now();
    const arrived = s.type !== 'left' && !((conv[uid]?.viewingUntil ?? 0) > at);
    const cur = (conv[uid] ??= { name: s.actor.name, typingUntil: 0, viewingUntil: 0 });
    if (s.type === 'left') {
      delete conv[uid];
    } else if (s.type === 'typing') {
      cur.typingUntil = at + ttl.typing;
      cur.viewingUntil = at + ttl.viewing;
    } else {
      cur.viewingUntil = at + ttl.viewing;
    }
    this.now = at;
    return arrived;
  }

  /** replied forgets a teammate's typing once their reply arrived. */
  replied(conversation: number, user: number | null) {
    const cur = user === null ? undefined : this.seen[conversation]?.[user];
    if (cur) cur.typingUntil = 0;
  }

  viewers(conversation: number): string[] {
    return Object.values(this.seen[conversation] ?? {})
      .filter((s) => s.viewingUntil > this.now)
      .map((s) => s.name);
  }

  typists(conversation: number): string[] {
    return Object.values(this.seen[conversation] ?? {})
      .filter((s) => s.typingUntil > this.now)
      .map((s) => s.name);
  }
}
