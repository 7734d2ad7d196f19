// The realtime connection (SPEC PLT-2): one websocket to /api/v1/stream that
// resumes after the last event it saw, reconnects by itself with backoff,
// and after a sleep or a network change, and says when it is reconnecting.

export type StreamEvent = {
  seq: number;
  type: string;
  conversation_id: number | null;
  inbox_id: number | null;
  message_id?: number;
  actor: { kind: string; id: number | null; name: string };
  at: string;
  data: Record<string, unknown> | null;
};

export type Signal = {
  type: 'typing' | 'viewing' | 'left';
  conversation_id: number;
  inbox_id: number;
  actor: { kind: string; id: number | null; name: string };
  at: string;
};

type Handlers = {
  event: (e: StreamEvent) => void;
  signal: (s: Signal) => void;
  /** resync runs after every (re)connection: refetch what is on screen. */
  resync: () => void;
  /** ended runs when the server closed the stream because its session or token ended. */
  ended?: () => void;
};

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Stream is the app's one realtime connection. */
export class Stream {
  status = $state<StreamStatus>('stopped');
  private ws: WebSocket | null = null;
  private last = -1;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private lastTick = Date.now();
  private stopped = true;

  constructor(
    private handlers: Handlers,
    private url = defaultURL(),
    private makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.status = 'connecting';
    addEventListener('online', this.kick);
    document.addEventListener('visibilitychange', this.onVisible);
    // A laptop that slept keeps a socket that looks open: a clock jump
    // between ticks says so, and the connection is made again.
    this.lastTick = Date.now();
    this.tick = setInterval(() => {
      const now = Date.now();
      if (now - this.lastTick > 20_000) this.kick();
      this.lastTick = now;
    }, 5_000);
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.status = 'stopped';
    clearTimeout(this.timer);
    clearInterval(this.tick);
    removeEventListener('online', this.kick);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** send relays an ephemeral signal (typing, viewing, left); dropped when offline. */
  send(type: Signal['type'], conversationID: number) {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type, conversation_id: conversationID }));
    }
  }

  private onVisible = () => {
    if (document.visibilityState === 'visible' && this.ws?.readyState !== WebSocket.OPEN) this.kick();
  };

  /** kick reconnects now, dropping a connection that may be dead. */
  private kick = () => {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    const old = this.ws;
    this.ws = null;
    old?.close(4000);
    this.connect();
  };

  private connect() {
    const ws = this.makeSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ resume_after: this.last }));
      this.attempt = 0;
      this.status = 'live';
      this.handlers.resync();
    };
    ws.onmessage = (m) => {
      const v = JSON.parse(m.data as string);
      if (typeof v.seq === 'number') {
        if (v.seq <= this.last) return;
        this.last = v.seq;
        this.handlers.event(v as StreamEvent);
      } else {
        this.handlers.signal(v as Signal);
      }
    };
    ws.onclose = (c) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      if (c.code === 4001) {
        // Signed out (elsewhere, or by a password change): no use reconnecting.
        this.stop();
        this.handlers.ended?.();
        return;
      }
      // 4008 and 1001 carry "resume_after=N": trust our own count, which
      // is the same or later.
      this.status = 'reconnecting';
      const delay = c.code === 4008 ? 0 : Math.min(10_000, 500 * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

function defaultURL(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/stream`;
}
