// Frozen snapshots of the pool's counts: read, never mutated from outside. Per server and
// for the whole pool, with the same fields, so that a dashboard can show either.
import type { ServerPool } from './server-pool.js';

/** Counts of connections and calls at one moment, and totals since the pool was created. */
export interface PoolCounts {
  /** Connections counted against `poolSize`: opening + idle + leased. */
  readonly size: number;
  /** Most connections allowed: the `poolSize` option per server (times the servers, in the pool's totals). */
  readonly poolSize: number;
  /** Open connections not leased (they may carry multiplexed `run()` queries). */
  readonly idle: number;
  /** Connections leased by `acquire()` (or being validated for a waiter). */
  readonly leased: number;
  /** Connections being opened. */
  readonly opening: number;
  /** Connections being closed (not counted in `size`). */
  readonly closing: number;
  /**
   * `acquire()` and `run()` calls waiting for a connection. Per server: the calls that were
   * routed to it first (the queue is shared, so any server may serve them).
   */
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
}

/** The counts of one server's sub-pool (an entry of `PoolStats.servers`). */
export interface ServerStats extends PoolCounts {
  /** `host:port`. */
  readonly server: string;
  /** False while the server is known down (no open connection, last attempt failed). */
  readonly healthy: boolean;
  /** True once discovery removed it: it takes no new work and closes as its leases end. */
  readonly removing: boolean;
}

/**
 * Counts of the pool at one moment (see `pool.stats()`): the totals of every server, and
 * one entry per server. Cumulative totals (`created`, `closed`, ...) keep the counts of
 * servers that discovery removed since.
 */
export interface PoolStats extends PoolCounts {
  /** False while every server is known down. */
  readonly healthy: boolean;
  /** One entry per server, in the order they were added (removed ones until they close). */
  readonly servers: readonly ServerStats[];
}

/** Cumulative counters of a server pool. */
export interface Totals {
  created: number;
  closed: number;
  acquired: number;
  timeouts: number;
  connectErrors: number;
  leaks: number;
}

export function zeroTotals(): Totals {
  return { created: 0, closed: 0, acquired: 0, timeouts: 0, connectErrors: 0, leaks: 0 };
}

const SUMMED = [
  'size', 'poolSize', 'idle', 'leased', 'opening', 'closing', 'waiting', 'inFlight',
  'created', 'closed', 'acquired', 'timeouts', 'connectErrors', 'leaks',
] as const satisfies readonly (keyof PoolCounts)[];

/** The pool's snapshot: per-server entries, their sums, and the totals of removed servers. */
export function poolSnapshot(servers: ServerStats[], waiting: number, removed: Totals): PoolStats {
  const sum: Record<(typeof SUMMED)[number], number> = { ...removed, size: 0, poolSize: 0, idle: 0, leased: 0, opening: 0, closing: 0, waiting: 0, inFlight: 0 };
  for (const s of servers) {
    for (const key of SUMMED) sum[key] += s[key];
    // A removed server no longer adds to the capacity.
    if (s.removing) sum.poolSize -= s.poolSize;
  }
  sum.waiting = waiting;
  return Object.freeze({
    ...sum,
    healthy: servers.some((s) => s.healthy && !s.removing),
    servers: Object.freeze(servers.map((s) => Object.freeze(s))),
  });
}

/** The counts of one server pool; `waiting` is given by the caller (the queue is shared). */
export function serverStats<C>(p: ServerPool<C>, waiting: number): ServerStats {
  return {
    server: p.server,
    healthy: p.maintenance.healthy !== false,
    removing: p.stopReason === 'removed',
    size: p.size,
    poolSize: p.ctx.options.poolSize,
    idle: p.idle.length,
    leased: p.leased.size,
    opening: p.opening.size,
    closing: p.closing.size,
    waiting,
    inFlight: p.inFlight,
    ...p.totals,
  };
}
