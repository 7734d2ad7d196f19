import { describe, expect, it, vi } from 'vitest';
import { ChatConnection, type Socket } from './connection';

// A socket the test drives: what the widget sent, and frames from the server.
class FakeSocket implements Socket {
  sent: Record<string, unknown>[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.onclose?.({});
  }
  frame(f: unknown) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
}

const msg = (id: number, from: 'visitor' | 'agent' = 'visitor', text = `m${id}`) => ({ id, conversation_id: 1, from, text, at: '2026-11-30T10:00:00Z' });

function setup() {
  vi.useFakeTimers();
  const sockets: FakeSocket[] = [];
  const stored: Record<string, string> = {};
  let n = 0;
  const c = new ChatConnection({
    key: 'k',
    url: 'ws://x',
    storage: { getItem: (k) => stored[k] ?? null, setItem: (k, v) => (stored[k] = v) },
    socket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    id: () => `c${++n}`,
    page: () => 'https://shop.example/p',
    onchange: () => {},
  });
  c.start();
  return { c, sockets, stored };
}

describe('ChatConnection', () => {
  it('says hello with the kept identity and what it has, keeps the new identity', () => {
    const { c, sockets, stored } = setup();
    sockets[0].onopen?.({});
    expect(sockets[0].sent[0]).toEqual({ type: 'hello', token: '', after: 0 });
    sockets[0].frame({ type: 'hello', token: 'tok', online: true });
    expect(stored['parley.visitor.k']).toBe('tok');
    expect(c.connected).toBe(true);
  });

  it('shows a message at once, sends it when connected, again after a drop under the same id, and shows it once', () => {
    const { c, sockets } = setup();
    c.send('Hello');
    expect(c.pending).toHaveLength(1); // not connected yet: kept
    sockets[0].onopen?.({});
    sockets[0].frame({ type: 'hello', token: 'tok' });
    expect(sockets[0].sent[1]).toEqual({ type: 'message', client_id: 'c1', text: 'Hello', url: 'https://shop.example/p' });
    sockets[0].close(); // dropped before the ack
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    sockets[1].onopen?.({});
    expect(sockets[1].sent[0]).toEqual({ type: 'hello', token: 'tok', after: 0 });
    sockets[1].frame({ type: 'hello', token: 'tok' });
    expect(sockets[1].sent[1]).toMatchObject({ type: 'message', client_id: 'c1' });
    // The server had stored it: the history and the ack both bring it.
    sockets[1].frame({ type: 'message', message: msg(5) });
    sockets[1].frame({ type: 'ack', client_id: 'c1', message: msg(5) });
    expect(c.pending).toHaveLength(0);
    expect(c.messages.map((m) => m.id)).toEqual([5]);
  });

  it('asks for what came after the newest it has, and keeps messages in order', () => {
    const { c, sockets } = setup();
    sockets[0].onopen?.({});
    sockets[0].frame({ type: 'hello', token: 'tok' });
    sockets[0].frame({ type: 'message', message: msg(7, 'agent') });
    sockets[0].frame({ type: 'message', message: msg(3) });
    expect(c.messages.map((m) => m.id)).toEqual([3, 7]);
    sockets[0].close();
    vi.advanceTimersByTime(500);
    sockets[1].onopen?.({});
    expect(sockets[1].sent[0]).toMatchObject({ after: 7 });
  });

  it('waits as told when too fast, and says why a message was refused', () => {
    const { c, sockets } = setup();
    sockets[0].onopen?.({});
    sockets[0].frame({ type: 'hello', token: 'tok' });
    c.send('one');
    sockets[0].frame({ type: 'error', client_id: 'c1', status: 429, reason: 'rate_limited', retry_after: 2 });
    expect(sockets[0].sent).toHaveLength(2);
    vi.advanceTimersByTime(2000);
    expect(sockets[0].sent).toHaveLength(3);
    c.send('two');
    sockets[0].frame({ type: 'error', client_id: 'c2', status: 409, reason: 'channel_off' });
    expect(c.pending.find((p) => p.client_id === 'c2')?.error).toBe('channel_off');
    expect(c.online).toBe(false);
  });

  it('backs off while the server is away, up to ten seconds', () => {
    const { sockets } = setup();
    for (const wait of [500, 1000, 2000, 4000, 8000, 10_000, 10_000]) {
      sockets.at(-1)!.close();
      const before = sockets.length;
      vi.advanceTimersByTime(wait - 1);
      expect(sockets).toHaveLength(before);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(before + 1);
    }
  });
  it('answers a bot with a choice: shown at once in the visitor’s words, sent as the choice, again after a reconnect', () => {
    const { c, sockets } = setup();
    sockets[0].onopen?.({});
    sockets[0].frame({ type: 'hello', token: 'tok' });
    sockets[0].frame({ type: 'message', message: { ...msg(1, 'agent', 'Which?'), from: 'bot', bot: { step: 'topic', buttons: ['Sales', 'Support'] } } });
    expect(c.typing).toBe('');
    c.choose({ type: 'button', step: 'topic', index: 1 }, 'Support');
    expect(c.pending.map((p) => p.text)).toEqual(['Support']);
    expect(sockets[0].sent.at(-1)).toEqual({ type: 'button', client_id: 'c1', step: 'topic', index: 1, url: 'https://shop.example/p' });
    sockets[0].close();
    vi.advanceTimersByTime(600);
    sockets[1].onopen?.({});
    sockets[1].frame({ type: 'hello', token: 'tok' });
    expect(sockets[1].sent.at(-1)).toMatchObject({ type: 'button', client_id: 'c1', step: 'topic', index: 1 });
    sockets[1].frame({ type: 'ack', client_id: 'c1', message: msg(2, 'visitor', 'Support') });
    expect(c.pending).toEqual([]);
    expect(c.messages.map((m) => m.text)).toEqual(['Which?', 'Support']);
  });
});
