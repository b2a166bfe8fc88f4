// Time rules of a connection: TTL with jitter and reconnect backoff. Pure functions.

/** Largest share of the TTL a connection may lose to jitter (2.5 %). */
export const TTL_JITTER = 0.025;

/** When a connection opened at `openedAt` expires; `Infinity` when the TTL is 0 (off). */
export function expiresAt(openedAt: number, ttlMs: number, random: () => number = Math.random): number {
  if (ttlMs <= 0) return Infinity;
  return openedAt + ttlMs - Math.floor(ttlMs * TTL_JITTER * random());
}

/** The largest delay `backoffDelay()` can return after `failures` failures. */
export function backoffCeiling(failures: number, baseMs: number, maxMs: number): number {
  return failures <= 0 ? 0 : Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/** Reconnect delay after `failures` consecutive failures: full jitter in [0, ceiling]. */
export function backoffDelay(
  failures: number, baseMs: number, maxMs: number, random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(failures, baseMs, maxMs));
}
