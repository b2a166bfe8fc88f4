// A frozen snapshot of the pool's counts: read, never mutated from outside.

/** Counts of the pool at one moment (see `pool.stats()`). */
export interface PoolStats {
  /** Connections counted against `poolSize`: opening + idle + leased. */
  readonly size: number;
  /** The `poolSize` option. */
  readonly poolSize: number;
  /** Open connections not leased (they may carry multiplexed `run()` queries). */
  readonly idle: number;
  /** Connections leased by `acquire()` (or being validated for a waiter). */
  readonly leased: number;
  /** Connections being opened. */
  readonly opening: number;
  /** Connections being closed (not counted in `size`). */
  readonly closing: number;
  /** `acquire()` and `run()` calls waiting for a connection. */
  readonly waiting: number;
  /** Multiplexed queries and cursors in flight. */
  readonly inFlight: number;
  /** Connections opened since the pool was created. */
  readonly created: number;
  /** Connections closed since the pool was created. */
  readonly closed: number;
  /** Leases handed out since the pool was created. */
  readonly acquired: number;
  /** `acquire()` calls that timed out. */
  readonly timeouts: number;
  /** Failed connection attempts. */
  readonly connectErrors: number;
  /** Leases reported as leaks. */
  readonly leaks: number;
  /** False while the server is known down (no open connection, last attempt failed). */
  readonly healthy: boolean;
}

/** Freezes a stats object (kept apart so the snapshot type stays a plain object). */
export function snapshot(stats: PoolStats): PoolStats {
  return Object.freeze(stats);
}
