// The app's state in one place: who is signed in, the people and inboxes
// the screens name, the current place, the list, the open thread, the view
// counts, presence and the realtime connection that keeps them fresh.
import { Timers } from './timers';
import { api, ok, whenSignedOut, type ApiError, type Inbox, type Team, type User, type Views } from './api/client';
import { List } from './list.svelte';
import { Nav } from './nav.svelte';
import { Presence } from './presence.svelte';
import { Stream, type StreamEvent } from './stream.svelte';
import { Thread } from './thread.svelte';
import { Library } from './library.svelte';
import { noticeTitle, notifyDesktop } from './notify';
import { Notifications, type Notice } from './notifications.svelte';
import { chosen, i18n, onLocaleChange, t, type Locale } from './i18n/index.svelte';

/** A toast may offer to undo what it reports: undo reverses it on the server. */
/** A toast: what happened, a way back (undo), or what went wrong with the server's own words as detail. */
export type Toast = { id: number; text: string; kind: 'info' | 'error'; undo?: () => Promise<unknown>; detail?: string };

/** undoFor is how long a toast offers its Undo. */
const undoFor = 10_000;

export class App {
  me = $state<User | null>(null);
  checked = $state(false);
  /** unreachable is set while the server does not answer at start. */
  unreachable = $state(false);
  users = $state<User[]>([]);
  teams = $state<Team[]>([]);
  inboxes = $state<Inbox[]>([]);
  views = $state<Views | null>(null);
  toasts = $state<Toast[]>([]);
  nav = new Nav();
  list = new List();
  thread = new Thread();
  presence = new Presence(() => this.me?.id);
  library = new Library();
  notifications = new Notifications();
  /** ticketsChanged counts the ticket, deal and pipeline events seen: what shows tickets or deals reads again on it. */
  ticketsChanged = $state(0);
  /** contactsChanged counts the contact and company events seen: a contact's or a company's page reads again on it. */
  contactsChanged = $state(0);
  /** webhooksChanged counts webhook.changed events: an endpoint made, changed or turned off after failing. */
  webhooksChanged = $state(0);
  stream = new Stream({
    event: (e) => this.onEvent(e),
    signal: (s) => {
      // Someone new opened the conversation I am in: tell them I am here
      // too, rather than leave them to my next heartbeat.
      if (this.presence.take(s) && s.conversation_id === this.thread.id) this.stream.send('viewing', s.conversation_id);
    },
    resync: () => this.refreshAll(),
    ended: () => this.signedOut(),
  });
  private pending: ReturnType<typeof setTimeout> | undefined;
  private toastID = 0;

  constructor() {
    whenSignedOut(() => this.signedOut());
    onLocaleChange((l) => this.saveLocale(l));
  }

