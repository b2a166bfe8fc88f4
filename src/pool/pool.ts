// AsyncConnectionPool: the public facade. It validates input, routes work to a server pool
// (exactly one today; one per server once clusters land), maps handed-out connections back
// to their slots, and keeps secrets out of everything it shows.
import { now as clock } from './clock.js';
import { inspect } from 'node:util';
import type { Connection as RethinkConnection } from 'rethinkdb';
import type { Connector } from '../drivers/connector.js';
import { resolveConnector } from '../drivers/resolve.js';
import { PoolClosedError, PoolReleaseError } from './errors.js';
import { PoolEmitter, type PoolEvents, type PoolListener } from './events.js';
import { pinCursor, readAll, type CursorQuery, type PooledCursor, type RunnableQuery, type RunResult } from './multiplex.js';
import { DEFAULT_RELEASE_TIMEOUT_MS, MAX_TIMER_MS, resolveOptions, type PoolOptions, type ResolvedOptions } from './options.js';
import { ServerPool, type PoolContext } from './server-pool.js';
import type { Slot } from './slot.js';
import type { PoolStats } from './stats.js';

/** Options of one `acquire()` call. */
export interface AcquireOptions {
  /** Aborts the wait; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Deadline of this call, instead of the pool's `acquireTimeoutMs`. */
  timeoutMs?: number;
}

/** Options of `releasePool()`. */
export interface ReleasePoolOptions {
  /** How long to wait for leases and queries to end before closing them anyway. @default 30000 */
  timeoutMs?: number;
}

/** Options of `release()`. */
export interface ReleaseOptions {
  /** Close the connection instead of reusing it (for example after a protocol error). */
  discard?: boolean;
}

/** A driver whose `connect()` yields connections of type `C`. */
type DriverOf<C> = Connector<C, any> | { connect(options: any): PromiseLike<C> };

/** Options object with the driver that decides the connection type. */
export type PoolOptionsFor<C> = Omit<PoolOptions<C>, 'driver'> & { driver?: DriverOf<C> };

const SECRET_KEYS = /pass|secret|token|auth|key|cert/i;

/** An async connection pool for RethinkDB. `C` is the driver's connection type. */
export class AsyncConnectionPool<C = RethinkConnection> {
  readonly #options: ResolvedOptions;
  readonly #connectOptions: object;
  readonly #emitter = new PoolEmitter();
  readonly #registry = new Map<C, Slot<C>>();
  readonly #servers: ServerPool<C>[];
  #init: Promise<void> | undefined;
  #release: Promise<void> | undefined;

  /**
   * @param connectOptions given unchanged to the driver's `connect()`.
   * @param poolOptions pool options, all optional (see {@link PoolOptions}).
   */
  constructor(connectOptions: object, poolOptions?: PoolOptionsFor<C>) {
    if (connectOptions === null || typeof connectOptions !== 'object') {
      throw new TypeError('connectOptions must be an object (given to the driver\'s connect())');
    }
    this.#options = resolveOptions(poolOptions);
    this.#connectOptions = connectOptions;
    const connector = resolveConnector((poolOptions as { driver?: unknown } | undefined)?.driver) as Connector<C, unknown>;
    let lastId = 0;
    const ctx: PoolContext<C> = {
      connector,
      connectOptions,
      options: this.#options,
      emitter: this.#emitter,
      registry: this.#registry,
      nextId: () => ++lastId,
    };
    this.#servers = [new ServerPool(ctx, serverLabel(connectOptions))];
  }

