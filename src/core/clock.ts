// The pool's one source of time. Every deadline, timer and timestamp of the pool goes through
// a Clock, so tests can drive TTL, idle, heartbeat, backoff and deadlines with fake time
// (the `clock` option; `createFakeClock()` in async-repool/testing) instead of sleeping.

/** A timer handle as the clock returns it; Node's `Timeout` is one. */
export interface TimerHandle {
  /** Lets the process exit while this timer is pending (background work). */
  unref?(): unknown;
}

/**
 * A source of time and timers. The default is the system clock (`Date.now()` and the global
 * `setTimeout`); tests pass a fake one.
 */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin): only differences are used. */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer of this clock; a handle that already fired is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The system clock: `Date.now()`, `setTimeout()` and `clearTimeout()`. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number): TimerHandle => setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** Reads of the cached system time allowed before it is read again within one turn. */
const READS_PER_SAMPLE = 256;

/**
 * A reader of `clock.now()` for the hand-out and release paths. For the system clock it is
 * cached until the current event-loop turn ends (or for 256 reads): `Date.now()` costs
 * ~50 ns, a third of an acquire+release, and TTL and validation need no finer time than a
 * turn. Deadlines of callers read the clock itself, never this. Any other clock is read as is.
 */
export function coarseReader(clock: Clock): () => number {
  if (clock !== systemClock) return () => clock.now();
  return coarseSystemNow;
}

let cached = 0;
let reads = 0;
let scheduled = false;

function invalidate(): void {
  scheduled = false;
  reads = 0;
}

function coarseSystemNow(): number {
  if (reads > 0) {
    reads--;
    return cached;
  }
  cached = Date.now();
  reads = READS_PER_SAMPLE;
  if (!scheduled) {
    scheduled = true;
    // unref: a cached clock must never keep a program alive.
    setImmediate(invalidate).unref();
  }
  return cached;
}

/** Starts a background timer: unref'd, so it never keeps the process alive. */
export function backgroundTimer(clock: Clock, callback: () => void, ms: number): TimerHandle {
  const handle = clock.setTimeout(callback, ms);
  handle.unref?.();
  return handle;
}
