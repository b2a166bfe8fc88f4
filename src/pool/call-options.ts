// The per-call options of the facade's methods, their validation, and the types that tie a
// pool's connection type to its driver.
import { MAX_TIMER_MS, type PoolOptions } from './options.js';

/** Options of one `acquire()` call. */
export interface AcquireOptions {
  /** Aborts the wait; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Deadline of this call, instead of the pool's `acquireTimeoutMs`. */
  timeoutMs?: number;
}

/** Options of `releasePool()`. */
export interface ReleasePoolOptions {
  /** How long to wait for leases and queries to end before closing them anyway. @default 30000 */
  timeoutMs?: number;
}

/** Options of `release()`. */
export interface ReleaseOptions {
  /** Close the connection instead of reusing it (for example after a protocol error). */
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
