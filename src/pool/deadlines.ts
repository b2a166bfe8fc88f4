// One timer for the deadlines of every waiter queued with the pool's own acquireTimeoutMs.
// Those deadlines grow in arrival order (a monotonic clock plus the same timeout), so the
// earliest is always the oldest waiter still pending, and a single timer armed for it
// suffices: a queued acquire() then costs no setTimeout/clearTimeout of its own, which was
// ~40 % of an acquire+release with thousands of callers queued. Calls with their own
// `timeoutMs` keep a timer each (request.ts).
import type { Waiter } from './waiters.js';

export class SharedDeadline<T> {
  #items: (Waiter<T> | undefined)[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  /** @param onExpire fails a waiter whose deadline passed (it is still pending). */
  constructor(private readonly onExpire: (w: Waiter<T>) => void) {}

  /** Tracks `w`, whose deadline is `deadline` (performance.now() based, not below earlier ones). */
  add(w: Waiter<T>, deadline: number): void {
    w.deadline = deadline;
    w.deadlines = this;
    this.#trim();
    this.#items.push(w);
    if (this.#timer === undefined) this.#arm();
  }

  /** `w` settled: keeps the list short, and drops the timer once nobody waits. */
  settled(w: Waiter<T>): void {
    if (this.#items[this.#head] !== w) return; // skipped later, when it reaches the head
    this.#trim();
    if (this.#head === this.#items.length && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Drops settled waiters from the head; compacts the array now and then. */
  #trim(): void {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]!.settled) items[this.#head++] = undefined;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Arms the timer for the oldest pending waiter. Not unref'ed: a caller awaits it. */
  #arm(): void {
    const w = this.#items[this.#head]!;
    this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(w.deadline - performance.now())));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const items = this.#items;
    while (this.#head < items.length) {
      const w = items[this.#head]!;
      if (!w.settled && w.deadline > now) break;
      items[this.#head++] = undefined;
      if (!w.settled) this.onExpire(w);
    }
    this.#trim();
    if (this.#head < items.length && this.#timer === undefined) this.#arm();
  };
}
