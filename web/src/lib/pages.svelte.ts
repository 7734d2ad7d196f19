// A list read a page at a time by cursor and searched as one types (the
// contacts, the companies): the newest search wins, an answer to an older
// one is dropped, and more() appends the page after.

type Page<T> = { items?: T[] | null; next_cursor?: string | null };

export class Pages<T> {
  items = $state<T[]>([]);
  next = $state<string | null>(null);
  loading = $state(false);
  #asked = 0;
  #fetch: (cursor: string | null) => Promise<Page<T>>;

  /** fetch reads a page after cursor (the first for null) with what the search says now. */
  constructor(fetch: (cursor: string | null) => Promise<Page<T>>) {
    this.#fetch = fetch;
  }

  /** search reads the first page again after a pause for typing; it returns the cancel an $effect wants. */
  search(onError: (e: Error) => void, pause = 150): () => void {
    const asked = ++this.#asked;
    this.loading = true;
    const timer = setTimeout(() => {
      this.#fetch(null)
        .then((r) => {
          if (asked !== this.#asked) return;
          this.items = r.items ?? [];
          this.next = r.next_cursor ?? null;
        })
        .catch(onError)
        .finally(() => {
          if (asked === this.#asked) this.loading = false;
        });
    }, pause);
    return () => clearTimeout(timer);
  }

  /** more appends the page after the last one read. */
  async more(): Promise<true> {
    const r = await this.#fetch(this.next);
    this.items = [...this.items, ...(r.items ?? [])];
    this.next = r.next_cursor ?? null;
    return true;
  }
}
