// Keyboard shortcuts of the inbox (the ? overlay lists them).
import type { App } from './app.svelte';

function move(app: App, by: number) {
  const items = app.list.items;
  if (!items.length) return;
  const i = items.findIndex((c) => c.id === app.nav.place.conversation);
  const next = items[Math.max(0, Math.min(items.length - 1, i < 0 ? 0 : i + by))];
  app.nav.go({ conversation: next.id }, true);
  document.getElementById(`conv-${next.id}`)?.scrollIntoView({ block: 'nearest' });
}

function focus(id: string) {
  const el = document.getElementById(id);
  el?.focus();
  return el;
}

function fire(name: string) {
  dispatchEvent(new CustomEvent(`parley:${name}`));
}

export const shortcuts: Record<string, (app: App) => void> = {
  j: (app) => move(app, 1),
  k: (app) => move(app, -1),
  Enter: (app) => {
    if (!app.nav.place.conversation) move(app, 0);
    focus('thread-title');
  },
  r: () => fire('reply'),
  c: () => fire('comment'),
  a: () => focus('assignee-picker'),
  e: () => fire('close'),
  '#': () => fire('trash'),
  '/': () => focus('search'),
};

/**
 * The list shown by the ? overlay: keys and their message keys. A key
 * with a name of its own is a message too: French says Entrée and Échap.
 */
export const shortcutHelp = [
  ['j / k', 'keys.move'],
  ['key.enter', 'keys.open'],
  ['r', 'keys.reply'],
  ['c', 'keys.comment'],
  ['a', 'keys.assign'],
  ['e', 'keys.close'],
  ['#', 'keys.trash'],
  ['/', 'keys.search'],
  ['key.ctrlEnter', 'keys.send'],
  ['?', 'keys.help'],
  ['key.escape', 'keys.escape'],
] as const;
