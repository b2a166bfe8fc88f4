// The per-call options of the facade's methods, their validation, and the types that tie a
// pool's connection type to its driver.
import { MAX_TIMER_MS, type PoolOptions } from './options.js';

/** Options of one `acquire()` call (also taken by `connect()` and `withConnection()`). */
export interface AcquireOptions {
  /**
   * Aborts the wait; the promise rejects with `signal.reason` (at once if it is already
   * aborted). No effect once the connection is handed out.
   */
  signal?: AbortSignal;
  /**
   * Deadline of this call in ms (an integer from 1 to 2147483647), instead of the pool's
   * `acquireTimeoutMs`; past it the call rejects with `PoolTimeoutError`.
   * @default the pool's `acquireTimeoutMs`
   */
  timeoutMs?: number;
}

/** Options of `releasePool()`. */
export interface ReleasePoolOptions {
  /**
   * How long to wait, in ms, for leases and queries to end before closing their connections
   * anyway (0 to 2147483647). @default 30000
   */
  timeoutMs?: number;
}

/** Options of `release()`. */
export interface ReleaseOptions {
  /** Close the connection (reason `discarded`) instead of reusing it, for example after a protocol error. @default false */
  discard?: boolean;
}

/**
 * The pool options of a pool of connections of type `C`.
 * @deprecated The same as {@link PoolOptions}`<C>`; use that.
 */
export type PoolOptionsFor<C> = PoolOptions<C>;

/** The deadline of one `acquire()` call; throws TypeError on bad options. */
export function callTimeout(options: AcquireOptions | undefined, dflt: number): number {
  if (options === undefined) return dflt;
  if (typeof options !== 'object' || options === null) throw new TypeError('acquire() options must be an object');
  const { timeoutMs, signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('acquire(): signal must be an AbortSignal');
  }
  if (timeoutMs === undefined) return dflt;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMER_MS) {
    throw new TypeError(`acquire(): timeoutMs must be an integer from 1 to ${MAX_TIMER_MS}, got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}

/** The caller's stack, for leak reports; frames from `above` up are left out. */
export function captureStack(above: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, above);
  return `acquire() called${holder.stack ?? ''}`;
}
