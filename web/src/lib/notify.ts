// Desktop notifications for mentions (SPEC COL-1), asked for politely: only
// after the agent turns them on, never on page load.
import type { App } from './app.svelte';
import type { StreamEvent } from './stream.svelte';
import { t } from './i18n/index.svelte';

export function canNotify(): boolean {
  return typeof Notification !== 'undefined';
}

export async function askPermission(): Promise<boolean> {
  if (!canNotify()) return false;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}

export function notifyMention(e: StreamEvent, app: App) {
  if (!canNotify() || Notification.permission !== 'granted' || document.hasFocus()) return;
  const n = new Notification(t('notify.mention.title', { name: e.actor.name }), {
    body: t('notify.mention.body'),
    tag: `mention-${e.message_id ?? e.seq}`,
  });
  n.onclick = () => {
    focus();
    if (e.conversation_id) app.nav.go({ page: 'inbox', conversation: e.conversation_id });
    n.close();
  };
}
