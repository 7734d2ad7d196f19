// The notification centre (SPEC COL-3, CNV-4): assigned to me, a customer's
// new message in a conversation I own, a mention — live through the
// stream, kept on the server until read.
import { api, ok } from './api/client';
import type { components } from './api/schema';

export type Notice = components['schemas']['NotificationJSON'];
export type NoticePrefs = components['schemas']['NotifyPrefsJSON'];

export class Notifications {
  items = $state<Notice[]>([]);
  unread = $state(0);
  loaded = $state(false);
  /** prefs is what reaches me, by kind and medium; null until read. */
  prefs = $state<NoticePrefs | null>(null);

  async load() {
    if (!this.prefs) this.prefs = await ok(api.GET('/api/v1/me/notification-settings'));
    const r = await ok(api.GET('/api/v1/notifications', { params: { query: { limit: 30 } } }));
    this.items = r.items ?? [];
    this.unread = r.unread;
    this.loaded = true;
  }

  /** read marks some notifications read, or all of them without ids. */
  async read(ids?: number[]) {
    const r = await ok(api.POST('/api/v1/notifications/read', { body: ids ? { ids } : {} }));
    this.unread = r.unread;
    const now = new Date().toISOString();
    this.items = this.items.map((n) => (!ids || ids.includes(n.id) ? { ...n, read_at: n.read_at ?? now } : n));
  }

  reset() {
    this.items = [];
    this.unread = 0;
    this.loaded = false;
    this.prefs = null;
  }
}
