// One timer for the deadlines of every waiter queued with the pool's own acquireTimeoutMs.
// Those deadlines grow in arrival order (the same timeout from a clock that does not go
// back), so the earliest is always the oldest waiter still pending, and a single timer armed
// for it suffices: a queued call then costs no timer of its own, which was ~40 % of an
// acquire+release with thousands of callers queued. Calls with their own deadline keep a
// timer each (queue.ts).
import type { Clock, TimerHandle } from '../core/clock.js';

/** What the shared deadline needs of a waiter. */
export interface Deadlined {
  readonly settled: boolean;
  /** Clock time at which it expires. */
  deadline: number;
}

export class SharedDeadline<T extends Deadlined> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #timer: TimerHandle | undefined = undefined;

  /** @param onExpire fails a waiter whose deadline passed (it is still pending). */
  constructor(private readonly clock: Clock, private readonly onExpire: (w: T) => void) {}

  /** Tracks `w`, whose deadline is not before any tracked earlier. */
  add(w: T): void {
    this.#trim();
    this.#items.push(w);
    if (this.#timer === undefined) this.#arm();
  }

  /** `w` settled: keeps the list short, and drops the timer once nobody waits. */
  settled(w: T): void {
    if (this.#items[this.#head] !== w) return; // skipped later, when it reaches the head
    this.#trim();
    if (this.#head === this.#items.length && this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
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

  /** Arms the timer for the oldest pending waiter. Not unref'd: a caller awaits it. */
  #arm(): void {
    const w = this.#items[this.#head]!;
    this.#timer = this.clock.setTimeout(this.#fire, Math.max(0, Math.ceil(w.deadline - this.clock.now())));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = this.clock.now();
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
