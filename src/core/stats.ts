// Frozen snapshots of the pool's counts: read, never mutated from outside. Per server and
// for the whole pool, with the same fields, so that a dashboard can show either. Every count
// is derived from the connection states (DESIGN section 3); nothing is counted twice.

/** Counts of connections and calls at one moment, and totals since the pool was created. */
export interface PoolCounts {
  /** Connections counted against `poolSize`: opening + ready + leased. */
  readonly size: number;
  /** Most connections allowed: the `poolSize` option per server (times the servers, in the pool's totals). */
  readonly poolSize: number;
  /** Open connections that take work (not leased): with or without multiplexed work on them. */
  readonly ready: number;
  /** Ready connections with no work at all: free to lease. */
  readonly idle: number;
  /** Connections leased by `acquire()`. */
  readonly leased: number;
  /** Connections being opened. */
  readonly opening: number;
  /**
   * Connections that must go (TTL, discard, `maxUses`, removal, shutdown) and finish the work
   * already on them first; not counted in `size` (they take no new work).
   */
  readonly retiring: number;
  /** Connections being closed (not counted in `size`). */
  readonly closing: number;
  /**
   * Calls waiting for a connection (`acquire()`, and `run()`/`cursor()`/`changes()` when no
   * connection can take them). Per server: the calls that were routed to it first.
   */
  readonly waiting: number;
  /** Multiplexed work in flight on ready and retiring connections: queries, open cursors and feeds. */
  readonly inFlight: number;
  /** Of `inFlight`, open cursors (from `cursor()`). */
  readonly cursors: number;
  /** Of `inFlight`, changefeeds (from `changes()`). */
  readonly feeds: number;
  /** Connections opened since the pool was created. */
  readonly created: number;
  /** Connections closed since the pool was created. */
  readonly closed: number;
  /** Leases handed out since the pool was created. */
  readonly acquired: number;
  /** Calls that timed out waiting for a connection. */
  readonly timeouts: number;
  /** Failed connection attempts. */
  readonly connectErrors: number;
  /** Leases reported as leaks. */
  readonly leaks: number;
}

/** The counts of one server's sub-pool (an entry of `PoolStats.servers`). */
export interface ServerStats extends PoolCounts {
  /** `host:port` the pool reaches it at. */
  readonly server: string;
  /** The server's RethinkDB id (from SERVER_INFO), once a connection has opened. */
  readonly id: string | undefined;
  /** False while the server is known down. */
  readonly healthy: boolean;
  /** True once it is being removed (discovery no longer lists it): it takes no new work. */
  readonly removing: boolean;
}

/**
 * Counts of the pool at one moment (see `pool.stats()`): the sums over every server, and
 * one entry per server. Cumulative totals keep the counts of servers removed since.
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

/** Adds `from` into `into` (the totals of a server that is gone). */
export function addTotals(into: Totals, from: Totals): void {
  into.created += from.created;
  into.closed += from.closed;
  into.acquired += from.acquired;
  into.timeouts += from.timeouts;
  into.connectErrors += from.connectErrors;
  into.leaks += from.leaks;
}

const SUMMED = [
  'size', 'poolSize', 'ready', 'idle', 'leased', 'opening', 'retiring', 'closing', 'inFlight', 'cursors', 'feeds',
  'created', 'closed', 'acquired', 'timeouts', 'connectErrors', 'leaks',
] as const satisfies readonly (keyof PoolCounts)[];

/** The pool's snapshot: per-server entries, their sums, and the totals of removed servers. */
export function poolSnapshot(servers: ServerStats[], waiting: number, removed: Totals): PoolStats {
  const sum: Record<(typeof SUMMED)[number] | 'waiting', number> = {
    ...removed, size: 0, poolSize: 0, ready: 0, idle: 0, leased: 0, opening: 0, retiring: 0, closing: 0,
    waiting, inFlight: 0, cursors: 0, feeds: 0,
  };
  for (const s of servers) {
    for (const key of SUMMED) sum[key] += s[key];
    // A server being removed no longer adds to the capacity.
    if (s.removing) sum.poolSize -= s.poolSize;
  }
  return Object.freeze({
    ...sum,
    healthy: servers.some((s) => s.healthy && !s.removing),
    servers: Object.freeze(servers.map((s) => Object.freeze(s))),
  });
}