  /** Opens `minIdle` connections (at least one); rejects if none of them can open. */
  initPool(): Promise<void> {
    if (this.#release) return Promise.reject(new PoolClosedError());
    this.#init ??= Promise.all(this.#servers.map((s) => s.maintenance.init())).then(() => undefined);
    return this.#init;
  }

  /** Leases a connection: exclusive until `release()`. */
  acquire(options?: AcquireOptions): Promise<C> {
    const timeoutMs = this.#callTimeout(options);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const server = this.#route();
    const refusal = server.refusal();
    if (refusal) return Promise.reject(refusal);
    const now = clock();
    const stack = this.#options.leakDetectionMs > 0 ? captureStack() : undefined;
    if (server.waiters.length === 0) {
      const slot = server.pickIdle(now);
      if (slot !== undefined) {
        if (!server.needsValidation(slot, now)) {
          server.lease(slot, now, stack, now);
          return Promise.resolve(slot.conn!);
        }
        return server.request(true, { signal, timeoutMs, stack }, now, slot).then(connOf);
      }
    }
    return server.request(true, { signal, timeoutMs, stack }, now).then(connOf);
  }

  /** Ends a lease. Throws `PoolReleaseError` for a double, foreign or after-close release. */
  release(conn: C, options?: ReleaseOptions): void {
    const slot = this.#registry.get(conn);
    if (slot === undefined || this.#servers[0]!.phase === 'closed') {
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
    this.#servers[0]!.release(slot, options?.discard === true);
  }

  /** Leases a connection that releases itself with `await using`. */
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
   * (RethinkDB multiplexes queries on one connection). Cursors are read to an array.
   */
  async run<T>(query: RunnableQuery<C, T>, runOptions?: object): Promise<RunResult<T>> {
    const { server, slot } = await this.#share();
    try {
      return (await readAll(await query.run(slot.conn!, runOptions))) as RunResult<T>;
    } finally {
      server.done(slot);
    }
  }

  /** Opens a cursor that keeps its connection until the cursor is closed or exhausted. */
  async cursor<K extends object>(query: CursorQuery<C, K>, runOptions?: object): Promise<PooledCursor<K>> {
    const { server, slot } = await this.#share();
    let result: unknown;
    try {
      result = 'getCursor' in query && typeof query.getCursor === 'function'
        ? await query.getCursor(slot.conn!, runOptions)
        : await (query as RunnableQuery<C, K>).run(slot.conn!, runOptions);
    } catch (err) {
      server.done(slot);
      throw err;
    }
    if (result === null || typeof result !== 'object' || typeof (result as { close?: unknown }).close !== 'function') {
      server.done(slot);
      throw new TypeError('cursor(): the query returned a single value, not a cursor; use run() for it');
    }
    return pinCursor(result as K, () => server.done(slot));
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
    this.#release ??= Promise.all(this.#servers.map((s) => s.drain(deadline))).then(() => undefined);
    return this.#release;
  }

  /** A frozen snapshot of the pool's counts and totals. */
  stats(): PoolStats {
    return this.#servers[0]!.stats();
  }

  /** Whether `releasePool()` was called. */
  get closed(): boolean {
    return this.#release !== undefined;
  }

  on<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  once<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.once(event, listener);
    return this;
  }

  off<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.#emitter.off(event, listener);
    return this;
  }

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

  [inspect.custom](depth: number, opts: object): string {
    return `AsyncConnectionPool ${inspect(this.toJSON(), { ...opts, depth: Math.max(depth, 3) })}`;
  }

  /** The server pool to use; with one server this is a plain read. */
  #route(): ServerPool<C> {
    const servers = this.#servers;
    if (servers.length === 1) return servers[0]!;
    let best = servers[0]!;
    for (const s of servers) {
      if ((s.maintenance.healthy !== false && best.maintenance.healthy === false) || s.leased.size < best.leased.size) best = s;
    }
    return best;
  }

  /** A connection for a multiplexed query, its in-flight count already raised. */
  async #share(): Promise<{ server: ServerPool<C>; slot: Slot<C> }> {
    const server = this.#route();
    const refusal = server.refusal();
    if (refusal) throw refusal;
    const now = clock();
    if (server.waiters.length === 0) {
      const slot = server.pickIdle(now);
      if (slot !== undefined && !server.needsValidation(slot, now)) {
        slot.inFlight++;
        return { server, slot };
      }
      if (slot !== undefined) {
        return { server, slot: await server.request(false, { timeoutMs: this.#options.acquireTimeoutMs, stack: undefined }, now, slot) };
      }
    }
    return { server, slot: await server.request(false, { timeoutMs: this.#options.acquireTimeoutMs, stack: undefined }, now) };
  }

  #callTimeout(options: AcquireOptions | undefined): number {
    if (options === undefined) return this.#options.acquireTimeoutMs;
    if (typeof options !== 'object' || options === null) throw new TypeError('acquire() options must be an object');
    const { timeoutMs, signal } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError('acquire(): signal must be an AbortSignal');
    }
    if (timeoutMs === undefined) return this.#options.acquireTimeoutMs;
    if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMER_MS) {
      throw new TypeError(`acquire(): timeoutMs must be an integer from 1 to ${MAX_TIMER_MS}, got ${String(timeoutMs)}`);
    }
    return timeoutMs;
  }
}

function connOf<C>(slot: Slot<C>): C {
  return slot.conn!;
}

function captureStack(): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, AsyncConnectionPool.prototype.acquire);
  return `acquire() called${holder.stack ?? ''}`;
}

function serverLabel(options: object): string {
  const o = options as { host?: unknown; port?: unknown; server?: { host?: unknown; port?: unknown } };
  const host = o.host ?? o.server?.host ?? 'localhost';
  const port = o.port ?? o.server?.port ?? 28015;
  return `${String(host)}:${String(port)}`;
}

function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
