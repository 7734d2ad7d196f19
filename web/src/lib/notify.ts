// Desktop notifications (SPEC COL-1, COL-3), asked for politely: only
// after the agent turns them on, never on page load.
import type { App } from './app.svelte';
import type { Notice } from './notifications.svelte';
import { t, type Key } from './i18n/index.svelte';

export function canNotify(): boolean {
  return typeof Notification !== 'undefined';
}

export async function askPermission(): Promise<boolean> {
  if (!canNotify()) return false;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}

/** noticeTitle says a notification in a line: "Ana assigned you a conversation". */
export function noticeTitle(n: Notice): string {
  let kind: string = ['assigned', 'message', 'mention'].includes(n.kind) ? n.kind : 'assigned';
  if (kind === 'assigned' && n.actor.kind === 'system') kind = 'routed';
  return t(`notify.${kind}.title` as Key, { name: n.actor.name, contact: n.contact });
}

/** notifyDesktop shows a notification on the desktop when the app is not in front. */
export function notifyDesktop(n: Notice, app: App) {
  if (!canNotify() || Notification.permission !== 'granted' || document.hasFocus()) return;
  const prefs = app.notifications.prefs as Record<string, Record<string, boolean> | undefined> | null;
  if (prefs?.[n.kind]?.desktop === false) return;
  const d = new Notification(noticeTitle(n), { body: n.subject || t('notify.body'), tag: `notification-${n.id}` });
  d.onclick = () => {
    focus();
    app.openNotice(n);
    d.close();
  };
}
