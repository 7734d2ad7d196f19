// The actions on one conversation that a person may regret: each reports
// itself in a toast whose Undo reverses it on the server.
import { api, ok, type Conversation } from './api/client';
import type { App } from './app.svelte';
import { t } from './i18n/index.svelte';

const at = (id: number) => ({ params: { path: { id } } });
const post = {
  close: (id: number) => ok(api.POST('/api/v1/conversations/{id}/close', at(id))),
  reopen: (id: number) => ok(api.POST('/api/v1/conversations/{id}/reopen', at(id))),
  spam: (id: number) => ok(api.POST('/api/v1/conversations/{id}/spam', at(id))),
  trash: (id: number) => ok(api.POST('/api/v1/conversations/{id}/trash', at(id))),
  // The server puts a conversation back where it was before spam or trash.
  restore: (id: number) => ok(api.POST('/api/v1/conversations/{id}/restore', at(id))),
};

export async function close(app: App, c: Conversation) {
  const id = c.id;
  if (await app.act(() => post.close(id))) app.toast(t('undo.closed'), 'info', () => post.reopen(id));
}

export async function reopen(app: App, c: Conversation) {
  const id = c.id;
  if (await app.act(() => post.reopen(id))) app.toast(t('undo.reopened'), 'info', () => post.close(id));
}

export async function spam(app: App, c: Conversation) {
  const id = c.id;
  if (await app.act(() => post.spam(id))) app.toast(t('undo.spam'), 'info', () => post.restore(id));
}

export async function trash(app: App, c: Conversation) {
  const id = c.id;
  if (await app.act(() => post.trash(id))) app.toast(t('undo.trash'), 'info', () => post.restore(id));
}

/** restore brings a conversation back; undo sends it back to spam or the trash. */
export async function restore(app: App, c: Conversation) {
  const id = c.id;
  const was = c.placement;
  if (!(await app.act(() => post.restore(id)))) return;
  const back = was === 'trash' ? post.trash : was === 'spam' ? post.spam : undefined;
  app.toast(t('undo.restored'), 'info', back && (() => back(id)));
}
