/** A message as the widget shows it (internal/chat.Message). */
export type ChatFile = { name: string; content_type: string; size: number; url: string };
/** What a bot's message offers (parley.BotSaid): buttons, or articles to read. */
export type BotSaid = { step: string; buttons?: string[]; articles?: { id: number; title: string; url: string }[]; retry?: boolean };
export type ChatMessage = {
  id: number;
  conversation_id: number;
  from: 'visitor' | 'agent' | 'bot';
  author?: string;
  author_avatar?: string;
  text: string;
  files?: ChatFile[];
  bot?: BotSaid;
  at: string;
};
/** A visitor's answer to a bot: one of its buttons, or whether its articles answered them. */
export type Choice = { type: 'button' | 'answered' | 'talk'; step: string; index?: number };
/** A message written here that the server has not acknowledged yet. */
export type Pending = { client_id: string; text: string; consent?: Agreed; choice?: Choice; error?: string; retryAt?: number };
/** What a visitor agreed to before writing (chat.Agreed). */
export type Agreed = { processing?: string; subscription?: string; subscription_text?: string };

type Out =
  | { type: 'hello'; token: string; online?: boolean }
  | { type: 'message'; message: ChatMessage }
  | { type: 'ack'; client_id: string; message?: ChatMessage }
  | { type: 'typing'; author?: string }
  | { type: 'error'; client_id?: string; status: number; reason?: string; detail: string; retry_after?: number };

export interface Socket {
  send(data: string): void;
  close(): void;
  onopen: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: ((e: unknown) => void) | null;
}

export type Options = {
  key: string; // the chat's public key
  url: string; // the stream's URL
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  socket?: (url: string) => Socket;
  page?: () => string; // the page the visitor is on
  identity?: string; // the site's signed-in user, signed by its server
  lang?: () => string; // the widget's language, for the visitor's transcript
  uploads?: string; // where files are sent
  fetch?: typeof fetch;
  onchange: () => void;
  id?: () => string;
};

/**
 * ChatConnection keeps the widget's stream: it says who the visitor is,
 * receives what it missed and then live messages, and sends the visitor's
 * messages until each is acknowledged — again after a reconnect, under the
 * same client id, so a retry is never stored twice. Messages are kept by id:
 * one received twice shows once.
 */
export class ChatConnection {
  messages: ChatMessage[] = [];
  pending: Pending[] = [];
  online = true;
  connected = false;
  typing = '';
  private socket: Socket | null = null;
  private attempts = 0;
  private stopped = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private asked = new Map<string, (error: string | null) => void>();
  private readonly o: Required<Omit<Options, 'storage'>> & { storage: Options['storage'] };

  constructor(o: Options) {
    this.o = {
      storage: o.storage,
      socket: o.socket ?? ((url) => new WebSocket(url) as unknown as Socket),
      page: o.page ?? (() => ''),
      identity: o.identity ?? '',
      lang: o.lang ?? (() => ''),
      uploads: o.uploads ?? '',
      fetch: o.fetch ?? ((...a) => fetch(...a)),
      id: o.id ?? (() => crypto.randomUUID()),
      ...o,
    };
  }

  private get tokenKey() {
    return `parley.visitor.${this.o.key}`;
  }

