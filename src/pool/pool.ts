// AsyncConnectionPool: the public facade. It validates input, routes work to a server pool
// (one per server: cluster/servers.ts; with one server routing is a plain read), maps
// handed-out connections back to their slots, and keeps secrets out of everything it shows.
import { now as clock } from './clock.js';
import { inspect } from 'node:util';
import type { Connection as RethinkConnection } from 'rethinkdb';
import { resolveClusterOptions } from '../cluster/options.js';
import { Discovery } from '../cluster/discovery.js';
import { ServerSet } from '../cluster/servers.js';
import type { Connector, DiscoveryConnector } from '../drivers/connector.js';
import { resolveConnector } from '../drivers/resolve.js';
import { callTimeout, captureStack, type AcquireOptions, type ReleaseOptions, type ReleasePoolOptions } from './call-options.js';
import { PoolClosedError, PoolReleaseError } from './errors.js';
import { PoolEmitter, type PoolEvents, type PoolListener } from './events.js';
import { CURSOR, RUN, pinCursor, type CursorQuery, type PooledCursor, type RunnableQuery, type RunResult } from './multiplex.js';
import { DEFAULT_RELEASE_TIMEOUT_MS, MAX_TIMER_MS, resolveOptions, type PoolOptions, type ResolvedOptions } from './options.js';
import { queryChannel, type QueryContext } from './diagnostics.js';
import { runOnSlot, type QueryKind } from './query.js';
import { redact } from './redact.js';
import { requestSlot } from './request.js';
import type { ServerPool } from './server-pool.js';
import type { Slot } from './slot.js';
import type { PoolStats } from './stats.js';

export type { AcquireOptions, PoolOptionsFor, ReleaseOptions, ReleasePoolOptions } from './call-options.js';

/** An async connection pool for RethinkDB. `C` is the driver's connection type. */
export class AsyncConnectionPool<C = RethinkConnection> {
  readonly #options: ResolvedOptions;
  readonly #connectOptions: object;
  readonly #emitter = new PoolEmitter();
  readonly #registry = new Map<C, Slot<C>>();
  readonly #set: ServerSet<C>;
  /** The servers that take work (the set's own array, which discovery changes in place). */
  readonly #servers: ServerPool<C>[];
  readonly #discovery: Discovery | undefined;
  #init: Promise<void> | undefined;
  #release: Promise<void> | undefined;

