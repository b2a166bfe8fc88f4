// AsyncConnectionPool: the public facade. It checks every call at the boundary (a TypeError
// naming the option, every async method rejecting rather than throwing), maps handed-out
// connections back to their slots, and hands the work to the cluster below it. It keeps
// secrets out of everything it shows.
import { inspect } from 'node:util';
import type { Connection as RethinkConnection, ConnectionOptions as RethinkConnectionOptions } from 'rethinkdb';
import {
  acquireOptions, captureStack, changesOptions, queryOptions, releaseOptions, releasePoolOptions,
  type AcquireOptions, type ChangesOptions, type ParsedQueryOptions, type QueryOptions, type ReleaseOptions, type ReleasePoolOptions,
} from '../core/call-options.js';
import { PoolReleaseError } from '../core/call-errors.js';
import { queryChannel, type QueryContext } from '../core/diagnostics.js';
import { PoolClosedError } from '../core/errors.js';
import { Notifier } from '../core/notifier.js';
import { DEFAULT_RELEASE_TIMEOUT_MS, type PoolDriver, type PoolOptions } from '../core/options.js';
import { redact } from '../core/redact.js';
import { resolveOptions, type ResolvedOptions } from '../core/resolve-options.js';
import type { PoolStats } from '../core/stats.js';
import { Cluster } from '../cluster/cluster.js';
import { openCursor, pooledCursor } from '../cluster/cursor.js';
import { Discovery } from '../cluster/discovery.js';
import { Membership } from '../cluster/membership.js';
import { runQuery } from '../cluster/query.js';
import { checkQuery, type CursorQuery, type PooledCursor, type RunnableQuery, type RunResult } from '../cluster/query-types.js';
import { readServerStatus } from '../cluster/status.js';
import { Feed } from '../feeds/feed.js';
import { Work, type Slot } from '../server/slot.js';
import { PoolEventSource } from './events.js';

/** Options of `run()` and `cursor()`: the pool's own keys, and the driver's run options beside them. */
export type RunOptions = QueryOptions & Record<string, unknown>;

/**
 * An async connection pool for RethinkDB. `C` is the driver's connection type and `O` its
 * connect options, both given by the `driver` option (the official driver by default).
 */
export class AsyncConnectionPool<C = RethinkConnection, O = RethinkConnectionOptions> extends PoolEventSource implements AsyncDisposable {
  readonly #options: ResolvedOptions<C>;
  readonly #connectOptions: object;
  readonly #cluster: Cluster<C>;
  /** Whether acquire() may lease without capturing a stack (no leak detection). */
  readonly #leaseFast: boolean;
  readonly #discovery: Discovery | undefined;
  readonly #notify: Notifier;
  /** Open feeds of changes(), ended by releasePool(). */
  readonly #feeds = new Set<Feed<unknown>>();
  #feedIds = 0;
  #init: Promise<void> | undefined;
  #release: Promise<void> | undefined;

