// The FIFO of pending acquire() calls: a doubly linked list, so enqueue, dequeue and removal
// (on timeout or abort) are O(1). Waiters share one deadline timer (deadlines.ts) unless a
// call gives its own timeoutMs; an abort listener, when given, is dropped as soon as it settles.
import type { SharedDeadline } from './deadlines.js';

/** One pending `acquire()` (or `run()`) call. */
export class Waiter<T> {
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queued = false;
  settled = false;
  /** Its own deadline timer, when it has a `timeoutMs` of its own (else see `deadlines`). */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The shared deadline tracking it (deadlines.ts), and its deadline there. */
  deadlines: { settled(w: Waiter<T>): void } | undefined = undefined;
  deadline = 0;
  /** The deadline given to this call, for its timeout error. */
  timeoutMs = 0;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** The server it was first routed to; only read by stats() (the queue may be shared). */
  home: unknown = undefined;

  constructor(
    readonly resolve: (value: T) => void,
    readonly reject: (error: unknown) => void,
    /** `true` for `acquire()` (exclusive lease), `false` for a multiplexed `run()`. */
    readonly exclusive: boolean,
    /** When the call started (`Date.now()`). */
    readonly since: number,
    /** Stack of the `acquire()` call, only kept when leak detection is on. */
    readonly stack: string | undefined,
  ) {}

  /** Settles with a value; false if it had already settled. */
  fulfil(value: T): boolean {
    if (this.settled) return false;
    this.cleanup();
    this.resolve(value);
    return true;
  }

  /** Settles with an error; false if it had already settled. */
  fail(error: unknown): boolean {
    if (this.settled) return false;
    this.cleanup();
    this.reject(error);
    return true;
  }

  private cleanup(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.deadlines !== undefined) this.deadlines.settled(this);
    if (this.signal && this.onAbort) this.signal.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    this.onAbort = undefined;
  }
}

/** FIFO of waiters. */
export class WaiterQueue<T> {
  /** The one timer for waiters with the pool's default deadline (created on first use). */
  deadlines: SharedDeadline<T> | undefined = undefined;
  private head: Waiter<T> | undefined = undefined;
  private tail: Waiter<T> | undefined = undefined;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Adds at the back. */
  push(w: Waiter<T>): void {
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
    w.queued = true;
    this.count++;
  }

  /** Puts back at the front (a waiter whose hand-off failed keeps its place). */
  unshift(w: Waiter<T>): void {
    w.next = this.head;
    w.prev = undefined;
    if (this.head) this.head.prev = w;
    else this.tail = w;
    this.head = w;
    w.queued = true;
    this.count++;
  }

  /** The oldest waiter, without removing it. */
  peek(): Waiter<T> | undefined {
    return this.head;
  }

  /** Removes and returns the oldest waiter. */
  shift(): Waiter<T> | undefined {
    const w = this.head;
    if (w) this.remove(w);
    return w;
  }

  /** Removes a waiter from anywhere in the queue; a no-op if it is not queued. */
  remove(w: Waiter<T>): void {
    if (!w.queued) return;
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = undefined;
    w.queued = false;
    this.count--;
  }

  /** Every queued waiter, oldest first (for stats). */
  *[Symbol.iterator](): IterableIterator<Waiter<T>> {
    for (let w = this.head; w; w = w.next) yield w;
  }

  /** Removes every waiter, oldest first. */
  drain(): Waiter<T>[] {
    const out: Waiter<T>[] = [];
    for (let w = this.shift(); w; w = this.shift()) out.push(w);
    return out;
  }
}
