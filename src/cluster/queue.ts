// The callers waiting for a connection, shared by every server: whichever server frees a
// connection first serves the oldest. Leases (exclusive) and multiplexed work (shared) wait
// in two FIFO lists with one sequence, so that a free connection goes to the oldest caller of
// either kind while shared callers can still use busy connections behind a waiting lease.
// Counts are kept, never walked (a timeout error reads them).
import type { Clock, TimerHandle } from '../core/clock.js';
import { SharedDeadline, type Deadlined } from './deadlines.js';

/** Where a waiter counts while it waits (a server's `waiting`). */
export interface WaitCounter {
  waiting: number;
}

/**
 * One call waiting for a connection. `T` is what the pool hands it (a slot); a lease's
 * promise resolves with what the queue's `forLease` makes of it (the driver connection), so
 * that acquire() needs no second promise to map one to the other.
 */
export class Waiter<T> implements Deadlined {
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  /** In one of the queue's lists (false while a connection is validated for it). */
  queued = false;
  settled = false;
  deadline = 0;
  /** The deadline given to this call, for its error. */
  timeoutMs = 0;
  timer: TimerHandle | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Where it counts as waiting, until it settles. */
  home: WaitCounter | undefined = undefined;
  /** The error when its deadline passes, if not the pool's PoolTimeoutError (a query's own timeoutMs). */
  onTimeout: (() => unknown) | undefined = undefined;
  /** Settles with the slot (shared work) or with `forLease(slot)` (a lease). */
  readonly promise: Promise<unknown>;
  #resolve!: (value: unknown) => void;
  #reject!: (error: unknown) => void;

  constructor(
    /** `true` for a lease, `false` for multiplexed work. */
    readonly exclusive: boolean,
    /** For multiplexed work: which kind (a query, a cursor, a feed; see server/slot.ts Work). */
    readonly kind: number,
    /** Arrival order across both lists. */
    readonly seq: number,
    /** Clock time of the call. */
    readonly since: number,
    /** Stack of the `acquire()` call, kept only with leak detection on. */
    readonly stack: string | undefined,
    private readonly queue: CallerQueue<T>,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Settles with a value; false if it had already settled. */
  fulfil(value: T): boolean {
    if (this.settled) return false;
    this.#leave();
    this.#resolve(this.exclusive ? this.queue.forLease(value) : value);
    return true;
  }

  /** Settles with an error; false if it had already settled. */
  fail(error: unknown): boolean {
    if (this.settled) return false;
    this.#leave();
    this.#reject(error);
    return true;
  }

  #leave(): void {
    this.settled = true;
    this.queue.remove(this);
    this.queue.pending--;
    if (this.home !== undefined) this.home.waiting--;
    if (this.timer !== undefined) this.queue.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.deadlines?.settled(this);
    if (this.signal && this.onAbort) this.signal.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    this.onAbort = undefined;
  }
}

/** A doubly linked FIFO: push, shift and removal are O(1). */
export class WaiterList<T> {
  head: Waiter<T> | undefined = undefined;
  tail: Waiter<T> | undefined = undefined;
  length = 0;

  push(w: Waiter<T>): void {
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
    w.queued = true;
    this.length++;
  }

  /** Puts a waiter back where its sequence says (it was taken out to validate a connection for it). */
  insert(w: Waiter<T>): void {
    let after = this.tail;
    while (after !== undefined && after.seq > w.seq) after = after.prev;
    w.prev = after;
    w.next = after ? after.next : this.head;
    if (w.next) w.next.prev = w;
    else this.tail = w;
    if (after) after.next = w;
    else this.head = w;
    w.queued = true;
    this.length++;
  }

  remove(w: Waiter<T>): void {
    if (!w.queued) return;
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = undefined;
    w.queued = false;
    this.length--;
  }
}

export class CallerQueue<T> {
  readonly exclusive = new WaiterList<T>();
  readonly shared = new WaiterList<T>();
  /** Calls that wait, queued or with a connection being validated for them. */
  pending = 0;
  /** Lease waiters a connection is being validated for (out of the lists meanwhile). */
  readonly validating = new Set<Waiter<T>>();
  /** The one timer for waiters with the pool's own deadline (created on first use). */
  deadlines: SharedDeadline<Waiter<T>> | undefined = undefined;
  #seq = 0;

  /**
   * @param onExpire a waiter's deadline passed (it is still pending).
   * @param forLease what a lease's promise resolves with, given its slot.
   */
  constructor(
    readonly clock: Clock, private readonly defaultTimeoutMs: number, private readonly onExpire: (w: Waiter<T>) => void,
    readonly forLease: (value: T) => unknown,
  ) {}

  /** Queued calls (not counting those a connection is being validated for). */
  get length(): number {
    return this.exclusive.length + this.shared.length;
  }

  /** A new waiter with its deadline armed (not queued yet). */
  waiter(
    exclusive: boolean, kind: number, since: number, timeoutMs: number, stack: string | undefined, home: WaitCounter,
  ): Waiter<T> {
    const w = new Waiter<T>(exclusive, kind, this.#seq++, since, stack, this);
    this.pending++;
    w.home = home;
    home.waiting++;
    w.timeoutMs = timeoutMs;
    w.deadline = this.clock.now() + timeoutMs;
    if (timeoutMs === this.defaultTimeoutMs) {
      this.deadlines ??= new SharedDeadline(this.clock, this.onExpire);
      this.deadlines.add(w);
    } else {
      w.timer = this.clock.setTimeout(() => this.onExpire(w), timeoutMs);
    }
    return w;
  }

  push(w: Waiter<T>): void {
    (w.exclusive ? this.exclusive : this.shared).push(w);
  }

  /** Back in line at its place (see WaiterList.insert). */
  requeue(w: Waiter<T>): void {
    if (!w.settled) (w.exclusive ? this.exclusive : this.shared).insert(w);
  }

  remove(w: Waiter<T>): void {
    (w.exclusive ? this.exclusive : this.shared).remove(w);
  }

  /** Every pending waiter leaves with `error`. */
  failAll(error: () => unknown): void {
    for (const list of [this.exclusive, this.shared]) {
      for (let w = list.head; w; w = list.head) w.fail(error());
    }
    for (const w of [...this.validating]) w.fail(error());
    this.validating.clear();
  }
}