  start() {
    this.stopped = false;
    const s = this.o.socket(this.o.url);
    this.socket = s;
    s.onopen = () => {
      const after = this.messages.at(-1)?.id ?? 0;
      s.send(JSON.stringify({ type: 'hello', token: this.o.storage?.getItem(this.tokenKey) ?? '', identity: this.o.identity || undefined, lang: this.o.lang() || undefined, after }));
    };
    s.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as Out);
    s.onclose = () => {
      this.connected = false;
      this.socket = null;
      this.o.onchange();
      if (this.stopped) return;
      // Back off: 0.5 s, 1 s, 2 s… up to 10 s.
      const wait = Math.min(10_000, 500 * 2 ** this.attempts++);
      setTimeout(() => this.start(), wait);
    };
  }

  stop() {
    this.stopped = true;
    this.socket?.close();
  }

  /** send writes a message: shown at once as pending, sent when connected, with what the visitor agreed to. */
  send(text: string, consent?: Agreed) {
    text = text.trim();
    if (!text) return;
    const p: Pending = { client_id: this.o.id(), text, consent };
    this.pending = [...this.pending, p];
    this.transmit(p);
    this.o.onchange();
  }

  /** choose answers the bot with a choice, shown at once in the visitor's words (label), sent like a message. */
  choose(choice: Choice, label: string) {
    const p: Pending = { client_id: this.o.id(), text: label, choice };
    this.pending = [...this.pending, p];
    this.transmit(p);
    this.o.onchange();
  }

  /** typed tells the agent the visitor is typing. */
  typed() {
    if (this.connected) this.socket?.send(JSON.stringify({ type: 'typing' }));
  }

  private transmit(p: Pending) {
    if (!this.connected || !this.socket) return;
    const c = p.choice;
    this.socket.send(
      JSON.stringify(
        c
          ? { type: c.type, client_id: p.client_id, step: c.step, index: c.index, url: this.o.page() }
          : { type: 'message', client_id: p.client_id, text: p.text, url: this.o.page(), consent: p.consent },
      ),
    );
  }

  /**
   * upload sends a file with a message, over HTTP (the stream carries
   * text): it shows as pending until stored, and resolves with null or the
   * reason it was refused.
   */
  async upload(file: File, text = '', consent?: Agreed): Promise<string | null> {
    const p: Pending = { client_id: this.o.id(), text: text || file.name };
    this.pending = [...this.pending, p];
    this.o.onchange();
    const form = new FormData();
    form.set('client_id', p.client_id);
    form.set('text', text);
    form.set('url', this.o.page());
    if (consent) form.set('consent', JSON.stringify(consent));
    form.set('file', file);
    const headers: Record<string, string> = { 'X-Parley-Visitor': this.o.storage?.getItem(this.tokenKey) ?? '' };
    if (this.o.identity) headers['X-Parley-Identity'] = this.o.identity;
    let refused: string | null = null;
    try {
      const r = await (this.o.fetch ?? fetch)(`${this.o.uploads}`, { method: 'POST', body: form, headers });
      if (r.ok) {
        const ack = (await r.json()) as { message: ChatMessage };
        const first = !this.messages.length;
        this.add(ack.message);
        // A file that opened the conversation: the stream, which followed
        // none, says hello again to follow it.
        if (first) this.socket?.close();
      } else refused = r.status === 413 ? 'too_large' : r.status === 429 ? 'rate_limited' : String(r.status);
    } catch {
      refused = 'offline';
    }
    this.pending = this.pending.filter((x) => x.client_id !== p.client_id);
    this.o.onchange();
    return refused;
  }

  /** email gives the visitor's email; it resolves with null once kept, or the reason it was refused. */
  email(address: string): Promise<string | null> {
    if (!this.connected || !this.socket) return Promise.resolve('offline');
    const id = this.o.id();
    this.socket.send(JSON.stringify({ type: 'email', client_id: id, email: address.trim() }));
    return new Promise((ok) => this.asked.set(id, ok));
  }

  private add(m: ChatMessage) {
    if (this.messages.some((x) => x.id === m.id)) return;
    this.messages = [...this.messages, m].sort((a, b) => a.id - b.id);
  }

  private receive(f: Out) {
    switch (f.type) {
      case 'hello':
        if (f.token) this.o.storage?.setItem(this.tokenKey, f.token);
        this.online = f.online ?? true;
        this.connected = true;
        this.attempts = 0;
        for (const p of this.pending) if (!p.retryAt) this.transmit(p);
        break;
      case 'message':
        this.add(f.message);
        if (f.message.from !== 'visitor') this.typing = '';
        break;
      case 'ack':
        this.asked.get(f.client_id)?.(null);
        this.asked.delete(f.client_id);
        this.pending = this.pending.filter((p) => p.client_id !== f.client_id);
        if (f.message) this.add(f.message);
        break;
      case 'typing':
        this.typing = f.author || '…';
        clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => {
          this.typing = '';
          this.o.onchange();
        }, 6000);
        break;
      case 'error': {
        if (f.client_id && this.asked.has(f.client_id)) {
          this.asked.get(f.client_id)!(f.reason || String(f.status));
          this.asked.delete(f.client_id);
          break;
        }
        const p = this.pending.find((x) => x.client_id === f.client_id);
        if (p && f.status === 429 && f.retry_after) {
          // Too fast: send it again when the server says.
          p.retryAt = Date.now() + f.retry_after * 1000;
          setTimeout(() => {
            p.retryAt = undefined;
            this.transmit(p);
          }, f.retry_after * 1000);
        } else if (p) {
          p.error = f.reason || String(f.status);
        }
        if (f.reason === 'channel_off') this.online = false;
        break;
      }
    }
    this.o.onchange();
  }

  /** retry sends a message the server refused again. */
  retry(clientID: string) {
    const p = this.pending.find((x) => x.client_id === clientID);
    if (!p) return;
    p.error = undefined;
    this.transmit(p);
    this.o.onchange();
  }
}