  /**
   * @param connectOptions given to the driver's `connect()`: unchanged with one server, with
   *   each server's `host` and `port` with `servers` or discovery.
   * @param poolOptions pool options, all optional (see `PoolOptions`).
   */
  constructor(connectOptions: object, poolOptions?: PoolOptions<C>) {
    if (connectOptions === null || typeof connectOptions !== 'object') {
      throw new TypeError('connectOptions must be an object (given to the driver\'s connect())');
    }
    this.#options = resolveOptions(poolOptions);
    this.#connectOptions = connectOptions;
    const connector = resolveConnector((poolOptions as { driver?: unknown } | undefined)?.driver) as Connector<C, unknown>;
    const cluster = resolveClusterOptions(poolOptions, connectOptions, connector as Connector<unknown, unknown>);
    const set = new ServerSet(connector, this.#options, this.#emitter, this.#registry, connectOptions, cluster, this);
    this.#set = set;
    this.#servers = set.active;
    if (cluster.discovery) {
      const status = (conn: C) => (connector as DiscoveryConnector<C, unknown>).serverStatus(conn);
      const discovery = new Discovery(set, () => this.run({ run: status }), cluster.discoveryIntervalMs, this.#emitter);
      this.#discovery = discovery;
      // A pool used without initPool() starts discovery with its first open connection.
      set.onUp = () => void discovery.start();
    }
  }

  /**
   * Opens `minIdle` connections (at least one) on every server, then runs discovery once if
   * it is on; rejects if no server could open a connection. Optional: without it the pool
   * opens connections on demand. Later calls return the same promise; rejects with
   * `PoolClosedError` after `releasePool()`.
   */
  initPool(): Promise<void> {
    if (this.#release) return Promise.reject(new PoolClosedError());
    this.#init ??= this.#set.init().then(() => this.#discovery?.start());
    return this.#init;
  }

  /**
   * Leases a connection: exclusive until `release()`. Resolves at once with an idle
   * connection (pinged first if unused for `validateAfterIdleMs`), else waits in a FIFO shared
   * by all servers while the pool opens one, up to `poolSize` per server.
   *
   * Rejects with `PoolTimeoutError` after `timeoutMs` (default: the pool's
   * `acquireTimeoutMs`), `PoolQueueFullError` when `maxWaiters` calls already wait,
   * `PoolClosedError` after `releasePool()`, `signal.reason` when `signal` aborts, and with
   * the connect error (`PoolConnectError`, `PoolAuthError` or `PoolUnavailableError`) when
   * the servers are down and `failFast` is on or the credentials are refused. Throws
   * `TypeError` for bad options.
   */
  acquire(options?: AcquireOptions): Promise<C> {
    const timeoutMs = callTimeout(options, this.#options.acquireTimeoutMs);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const server = this.#route();
    const refusal = server.refusal();
    if (refusal) return Promise.reject(refusal);
    const now = clock();
    const stack = this.#options.leakDetectionMs > 0 ? captureStack(AsyncConnectionPool.prototype.acquire) : undefined;
    if (server.waiters.length === 0) {
      const slot = server.pickIdle(now);
      if (slot !== undefined) {
        if (!server.needsValidation(slot, now)) {
          server.lease(slot, now, stack, now);
          return Promise.resolve(slot.conn!);
        }
        return requestSlot(server, true, { signal, timeoutMs, stack }, now, slot).then(connOf);
      }
    }
    return requestSlot(server, true, { signal, timeoutMs, stack }, now).then(connOf);
  }

  /**
   * Ends a lease: the connection goes back to the pool (or is closed, reason `discarded`,
   * with `discard: true`; or reason `ttl` if it expired meanwhile). Synchronous. Throws
   * `PoolReleaseError` for a double, foreign or after-close release.
   */
  release(conn: C, options?: ReleaseOptions): void {
    const slot = this.#registry.get(conn);
    if (slot === undefined || slot.owner.phase === 'closed') {
      throw new PoolReleaseError(
        this.#release
          ? 'release() after releasePool(): this connection was already closed by the pool'
          : 'release() of a connection this pool does not own; release it to the pool that acquired it',
      );
    }
    if (!slot.held) {
      throw new PoolReleaseError(
        `release() of connection ${slot.id}, which is not leased: it was released already; release each acquire() once`,
      );
    }
    slot.owner.release(slot, options?.discard === true);
  }

  /**
   * Like `acquire()`, but the connection also has `[Symbol.asyncDispose]`, so
   * `await using conn = await pool.connect()` releases it at the end of the block. Disposing
   * after an explicit `release()` does nothing.
   */
  async connect(options?: AcquireOptions): Promise<C & AsyncDisposable> {
    const conn = await this.acquire(options);
    const slot = this.#registry.get(conn)!;
    const lease = slot.leases;
    const dispose = async (): Promise<void> => {
      if (slot.held && slot.leases === lease && this.#registry.get(conn) === slot) this.release(conn);
    };
    Object.defineProperty(conn, Symbol.asyncDispose, { value: dispose, configurable: true, writable: true });
    return conn as C & AsyncDisposable;
  }

  /** Runs `fn` with a leased connection and releases it afterwards, even on throw. */
  async withConnection<T>(fn: (conn: C) => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    const conn = await this.acquire(options);
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  /**
   * Runs a query without a lease, on the least-busy connection that is not leased
   * (RethinkDB multiplexes queries on one connection). Cursors are read to an array. With
   * `queryTimeoutMs`, rejects with `PoolQueryTimeoutError` past it. Waiting for a connection
   * follows `acquireTimeoutMs` and `maxWaiters`, as `acquire()` does.
   * @param query calls `query.run(conn, runOptions)` once.
   * @param runOptions given unchanged to the query's `run()` (the driver's run options).
   */
  run<T>(query: RunnableQuery<C, T>, runOptions?: object): Promise<RunResult<T>> {
    if (!queryChannel.hasSubscribers) return this.#run(query, runOptions, undefined);
    const trace: QueryContext = { pool: this, kind: 'run', query };
    return queryChannel.tracePromise(() => this.#run(query, runOptions, trace), trace);
  }

  /**
   * Opens a cursor that keeps its connection until the cursor is closed or exhausted. With
   * `queryTimeoutMs`, rejects with `PoolQueryTimeoutError` if the cursor does not open in time.
   * The cursor is the driver's, also disposable with `await using`.
   * @param query its `getCursor(conn, runOptions)` if it has one, else `run(conn, runOptions)`.
   * @param runOptions given unchanged to the query (the driver's run options).
   */
  cursor<K extends object>(query: CursorQuery<C, K>, runOptions?: object): Promise<PooledCursor<K>> {
    if (!queryChannel.hasSubscribers) return this.#cursor(query, runOptions, undefined);
    const trace: QueryContext = { pool: this, kind: 'cursor', query };
    return queryChannel.tracePromise(() => this.#cursor(query, runOptions, trace), trace);
  }

  async #run<T>(query: RunnableQuery<C, T>, runOptions: object | undefined, trace: QueryContext | undefined): Promise<RunResult<T>> {
    const picked = this.#share();
    const slot = picked instanceof Promise ? await picked : picked;
    if (trace) traced(trace, slot);
    return (await runOnSlot(slot, RUN as QueryKind<C, RunnableQuery<C, T>, unknown>, query, runOptions)) as RunResult<T>;
  }

  async #cursor<K extends object>(query: CursorQuery<C, K>, runOptions: object | undefined, trace: QueryContext | undefined): Promise<PooledCursor<K>> {
    const slot = await this.#share();
    if (trace) traced(trace, slot);
    const cursor = (await runOnSlot(slot, CURSOR as QueryKind<C, CursorQuery<C, K>, object>, query, runOptions)) as K;
    const server = slot.owner;
    return pinCursor(cursor, () => server.done(slot));
  }

  /**
   * Closes the pool: rejects waiters with `PoolClosedError`, waits for leases and queries
   * up to `timeoutMs`, then closes every connection. Leaves no timer or socket behind.
   */
  releasePool(options?: ReleasePoolOptions): Promise<void> {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_RELEASE_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || timeoutMs > MAX_TIMER_MS) {
      return Promise.reject(new TypeError(`releasePool(): timeoutMs must be a number from 0 to ${MAX_TIMER_MS}, got ${String(timeoutMs)}`));
    }
    const deadline = Date.now() + timeoutMs;
    this.#discovery?.stop();
    this.#release ??= this.#set.drain(deadline);
    return this.#release;
  }

  /** A frozen snapshot of the pool's counts and totals, with an entry per server (see {@link PoolStats}). */
  stats(): PoolStats {
    return this.#set.stats();
  }

  /** Whether `releasePool()` was called (true from the call on, before closing completes). */
  get closed(): boolean {
    return this.#release !== undefined;
  }

  /**
   * Adds a listener of a pool event (see {@link PoolEvents}). Listeners run synchronously,
   * in order of registration; an error thrown by one is rethrown on a later microtask
   * (an uncaught exception) and never affects the pool. Throws `TypeError` for an unknown
   * event name or a listener that is not a function.
   * @returns the pool, for chaining.
   */
  on<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /**
   * Like `on()`, but the listener is removed just before its first call; `off(event,
   * listener)` removes it before then.
   * @returns the pool, for chaining.
   */
  once<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /**
   * Removes a listener added with `on()` or `once()` (the last one added, if it was added twice). Does
   * nothing if it is not registered.
   * @returns the pool, for chaining.
   */
  off<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /** The number of listeners of `event` (including `once()` listeners not yet called). */
  listenerCount(event: keyof PoolEvents): number {
    return this.#emitter.listenerCount(event);
  }

  /** What `util.inspect()` and `JSON.stringify()` show: counts and options, no secrets. */
  toJSON(): Record<string, unknown> {
    const { driver: _driver, ...options } = this.#options as ResolvedOptions & { driver?: unknown };
    return {
      servers: this.#servers.map((s) => s.server),
      closed: this.closed,
      stats: this.stats(),
      options,
      connectOptions: redact(this.#connectOptions),
    };
  }

  /**
   * Custom `util.inspect()` (and `console.log()`) output: `AsyncConnectionPool` followed by
   * {@link AsyncConnectionPool.toJSON | toJSON()}, at least 3 levels deep. Connect options
   * are redacted.
   */
  [inspect.custom](depth: number, opts: object): string {
    return `AsyncConnectionPool ${inspect(this.toJSON(), { ...opts, depth: Math.max(depth, 3) })}`;
  }

  /** The server pool to use; with one server this is a plain read. */
  #route(): ServerPool<C> {
    const servers = this.#servers;
    return servers.length === 1 ? servers[0]! : this.#set.route();
  }

  /**
   * A connection for a multiplexed query, its in-flight count already raised. It may be of
   * another server than the one routed to (waiters are shared): use `slot.owner`.
   */
  #share(): Promise<Slot<C>> | Slot<C> {
    const server = this.#route();
    const refusal = server.refusal();
    if (refusal) throw refusal;
    const now = clock();
    if (server.waiters.length === 0) {
      const slot = server.pickIdle(now);
      if (slot !== undefined && !server.needsValidation(slot, now)) {
        server.share(slot);
        return slot;
      }
      const req = { timeoutMs: this.#options.acquireTimeoutMs, stack: undefined };
      if (slot !== undefined) return requestSlot(server, false, req, now, slot);
    }
    return requestSlot(server, false, { timeoutMs: this.#options.acquireTimeoutMs, stack: undefined }, now);
  }
}

function connOf<C>(slot: Slot<C>): C {
  return slot.conn!;
}

/** Names the connection a traced query was given. */
function traced<C>(trace: QueryContext, slot: Slot<C>): void {
  trace.id = slot.id;
  trace.server = slot.owner.server;
}
