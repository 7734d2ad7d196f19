// What the composer inserts: the team's templates, snippets, articles and
// documents, loaded once and again when the stream says they changed.
import { api, ok } from './api/client';
import type { components } from './api/schema';

export type LibraryItem = components['schemas']['LibraryItemJSON'];
export type Document = components['schemas']['DocumentJSON'];

export class Library {
  templates = $state<LibraryItem[]>([]);
  snippets = $state<LibraryItem[]>([]);
  articles = $state<LibraryItem[]>([]);
  documents = $state<Document[]>([]);
  private loaded: Promise<void> | null = null;

  /** load fetches everything the first time; again after reset(). */
  load(): Promise<void> {
    this.loaded ??= Promise.all([
      ok(api.GET('/api/v1/templates')).then((r) => (this.templates = r.items ?? [])),
      ok(api.GET('/api/v1/snippets')).then((r) => (this.snippets = r.items ?? [])),
      ok(api.GET('/api/v1/articles')).then((r) => (this.articles = r.items ?? [])),
      ok(api.GET('/api/v1/documents')).then((r) => (this.documents = r.items ?? [])),
    ]).then(
      () => {},
      (e) => {
        this.loaded = null;
        throw e;
      },
    );
    return this.loaded;
  }

  /** changed reloads after a library.changed event, if anything was loaded. */
  changed() {
    if (!this.loaded) return;
    this.loaded = null;
    this.load().catch(() => {});
  }

  /** matching returns the snippets whose shortcut or title starts with q. */
  matching(q: string): LibraryItem[] {
    q = q.toLowerCase();
    return this.snippets.filter((s) => (s.shortcut ?? '').startsWith(q) || s.title.toLowerCase().startsWith(q)).slice(0, 8);
  }
}
