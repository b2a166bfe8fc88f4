// Pool options: one interface (every field documented with its default) and one defaults
// object beside it. The parser is resolve-options.ts.
import type { Connection as RethinkConnection } from 'rethinkdb';
import type { Connector } from '../drivers/connector.js';
import type { Clock } from './clock.js';

/**
 * What the `driver` option accepts, for a pool of connections of type `C` opened with
 * connect options of type `O`: a {@link Connector}, or a driver's `r` whose `connect()`
 * resolves to a `C` (the official `rethinkdb`, or `rethinkdb-ts`).
 */
export type PoolDriver<C, O> =
  | Connector<C, O>
  | {
    /**
     * The driver's own `connect()`: its types give the pool's connection type `C` and connect
     * options `O`. At run time the object must be the official `r` (it has `expr`) or
     * rethinkdb-ts' `r` (it has `connectPool`); anything else is a `TypeError`.
     */
    connect(options: O): PromiseLike<C>;
  };

/** Reconnect delay: exponential with full jitter, reset after a successful open. */
export interface BackoffOptions {
  /** First delay ceiling, in ms. @default 100 */
  baseMs?: number;
  /** Largest delay, in ms. @default 10000 */
  maxMs?: number;
}

/** Where a RethinkDB server listens for drivers. */
export interface ServerAddress {
  /** Host name or IP address. */
  host: string;
  /** Driver (ReQL) port, 1 to 65535. */
  port: number;
}

/**
 * Options of {@link AsyncConnectionPool}; all optional. Durations are in milliseconds. `C` is
 * the connection type and `O` the connect options, both decided by `driver`.
 */
