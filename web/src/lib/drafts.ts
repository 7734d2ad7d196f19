// Drafts survive a reload: what an agent typed is kept in the browser per
// conversation and mode until it is sent.

export type Draft = {
  text: string;
  html?: string;
  // to, cc and bcc are comma-separated addresses of an email reply.
  to?: string;
  cc?: string;
  bcc?: string;
  attachments?: { id: number; name: string }[];
};

const key = (conversation: number, mode: string) => `parley.draft.${conversation}.${mode}`;

export function loadDraft(conversation: number, mode: string, store: Storage = localStorage): Draft {
  try {
    const v = JSON.parse(store.getItem(key(conversation, mode)) ?? 'null');
    if (v && typeof v.text === 'string') return v;
  } catch {
    // a damaged draft is no draft
  }
  return { text: '' };
}

export function saveDraft(conversation: number, mode: string, d: Draft, store: Storage = localStorage) {
  if (!d.text && !d.html && !d.cc && !d.bcc && !d.attachments?.length) store.removeItem(key(conversation, mode));
  else store.setItem(key(conversation, mode), JSON.stringify(d));
}

/**
 * triggerAt finds a word being typed just before the caret that starts with
 * trigger: an @mention, or a #snippet shortcut.
 */
export function triggerAt(text: string, caret: number, trigger: '@' | '#' = '@'): { start: number; query: string } | null {
  const m = new RegExp(`(?:^|[^\\w.@+#-])[${trigger}]([\\p{L}\\p{N}_.+-]*)$`, 'u').exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[1].length - 1, query: m[1].toLowerCase() };
}
