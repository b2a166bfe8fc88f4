// A deadline on one driver call (ping, close, connect): the pool never waits on a driver
// promise without one.
import type { Clock } from './clock.js';

/** Thrown by `withDeadline()` when the deadline passes first. */
export class DeadlineError extends Error {
  /** The deadline that passed, in ms. */
  readonly ms: number;
  /** @param what what did not answer; `message` replaces the default message. */
  constructor(what: string, ms: number, message?: string) {
    super(message ?? `${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
    this.ms = ms;
  }
}

/**
 * Settles like `promise`, or rejects with a DeadlineError after `ms` (an unref'd timer of
 * `clock`, always cleared). `onLate` gets a value that arrives after the deadline.
 */
export function withDeadline<T>(
  clock: Clock, promise: Promise<T>, ms: number, what: string, onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = clock.setTimeout(() => {
      expired = true;
      reject(new DeadlineError(what, ms));
    }, ms);
    timer.unref?.();
    promise.then(
      (value) => {
        if (expired) {
          onLate?.(value);
          return;
        }
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (expired) return;
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Calls `fn` and turns a synchronous throw into a rejected promise. */
export function attempt<T>(fn: () => PromiseLike<T> | T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts. A value
 * that still arrives after the abort is handed to `late` (to close it); a late rejection is
 * swallowed.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then(late, () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