export interface PoolOptions<C = RethinkConnection, O = unknown> {
  /** Most connections open at once (opening + ready + leased), per server. @default 3 */
  poolSize?: number;
  /** Connections kept open (opening + ready); at most `poolSize`. @default poolSize */
  minIdle?: number;
  /**
   * Lifetime of a connection; 0 = forever. Each connection gets up to 2.5 % less, so they do
   * not all expire together. Past it a connection is never handed out: it retires (its work
   * may finish for `retireTimeoutMs`) and is replaced. @default 3600000
   */
  connectionTtlMs?: number;
  /** Deadline of a call waiting for a connection, then `PoolTimeoutError`. @default 30000 */
  acquireTimeoutMs?: number;
  /** Calls allowed to wait for a connection; past it `PoolQueueFullError` at once. @default Infinity */
  maxWaiters?: number;
  /** Idle connections above `minIdle` are closed after this; 0 = never. @default 600000 */
  idleTimeoutMs?: number;
  /**
   * An idle connection not known to work for this long (since it opened, was pinged, was
   * released or answered a query) is pinged before it takes work. 0 = ping on every
   * hand-out. @default 1000
   */
  validateAfterIdleMs?: number;
  /** Deadline of a ping, a close, a cursor's `close()` and discovery's query. @default 5000 */
  pingTimeoutMs?: number;
  /**
   * Default `timeoutMs` of `run()` and `cursor()` (the whole call: waiting, sending, every
   * row); 0 = none. A query may legitimately run for minutes: the heartbeat, not a query
   * deadline, finds dead connections. @default 0
   */
  queryTimeoutMs?: number;
  /** If > 0, idle connections are pinged this often; a failed ping closes and replaces. @default 0 */
  keepaliveMs?: number;
  /** If > 0, a lease held longer emits `leak` with the stack of its `acquire()`. @default 0 */
  leakDetectionMs?: number;
  /** Reconnect delay: exponential with full jitter. @default { baseMs: 100, maxMs: 10000 } */
  backoff?: BackoffOptions;
  /** When every server is known down, calls reject at once with the connect error. @default false */
  failFast?: boolean;
  /**
   * The pool's own deadline on opening one connection (TCP, TLS, handshake, `onConnect`),
   * whatever the driver's `timeout`. @default 10000
   */
  connectTimeoutMs?: number;
  /** Connections being opened at once per server: no connect storm at start or after an outage. @default 2 */
  maxConnecting?: number;
  /**
   * A connection with work in flight that has received nothing for this long is pinged; a
   * ping that times out is confirmed on another connection to the server (busy or dead).
   * TCP keepalive on every socket starts probing after the same delay. @default 10000
   */
  heartbeatMs?: number;
  /**
   * How long a connection that must go (TTL, discard, `maxUses`, removal) may finish the work
   * already on it; then it closes and that work fails with `PoolConnectionLostError`. @default 30000
   */
  retireTimeoutMs?: number;
  /** Multiplexed queries, cursors and feeds on one connection (the server's own limit). @default 1024 */
  maxQueriesPerConnection?: number;
  /** Leases after which a connection is retired (pg-pool's `maxUses`); 0 = off. @default 0 */
  maxUses?: number;
  /**
   * Runs on every new connection before it takes work (e.g. `conn.use(db)`); a throw or a
   * rejection is a connect error. What it sets is what a lease gets back on release.
   * @default none
   */
  onConnect?: (conn: C) => void | PromiseLike<void>;
  /** Maps an address learned by discovery (behind NAT or a proxy) to the one to connect to. @default identity */
  mapAddress?: (advertised: ServerAddress) => ServerAddress;
  /**
   * Lets the process exit while the pool is idle (no lease, no work, no waiter): idle
   * sockets and timers are unref'd, as pg's `allowExitOnIdle`. Off by default: a pool keeps
   * the process alive until `releasePool()`. @default false
   */
  allowExitOnIdle?: boolean;
  /** The `r` of `rethinkdb` or of `rethinkdb-ts`, or a {@link Connector}. @default the official `rethinkdb` driver */
  driver?: PoolDriver<C, O>;
  /**
   * The servers of a cluster: one sub-pool of `poolSize` connections per server, each opened
   * with the connect options and that server's `host` and `port`.
   * @default the single server of the connect options (`host`, `port`)
   */
  servers?: readonly ServerAddress[];
  /**
   * Learn the cluster's servers from `r.db('rethinkdb').table('server_status')` at
   * `initPool()` (or the first open connection) and every `discoveryIntervalMs`. Servers are
   * known by their id, so a node reached through a proxy is one sub-pool. @default false
   */
  discovery?: boolean;
  /** How often discovery reads `server_status` again, in ms (10 or more). @default 30000 */
  discoveryIntervalMs?: number;
  /** The time source of every deadline and timer (tests pass a fake one). @default the system clock */
  clock?: Clock;
}

/** Every default in one place (`minIdle` defaults to `poolSize`). */
export const DEFAULTS = Object.freeze({
  poolSize: 3,
  connectionTtlMs: 3_600_000,
  acquireTimeoutMs: 30_000,
  maxWaiters: Infinity,
  idleTimeoutMs: 600_000,
  validateAfterIdleMs: 1_000,
  pingTimeoutMs: 5_000,
  queryTimeoutMs: 0,
  keepaliveMs: 0,
  leakDetectionMs: 0,
  backoff: Object.freeze({ baseMs: 100, maxMs: 10_000 }),
  failFast: false,
  connectTimeoutMs: 10_000,
  maxConnecting: 2,
  heartbeatMs: 10_000,
  retireTimeoutMs: 30_000,
  maxQueriesPerConnection: 1_024,
  maxUses: 0,
  allowExitOnIdle: false,
  discovery: false,
  discoveryIntervalMs: 30_000,
});

/** Default deadline of `releasePool()`. */
export const DEFAULT_RELEASE_TIMEOUT_MS = 30_000;

/** Most servers discovery adds: a cluster listing more is cut (with a `discoveryError`). */
export const MAX_DISCOVERED_SERVERS = 64;

/** Smallest `discoveryIntervalMs`: reading server_status more often only loads the cluster. */
export const MIN_DISCOVERY_INTERVAL_MS = 10;