  /**
   * @param connectOptions given to the driver's `connect()`: unchanged with one server, with
   *   each server's `host` and `port` with `servers` or discovery. Typed by the driver: the
   *   official driver's `ConnectionOptions` by default, rethinkdb-ts' with `driver: r` of it.
   * @param poolOptions pool options, all optional (see {@link PoolOptions}).
   */
  constructor(connectOptions: NoInfer<O>, poolOptions: PoolOptions<C, O> & { driver: PoolDriver<C, O> });
  constructor(connectOptions: RethinkConnectionOptions, poolOptions?: PoolOptions<RethinkConnection, RethinkConnectionOptions>);
  constructor(connectOptions: NoInfer<O>, poolOptions?: PoolOptions<C, O>);
  constructor(connectOptions: object, poolOptions?: object) {
    super();
    if (connectOptions === null || typeof connectOptions !== 'object') {
      throw new TypeError('connectOptions must be an object (given to the driver\'s connect())');
    }
    this.#connectOptions = connectOptions;
    this.#options = resolveOptions<C>(poolOptions, connectOptions);
    this.#leaseFast = this.#options.leakDetectionMs === 0;
    const notify = new Notifier(this.emitter, this);
    this.#notify = notify;
    const cluster = new Cluster<C>(this.#options, notify, connectOptions);
    this.#cluster = cluster;
    if (this.#options.discovery) {
      const membership = new Membership(cluster, notify);
      const { discoveryIntervalMs, pingTimeoutMs, clock } = this.#options;
      const discovery = new Discovery(membership, () => readServerStatus(cluster), discoveryIntervalMs, pingTimeoutMs, clock, notify);
      this.#discovery = discovery;
      // A pool used without initPool() starts discovery with its first open connection.
      cluster.onUp = () => void discovery.start();
    }
  }

  /**
   * Opens `minIdle` connections (at least one) on every server, then runs discovery once if
   * it is on; rejects if no server could open a connection. Optional: without it the pool
   * opens connections on demand. Later calls return the same promise; rejects with
   * `PoolClosedError` after (or during) `releasePool()`.
   */
  initPool(): Promise<void> {
    if (this.#release) return Promise.reject(new PoolClosedError());
    this.#init ??= this.#cluster.init().then(() => this.#discovery?.start());
    return this.#init;
  }

  /**
   * Leases a connection: exclusive until `release()`, no other caller's work runs on it.
   * Resolves at once with a free connection (pinged first if unused for
   * `validateAfterIdleMs`), else waits in a FIFO shared by all servers.
   *
   * Rejects with `PoolTimeoutError` after `timeoutMs` (default: the pool's
   * `acquireTimeoutMs`), `PoolQueueFullError` when `maxWaiters` calls already wait,
   * `PoolClosedError` after `releasePool()`, `signal.reason` when `signal` aborts, the
   * connect error when the servers are down and `failFast` is on or the credentials are
   * refused, and a `TypeError` for bad options.
   */
  acquire(options?: AcquireOptions): Promise<C> {
    if (options === undefined && this.#leaseFast) {
      const slot = this.#cluster.leaseNow();
      if (slot !== undefined) return Promise.resolve(slot.conn!);
    }
    return this.#acquire(options);
  }

  /** acquire() when no free connection could be leased at once, or with options or leak detection. */
  #acquire(options: AcquireOptions | undefined): Promise<C> {
    let signal: AbortSignal | undefined;
    let timeoutMs: number | undefined;
    if (options !== undefined) {
      try {
        ({ signal, timeoutMs } = acquireOptions(options));
      } catch (error) {
        return Promise.reject(error);
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
    }
    const stack = this.#options.leakDetectionMs > 0 ? captureStack(AsyncConnectionPool.prototype.acquire) : undefined;
    const got = this.#cluster.lease(timeoutMs ?? this.#options.acquireTimeoutMs, signal, stack);
    return got instanceof Promise ? got : Promise.resolve(got.conn!);
  }

  /**
   * Ends a lease: the connection goes back to the pool, with its default db as it was set up
   * (or it is closed, reason `discarded`, with `discard: true`; or retired past its TTL or
   * `maxUses`). Synchronous. Throws `PoolReleaseError` for a double, foreign or after-close
   * release, and `TypeError` for bad options.
   */
  release(conn: C, options?: ReleaseOptions): void {
    const discard = options === undefined ? false : releaseOptions(options);
    const slot = this.#cluster.registry.get(conn);
    if (slot === undefined) {
      throw new PoolReleaseError(
        this.#release
          ? 'release() after releasePool(): this connection was already closed by the pool'
          : 'release() of a connection this pool does not own; release it to the pool that acquired it',
      );
    }
    if (slot.lease === 0) {
      throw new PoolReleaseError(`release() of connection ${slot.id}, which is not leased: it was released already; release each acquire() once`);
    }
    this.#cluster.release(slot, discard);
  }

  /**
   * Like `acquire()`, but the connection also has `[Symbol.asyncDispose]`, so
   * `await using conn = await pool.connect()` releases it at the end of the block. Disposing
   * after an explicit `release()` does nothing.
   */
  async connect(options?: AcquireOptions): Promise<C & AsyncDisposable> {
    const conn = await this.acquire(options);
    const slot = this.#cluster.registry.get(conn)!;
    const lease = slot.lease;
    const dispose = async (): Promise<void> => {
      if (slot.lease === lease && this.#cluster.registry.get(conn) === slot) this.release(conn);
    };
    Object.defineProperty(conn, Symbol.asyncDispose, { value: dispose, configurable: true, writable: true });
    return conn as C & AsyncDisposable;
  }

  /**
   * Runs `fn` with a leased connection and releases it afterwards, even on throw; resolves
   * or rejects with `fn`'s own outcome.
   */
  async withConnection<T>(fn: (conn: C) => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('withConnection(fn): fn must be a function (conn) => result');
    const conn = await this.acquire(options);
    const slot = this.#cluster.registry.get(conn)!;
    const lease = slot.lease;
    try {
      return await fn(conn);
    } finally {
      if (slot.lease === lease && this.#cluster.registry.get(conn) === slot) this.#cluster.release(slot, false);
    }
  }

  /**
   * Runs a query without a lease, multiplexed on the least busy connection (RethinkDB runs
   * many queries at once on one connection). Cursors are read to an array.
   * @param query calls `query.run(conn, driverOptions)`; a plain term of the official driver
   *   is sent by the pool itself, as the driver's `run()` would send it (same bytes, same
   *   answers: the driver still reads and converts them).
   * @param options the pool's `timeoutMs`, `signal` and `retry`; every other key goes to the
   *   driver's `run()` unchanged.
   */
  run<T>(query: RunnableQuery<C, T>, options?: RunOptions): Promise<RunResult<T>> {
    let o: ParsedQueryOptions;
    try {
      checkQuery(query, 'run()', false);
      o = queryOptions(options, 'run()');
    } catch (error) {
      return Promise.reject(error);
    }
    const parsed = o;
    if (!queryChannel.hasSubscribers) return runQuery(this.#cluster, query, parsed) as Promise<RunResult<T>>;
    const trace: QueryContext = { pool: this, kind: 'run', query };
    return queryChannel.tracePromise(() => runQuery(this.#cluster, query, parsed, traced(trace)), trace) as Promise<RunResult<T>>;
  }

  /**
   * Opens a cursor on a shared connection (packed with other cursors, so short work and
   * leases keep connections of their own). It holds its place until the driver is done
   * with the query; close it (or `await using`) when you stop reading early.
   * `timeoutMs` bounds the opening (first batch); `close()` has the `pingTimeoutMs` deadline.
   */
  cursor<K extends object>(query: CursorQuery<C, K>, options?: RunOptions): Promise<PooledCursor<K>> {
    let o: ParsedQueryOptions;
    try {
      checkQuery(query, 'cursor()', true);
      o = queryOptions(options, 'cursor()');
    } catch (error) {
      return Promise.reject(error);
    }
    const parsed = o;
    const open = (onSlot?: (slot: Slot<C>) => void) => openCursor(this.#cluster, query, parsed, Work.Cursor, onSlot)
      .then(({ cursor, link }) => pooledCursor(cursor, link, this.#cluster));
    if (!queryChannel.hasSubscribers) return open();
    const trace: QueryContext = { pool: this, kind: 'cursor', query };
    return queryChannel.tracePromise(() => open(traced(trace)), trace);
  }

  /**
   * A changefeed that survives failures: an async iterable of the query's items (`for await`),
   * with `close()` and `await using`. It runs multiplexed on a shared connection (packed with
   * other cursors and feeds); when its connection is lost or its server fails it runs again on
   * a healthy connection, with the pool's backoff, and goes on yielding. Changes made during
   * the gap are not replayed (RethinkDB has no resume token): the pool emits `feedResumed`,
   * with `markers` yields `{ state: 'resumed' }` and `{ state: 'ready' }` around the re-sent
   * rows, and with `converge` removes the rows deleted meanwhile. It ends on `close()` or
   * `releasePool()`; it rejects on errors that are not connection failures (a dropped table).
   * Throws a TypeError for a query that is not a changefeed, or for bad options.
   * @param options the feed's `markers`, `converge` and `primaryKey`, the pool's `timeoutMs`
   *   (opening) and `signal` (ends the feed); every other key goes to the driver's `run()`.
   */
  changes<T = unknown>(query: CursorQuery<C, object>, options?: ChangesOptions & Record<string, unknown>): Feed<T> {
    checkQuery(query, 'changes()', true);
    const o = changesOptions(options);
    const { driver } = this.#options;
    const info = driver.feed(query);
    if (info === undefined && driver.native) {
      throw new TypeError('changes() takes a changefeed query such as r.table(\'t\').changes(); use cursor() for other queries');
    }
    if (o.converge && info === undefined) throw new TypeError('changes(): converge needs a changes() query of rethinkdb or rethinkdb-ts, whose options the pool can read');
    if (o.converge && !info!.includeInitial) {
      throw new TypeError('changes(): converge needs includeInitial: true on the query (r.table(\'t\').changes({ includeInitial: true })): the re-sent rows are what it compares with');
    }
    // The end of re-sent rows is the server's `ready` state: asked for here if the user did not.
    const ownStates = (o.converge || o.markers) && info !== undefined && info.includeInitial && !info.includeStates;
    const feed: Feed<T> = new Feed<T>(++this.#feedIds, this.#cluster as Cluster<unknown>, {
      markers: o.markers, converge: o.converge, primaryKey: o.primaryKey, includeInitial: info?.includeInitial ?? false,
      ownStates, query: ownStates ? info!.withStates() : query, options: o,
    }, this.#notify, (ended) => this.#feeds.delete(ended as Feed<unknown>));
    if (this.#release) void feed.close();
    else this.#feeds.add(feed as Feed<unknown>);
    return feed;
  }

  /**
   * Closes the pool: rejects waiting calls with `PoolClosedError`, lets leases, queries and
   * cursors go on up to `timeoutMs`, then closes every connection. Leaves no timer or
   * socket behind. Rejects with a TypeError for bad options.
   */
  releasePool(options?: ReleasePoolOptions): Promise<void> {
    let timeoutMs: number;
    try {
      timeoutMs = releasePoolOptions(options, DEFAULT_RELEASE_TIMEOUT_MS);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#discovery?.stop();
    // Every feed ends (its iteration finishes), then the connections drain.
    for (const feed of [...this.#feeds]) void feed.close();
    this.#release ??= this.#cluster.drain(timeoutMs);
    return this.#release;
  }

  /** `await using pool = new AsyncConnectionPool(...)`: `releasePool()` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.releasePool();
  }

  /** A frozen snapshot of the pool's counts and totals, with an entry per server (see {@link PoolStats}). */
  stats(): PoolStats {
    return this.#cluster.stats();
  }

  /** Whether `releasePool()` was called (true from the call on, before closing completes). */
  get closed(): boolean {
    return this.#release !== undefined;
  }

  /** What `util.inspect()` and `JSON.stringify()` show: counts and options, no secrets. */
  toJSON(): Record<string, unknown> {
    const { driver: _driver, clock: _clock, onConnect, mapAddress: _map, seeds, explicitServers: _e, ...options } = this.#options;
    return {
      servers: this.#cluster.active.map((s) => s.label),
      closed: this.closed,
      stats: this.stats(),
      options: { ...options, servers: seeds, onConnect: onConnect ? '[function]' : undefined },
      connectOptions: redact(this.#connectOptions),
    };
  }

  /** `util.inspect()` (and `console.log()`) output: `AsyncConnectionPool` and {@link toJSON}. */
  [inspect.custom](depth: number, opts: object): string {
    return `AsyncConnectionPool ${inspect(this.toJSON(), { ...opts, depth: Math.max(depth, 3) })}`;
  }
}

/** Names the connection a traced query was given. */
function traced<C>(trace: QueryContext): (slot: Slot<C>) => void {
  return (slot) => {
    trace.id = slot.id;
    trace.server = slot.home.label;
  };
}
