// Time rules of a connection: TTL with jitter, idle and keepalive checks, reconnect
// backoff, and deadlines on driver calls. Pure functions, so tests can drive them.

/** Largest share of the TTL a connection may lose to jitter (2.5 %). */
export const TTL_JITTER = 0.025;

/** When a connection opened at `openedAt` expires; `Infinity` when the TTL is 0 (off). */
export function expiresAt(openedAt: number, ttlMs: number, random: () => number = Math.random): number {
  if (ttlMs <= 0) return Infinity;
  return openedAt + ttlMs - Math.floor(ttlMs * TTL_JITTER * random());
}

/** Reconnect delay after `failures` consecutive failures: full jitter in [0, min(max, base·2^(n-1))]. */
export function backoffDelay(
  failures: number, baseMs: number, maxMs: number, random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.floor(random() * ceiling);
}

/** The largest delay `backoffDelay()` can return after `failures` failures. */
export function backoffCeiling(failures: number, baseMs: number, maxMs: number): number {
  return failures <= 0 ? 0 : Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/** How often housekeeping runs: half the shortest idle rule in force, within [10 ms, 30 s]. */
export function housekeepingInterval(idleTimeoutMs: number, keepaliveMs: number, hasIdleRule: boolean): number {
  const rules = [keepaliveMs, hasIdleRule ? idleTimeoutMs : 0].filter((ms) => ms > 0);
  if (rules.length === 0) return 0;
  return Math.min(30_000, Math.max(10, Math.floor(Math.min(...rules) / 2)));
}

/** Thrown by `withDeadline()` when the deadline passes first. */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/** Races a promise against an unref'ed timer that is always cleared. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts (a
 * connect the pool no longer waits for). A value that still arrives after the abort is
 * handed to `late` (to close it); a late rejection is swallowed.
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