  /** saveLocale tells the server the user's language: the mail Parley writes for them uses it. */
  private saveLocale(l: Locale) {
    const me = this.me;
    if (!me || me.locale === l) return;
    ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: me.id } }, body: { locale: l } }))
      .then((u) => (this.me = u))
      .catch(() => {});
  }

  /** start finds out whether someone is signed in, and loads the app if so. */
  async start() {
    try {
      this.me = await ok(api.GET('/api/v1/me'));
      // The language follows the user across devices unless this device chose one.
      if (this.me.locale && !chosen() && this.me.locale !== i18n.locale) i18n.locale = this.me.locale as Locale;
      else this.saveLocale(i18n.locale);
      // The shell shows now and loads its list; people and inboxes, which
      // only name things in it, arrive beside it.
      this.loadPeople().catch((e) => this.toast(e.message, 'error'));
      this.notifications.load().catch(() => {});
      this.stream.start();
    } catch (e) {
      this.me = null;
      if ((e as ApiError).status !== 401) {
        // Not a signed-out user: a server that is down or restarting.
        // Say so and try again, rather than ask for a password.
        this.unreachable = true;
        setTimeout(() => this.start(), 2000);
        return;
      }
    }
    this.unreachable = false;
    this.checked = true;
  }

  async signIn(email: string, password: string) {
    await ok(api.POST('/api/v1/session', { body: { email, password } }));
    await this.start();
  }

  async signOut() {
    await api.DELETE('/api/v1/session');
    this.signedOut();
  }

  private signedOut() {
    this.stream.stop();
    this.me = null;
    // Nothing of this user's stays for whoever signs in next in this tab.
    this.list.reset();
    this.notifications.reset();
    this.thread.open(null);
    this.views = null;
    this.users = [];
    this.inboxes = [];
    this.teams = [];
  }

  async loadPeople() {
    const [users, teams, inboxes] = await Promise.all([
      ok(api.GET('/api/v1/users')),
      ok(api.GET('/api/v1/teams')),
      ok(api.GET('/api/v1/inboxes')),
    ]);
    this.users = users.items ?? [];
    this.teams = teams.items ?? [];
    this.inboxes = inboxes.items ?? [];
  }

  async loadViews() {
    const inbox = this.nav.place.inbox ?? undefined;
    this.views = await ok(api.GET('/api/v1/views', { params: { query: inbox ? { inbox } : {} } }));
  }

  refreshAll() {
    if (!this.me) return;
    this.list.load(this.nav.place);
    this.loadViews().catch(() => {});
    this.thread.refresh();
  }

  /** open shows a conversation; the list stops calling it unread. */
  async open(id: number | null) {
    if (await this.thread.open(id)) {
      this.list.items = this.list.items.map((c) => (c.id === id && c.unread ? { ...c, unread: false } : c));
      this.loadViews().catch(() => {}); // reading it may clear an unread mention
    }
  }

  user(id: number | null | undefined): User | undefined {
    return this.users.find((u) => u.id === id);
  }

  inbox(id: number | null | undefined): Inbox | undefined {
    return this.inboxes.find((i) => i.id === id);
  }

  /** memberOf says whether I may act in an inbox (SPEC INB-2). */
  memberOf(inboxID: number | undefined): boolean {
    return !!this.inbox(inboxID)?.member && this.me?.role !== 'viewer';
  }

  toast(text: string, kind: Toast['kind'] = 'info', undo?: Toast['undo'], detail?: string) {
    const id = ++this.toastID;
    this.toasts = [...this.toasts, { id, text, kind, undo, detail }];
    this.toastTimers.start(id, undo ? undoFor : kind === 'error' ? 8000 : 4000);
  }

  /** Toasts stay while the pointer or the focus is on them (Toasts.svelte). */
  readonly toastTimers = new Timers((id) => this.dismiss(id));

  dismiss(id: number) {
    this.toastTimers.stop(id);
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** undo runs a toast's undo once, and says when it is done. */
  async undo(toast: Toast) {
    this.dismiss(toast.id);
    if (toast.undo && (await this.act(toast.undo)) !== undefined) this.toast(t('undo.done'));
  }

  /** act runs an action, reports its failure, and refreshes what it changed. */
  async act<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      const detail = (e as ApiError).detail;
      this.toast((e as Error).message, 'error', undefined, detail !== (e as Error).message ? detail : undefined);
      return undefined;
    } finally {
      this.soon();
    }
  }

  private onEvent(e: StreamEvent) {
    if (e.type === 'library.changed') this.library.changed();
    // Boards and sidebars of tickets read again (SPEC CRM-3).
    if (e.type.startsWith('ticket.') || e.type.startsWith('deal.') || e.type === 'pipeline.changed') this.ticketsChanged++;
    if (e.type.startsWith('contact.') || e.type.startsWith('company.') || e.type === 'contacts.imported') this.contactsChanged++;
    if (e.type === 'webhook.changed') this.webhooksChanged++;
    if (e.type.startsWith('user.') || e.type.startsWith('team.') || e.type.startsWith('inbox.')) {
      this.loadPeople().catch(() => {});
      // Access may have changed: what the list and the open thread show may have too.
      if (!e.type.startsWith('user.')) {
        this.soon();
        this.thread.refresh();
      }
    }
    if (e.type === 'user.availability_changed' && this.me && e.data?.user_id === this.me.id) {
      // My schedule, or I on another device, switched me.
      this.me = { ...this.me, availability: e.data.availability as typeof this.me.availability };
    }
    if (e.type === 'user.mentioned' && e.data?.user_id === this.me?.id) this.soon(); // the Mentions view and its count
    if (e.type === 'notification.created' && e.data?.user_id === this.me?.id) this.notified(Number(e.data?.notification_id));
    if (e.conversation_id !== null && e.conversation_id === this.thread.id) {
      if (e.type === 'message.sent') this.presence.replied(e.conversation_id, e.actor.id);
      this.thread.refresh();
    }
    if (affectsList(e, this.nav.place.inbox)) this.soon();
  }

  /** notified shows a new notification: the bell's count, a toast, the desktop. */
  private async notified(id: number) {
    await this.notifications.load().catch(() => {});
    const n = this.notifications.items.find((x) => x.id === id);
    if (!n) return;
    this.toast(noticeTitle(n));
    notifyDesktop(n, this);
  }

  /** openNotice opens the conversation a notification is about, and marks it read. */
  async openNotice(n: Notice) {
    this.nav.go({ page: 'inbox', conversation: n.conversation_id });
    if (!n.read_at) await this.act(() => this.notifications.read([n.id]));
  }

  /**
   * soon refreshes the list and counts shortly, at most four times a second
   * however busy the inbox: a steady stream of events delays nothing.
   */
  private soon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.list.load(this.nav.place);
      this.loadViews().catch(() => {});
    }, 250);
  }
}

/** Events that change no conversation's place in a list, nor any count. */
const quiet = new Set(['message.delivered', 'user.mentioned', 'mail.quarantined', 'library.changed', 'notification.created']);

/** affectsList says whether e may change the list or counts shown for inbox (null: all). */
export function affectsList(e: StreamEvent, inbox: number | null): boolean {
  if (e.conversation_id === null || quiet.has(e.type)) return false;
  return inbox === null || e.inbox_id === inbox;
}
