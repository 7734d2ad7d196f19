/**
 * Timers dismiss things (toasts) after a while, held while the pointer or
 * the focus is on them, so nobody loses an Undo while reaching for it or
 * reading (WCAG 2.2.1, timing adjustable). A held thing gets at least
 * `least` again when released.
 */
export class Timers {
  private running = new Map<number, { left: number; since: number; timer?: ReturnType<typeof setTimeout> }>();

  constructor(
    private done: (id: number) => void,
    private least = 3000,
    private now = () => Date.now(),
  ) {}

  /** start dismisses id in ms. */
  start(id: number, ms: number) {
    this.stop(id);
    const t = { left: ms, since: this.now(), timer: undefined as ReturnType<typeof setTimeout> | undefined };
    t.timer = setTimeout(() => this.end(id), ms);
    this.running.set(id, t);
  }

  /** hold stops id's time while someone is on it. */
  hold(id: number) {
    const t = this.running.get(id);
    if (!t?.timer) return;
    clearTimeout(t.timer);
    t.timer = undefined;
    t.left -= this.now() - t.since;
  }

  /** release gives id the rest of its time, and at least `least`. */
  release(id: number) {
    const t = this.running.get(id);
    if (!t || t.timer) return;
    t.left = Math.max(t.left, this.least);
    t.since = this.now();
    t.timer = setTimeout(() => this.end(id), t.left);
  }

  /** stop forgets id. */
  stop(id: number) {
    clearTimeout(this.running.get(id)?.timer);
    this.running.delete(id);
  }

  private end(id: number) {
    this.running.delete(id);
    this.done(id);
  }
}
