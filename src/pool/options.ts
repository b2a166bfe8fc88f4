// Pool options: one interface (every field documented with its default), one defaults
// object, and the validation that runs at construction.
import type { Connection as RethinkConnection } from 'rethinkdb';
import type { Connector } from '../drivers/connector.js';

/**
 * What the `driver` option accepts, for a pool of connections of type `C`: a
 * {@link Connector} of `C`, or a driver's `r` whose `connect()` resolves to a `C` (the
 * official `rethinkdb` or `rethinkdb-ts`). The connect options are not checked here: they
 * are given to the driver unchanged.
 */
export type PoolDriver<C> =
  | Connector<C, never>
  | {
    /**
     * The driver's own `connect()`. Its result type gives the pool's connection type `C`.
     * At run time the object must be the official `r` (it has `expr`) or rethinkdb-ts' `r`
     * (it has `connectPool`); anything else is a `TypeError` at construction.
     */
    connect(options: never): PromiseLike<C>;
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
 * the connection type, decided by `driver` (the official driver's `Connection` by default).
 */
export interface PoolOptions<C = RethinkConnection> {
  /**
   * Most connections open at once (leased + idle + opening), per server: with `servers`
   * (or discovery), each server gets a sub-pool of this size. @default 3
   */
  poolSize?: number;
  /** Connections kept open and ready; at most `poolSize`. @default poolSize */
  minIdle?: number;
  /**
   * Lifetime of a connection; 0 = forever. Each connection gets up to 2.5 % less, so they do
   * not all expire together. Past it a connection is never handed out. @default 3600000
   */
  connectionTtlMs?: number;
  /** Deadline of `acquire()`, then `PoolTimeoutError`. @default 30000 */
  acquireTimeoutMs?: number;
  /** Queued `acquire()` calls allowed; past it `PoolQueueFullError` at once. @default Infinity */
  maxWaiters?: number;
  /** Idle connections above `minIdle` are closed after this; 0 = never. @default 600000 */
  idleTimeoutMs?: number;
  /**
   * A connection not known to work for this long (since it opened, was pinged, released, or
   * answered a `run()`) is pinged before it is handed out, even with `run()` queries in
   * flight on it. 0 = ping on every hand-out. @default 1000
   */
  validateAfterIdleMs?: number;
  /** Deadline of a ping (validation and keepalive); past it the connection is broken. @default 5000 */
  pingTimeoutMs?: number;
  /**
   * Deadline of each multiplexed query: a `run()` (until its rows are all read) or the
   * opening of a `cursor()`, counted from the moment it is sent; 0 = none. Past it the call
   * rejects with `PoolQueryTimeoutError` (code `REPOOL_QUERY_TIMEOUT`), the late result is
   * dropped, and the connection is pinged at once and closed if the ping fails. Queries a
   * caller runs on a leased connection are the caller's and have no pool deadline.
   * @default 0
   */
  queryTimeoutMs?: number;
  /** If > 0, idle connections are pinged this often; a failed ping closes and replaces. @default 0 */
  keepaliveMs?: number;
  /** If > 0, a lease held longer emits `leak` with the stack of its `acquire()`. @default 0 */
  leakDetectionMs?: number;
  /** Reconnect delay: exponential with full jitter. @default { baseMs: 100, maxMs: 10000 } */
  backoff?: BackoffOptions;
  /**
   * When the server is known down (no open connection, last attempt failed), `acquire()`
   * rejects at once with the connect error instead of waiting. @default false
   */
  failFast?: boolean;
  /**
   * The `r` of `rethinkdb` or of `rethinkdb-ts`, or a {@link Connector}.
   * @default the official `rethinkdb` driver
   */
  driver?: PoolDriver<C>;
  /**
   * The servers of a cluster: one sub-pool of `poolSize` connections per server. Work goes
   * to the healthy server with the fewest leased connections and queries in flight; a
   * server whose connections fail is marked down until it answers again. Each sub-pool
   * connects with the connect options given to the pool, with that server's `host` and
   * `port` (these replace any `host`/`port` there).
   * @default the single server of the connect options (`host`, `port`)
   */
  servers?: readonly ServerAddress[];
  /**
   * Learn the cluster's servers from `r.db('rethinkdb').table('server_status')`, read from a
   * live server at `initPool()` (or at the first open connection) and every
   * `discoveryIntervalMs`; servers are added, and servers no longer listed are drained
   * (close reason `removed`). The servers given by the user are never removed. Needs the
   * official driver, rethinkdb-ts, or a connector with the optional `serverStatus(conn)`.
   * @default false
   */
  discovery?: boolean;
  /** How often discovery reads `server_status` again, in ms (10 or more). @default 30000 */
  discoveryIntervalMs?: number;
}

/** Options after defaults are applied. */
export interface ResolvedOptions {
  poolSize: number;
  minIdle: number;
  connectionTtlMs: number;
  acquireTimeoutMs: number;
  maxWaiters: number;
  idleTimeoutMs: number;
  validateAfterIdleMs: number;
  pingTimeoutMs: number;
  queryTimeoutMs: number;
  keepaliveMs: number;
  leakDetectionMs: number;
  backoff: { baseMs: number; maxMs: number };
  failFast: boolean;
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
  discovery: false,
  discoveryIntervalMs: 30_000,
});

/** Default deadline of `releasePool()`. */
export const DEFAULT_RELEASE_TIMEOUT_MS = 30_000;

/** Largest delay a Node timer accepts. */
export const MAX_TIMER_MS = 2_147_483_647;

const KEYS = [
  'poolSize', 'minIdle', 'connectionTtlMs', 'acquireTimeoutMs', 'maxWaiters', 'idleTimeoutMs',
  'validateAfterIdleMs', 'pingTimeoutMs', 'queryTimeoutMs', 'keepaliveMs', 'leakDetectionMs', 'backoff',
  'failFast', 'driver', 'servers', 'discovery', 'discoveryIntervalMs',
] as const;

/** Applies defaults and validates; throws `TypeError` naming the option. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(`pool options must be an object, got ${describe(input)}`);
  }
  const o = input as Record<string, unknown>;
  checkKeys(o, KEYS, 'pool option');
  const poolSize = int(o, 'poolSize', DEFAULTS.poolSize, 1, 100_000);
  const minIdle = int(o, 'minIdle', poolSize, 0, poolSize, '0 to poolSize');
  const backoff = resolveBackoff(o['backoff']);
  if (o['failFast'] !== undefined && typeof o['failFast'] !== 'boolean') {
    throw new TypeError(`failFast must be a boolean, got ${describe(o['failFast'])}`);
  }
  const maxWaiters = o['maxWaiters'] === Infinity
    ? Infinity
    : int(o, 'maxWaiters', DEFAULTS.maxWaiters, 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0 or Infinity');
  return {
    poolSize,
    minIdle,
    connectionTtlMs: int(o, 'connectionTtlMs', DEFAULTS.connectionTtlMs, 0, MAX_TIMER_MS),
    acquireTimeoutMs: int(o, 'acquireTimeoutMs', DEFAULTS.acquireTimeoutMs, 1, MAX_TIMER_MS),
    maxWaiters,
    idleTimeoutMs: int(o, 'idleTimeoutMs', DEFAULTS.idleTimeoutMs, 0, MAX_TIMER_MS),
    validateAfterIdleMs: int(o, 'validateAfterIdleMs', DEFAULTS.validateAfterIdleMs, 0, MAX_TIMER_MS),
    pingTimeoutMs: int(o, 'pingTimeoutMs', DEFAULTS.pingTimeoutMs, 1, MAX_TIMER_MS),
    queryTimeoutMs: int(o, 'queryTimeoutMs', DEFAULTS.queryTimeoutMs, 0, MAX_TIMER_MS),
    keepaliveMs: int(o, 'keepaliveMs', DEFAULTS.keepaliveMs, 0, MAX_TIMER_MS),
    leakDetectionMs: int(o, 'leakDetectionMs', DEFAULTS.leakDetectionMs, 0, MAX_TIMER_MS),
    backoff,
    failFast: (o['failFast'] as boolean | undefined) ?? DEFAULTS.failFast,
  };
}

function resolveBackoff(value: unknown): { baseMs: number; maxMs: number } {
  if (value === undefined) return { ...DEFAULTS.backoff };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`backoff must be an object { baseMs, maxMs }, got ${describe(value)}`);
  }
  const b = value as Record<string, unknown>;
  checkKeys(b, ['baseMs', 'maxMs'], 'backoff option', 'backoff.');
  const baseMs = int(b, 'baseMs', DEFAULTS.backoff.baseMs, 1, MAX_TIMER_MS, undefined, 'backoff.');
  const maxMs = int(b, 'maxMs', Math.max(baseMs, DEFAULTS.backoff.maxMs), baseMs, MAX_TIMER_MS,
    'an integer >= backoff.baseMs', 'backoff.');
  return { baseMs, maxMs };
}

export function int(
  o: Record<string, unknown>, key: string, dflt: number, min: number, max: number,
  range?: string, prefix = '',
): number {
  const v = o[key];
  if (v === undefined) return dflt;
  const name = prefix + key;
  if (typeof v !== 'number') {
    throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`${name} must be ${range ?? `an integer from ${min} to ${max}`}, got ${v}`);
  }
  return v;
}

export function checkKeys(o: Record<string, unknown>, known: readonly string[], what: string, prefix = ''): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    const hint = near ? `; did you mean ${prefix}${near}?` : `; known: ${known.join(', ')}`;
    throw new TypeError(`unknown ${what} ${prefix}${key}${hint}`);
  }
}

/** The known name nearest to `key` (case-insensitive edit distance), if it is near. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const k = key.toLowerCase();
  for (const name of known) {
    const d = distance(k, name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}
