import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Stream, type StreamEvent } from './stream.svelte';

// A socket the test drives: what the client sent, and the server's side.
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((c: { code: number }) => void) | null = null;
  constructor() {
    FakeSocket.all.push(this);
  }
  send(s: string) {
    this.sent.push(s);
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  event(seq: number) {
    this.onmessage?.({ data: JSON.stringify({ seq, type: 'message.received', conversation_id: 1 }) });
  }
}

describe('Stream', () => {
  let events: number[];
  let resyncs: number;
  let ended: number;
  let s: Stream;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    events = [];
    resyncs = 0;
    ended = 0;
    s = new Stream(
      { event: (e: StreamEvent) => events.push(e.seq), signal: () => {}, resync: () => resyncs++, ended: () => ended++ },
      'ws://test/api/v1/stream',
      () => new FakeSocket() as unknown as WebSocket,
    );
    s.start();
  });
  afterEach(() => {
    s.stop();
    vi.useRealTimers();
  });

  it('starts from now, then resumes after the last event it saw', () => {
    const first = FakeSocket.all[0];
    first.open();
    expect(first.sent).toEqual(['{"resume_after":-1}']);
    expect(s.status).toBe('live');
    first.event(7);
    first.event(8);
    first.event(8); // a repeat is dropped
    expect(events).toEqual([7, 8]);

    first.close(1006);
    expect(s.status).toBe('reconnecting');
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const second = FakeSocket.all[1];
    second.open();
    expect(second.sent).toEqual(['{"resume_after":8}']);
    expect(resyncs).toBe(2);
    expect(s.status).toBe('live');
  });

  it('backs off while the server is away, and comes straight back after 4008', () => {
    FakeSocket.all[0].close(1006);
    vi.advanceTimersByTime(500);
    FakeSocket.all[1].close(1006);
    vi.advanceTimersByTime(999);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2].open();
    FakeSocket.all[2].close(4008);
    vi.advanceTimersByTime(0);
    expect(FakeSocket.all).toHaveLength(4);
  });

  it('reconnects at once after the machine slept', () => {
    FakeSocket.all[0].open();
    vi.setSystemTime(Date.now() + 60_000); // the clock jumps; timers did not run
    vi.advanceTimersByTime(5_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('stops, and says so, when the server ends it for a session that ended (4001)', () => {
    FakeSocket.all[0].open();
    FakeSocket.all[0].close(4001);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(ended).toBe(1);
    expect(s.status).toBe('stopped');
  });
});
