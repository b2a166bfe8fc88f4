// The set of servers of one pool: a sub-pool (ServerPool) per server, all sharing one FIFO
// of waiters, so that whichever server frees a connection first serves the oldest caller
// and no caller waits on a server that went down. It routes new work (select.ts), adds and
// removes servers (discovery), builds the pool's stats and the errors that name every
// server, and decides what a failure means for the waiters when other servers are up.
import type { Connector } from '../drivers/connector.js';
import type { PoolContext, ServerHooks } from '../pool/context.js';
import { PoolAuthError, PoolTimeoutError, PoolUnavailableError, type PoolConnectError, type ServerReport } from '../pool/errors.js';
import type { PoolEmitter } from '../pool/events.js';
import type { ResolvedOptions, ServerAddress } from '../pool/options.js';
import { ServerPool } from '../pool/server-pool.js';
import { drainServer, leaveServer } from '../pool/shutdown.js';
import type { Slot } from '../pool/slot.js';
import { poolSnapshot, serverStats, zeroTotals, type PoolStats, type Totals } from '../pool/stats.js';
import { WaiterQueue } from '../pool/waiters.js';
import { addressLabel, connectOptionsFor, type ClusterOptions } from './options.js';
import { selectServer } from './select.js';

export class ServerSet<C> implements ServerHooks<C> {
  readonly ctx: PoolContext<C>;
  /** Servers that take new work, in the order they were added. The facade routes over it. */
  readonly active: ServerPool<C>[] = [];
  /** Called when a server opens its first connection, or its first after being down. */
  onUp: (() => void) | undefined = undefined;
  /** Servers removed by discovery, until their last connection closes. */
  readonly #leaving = new Set<ServerPool<C>>();
  /** Totals of servers that are gone, so that the pool's totals never go back. */
  readonly #gone: Totals = zeroTotals();
  /** Servers the user gave: discovery never removes them. */
  readonly #seeds: ReadonlySet<string>;
  /** Host names the user gave, to prefer the same addresses in discovery. */
  readonly seedHosts: readonly string[];
  readonly #discovery: boolean;
  #next = 0;
  #closing = false;

  constructor(
    connector: Connector<C, unknown>,
    options: ResolvedOptions,
    emitter: PoolEmitter,
    registry: Map<C, Slot<C>>,
    private readonly connectOptions: object,
    cluster: ClusterOptions,
    pool: object,
  ) {
    let lastId = 0;
    this.ctx = { connector, options, emitter, registry, waiters: new WaiterQueue(), hooks: this, pool, nextId: () => ++lastId };
    this.#seeds = new Set(cluster.seeds.map(addressLabel));
    this.seedHosts = cluster.seeds.map((a) => a.host);
    this.#discovery = cluster.discovery;
    for (const a of cluster.seeds) {
      // One server from the connect options: they go to the driver unchanged.
      this.#add(a, cluster.explicit ? connectOptionsFor(connectOptions, a) : connectOptions);
    }
  }

  /** The server for new work when there are several (see select.ts). */
  route(): ServerPool<C> {
    const servers = this.active;
    const start = (this.#next = (this.#next + 1) % servers.length);
    // Every server is down: any of them will do, the waiter is shared and the error names all.
    return selectServer(servers, start) ?? servers[start]!;
  }

  /** Opens `minIdle` connections on every server; rejects only if no server could open one. */
  async init(): Promise<void> {
    const results = await Promise.allSettled(this.active.map((p) => p.maintenance.init()));
    if (results.some((r) => r.status === 'fulfilled')) return;
    if (this.active.length === 1) throw (results[0] as PromiseRejectedResult).reason;
    throw new PoolUnavailableError(this.reports());
  }

  /**
   * Adds the servers of `found` the pool lacks, and removes those it no longer lists (never
   * the user's). Resolves once the new servers have tried to open their connections.
   */
  async reconcile(found: readonly ServerAddress[]): Promise<void> {
    if (this.#closing) return;
    const wanted = new Map(found.map((a) => [addressLabel(a), a]));
    const added: ServerPool<C>[] = [];
    const { emitter } = this.ctx;
    for (const [label, a] of wanted) {
      if (this.active.some((p) => p.server === label)) continue;
      added.push(this.#add(a, connectOptionsFor(this.connectOptions, a)));
      if (emitter.has('serverAdded')) emitter.emit('serverAdded', { server: label });
    }
    for (const p of [...this.active]) {
      if (!wanted.has(p.server) && !this.#seeds.has(p.server)) this.#remove(p);
    }
    await Promise.allSettled(added.map((p) => p.maintenance.init()));
  }

  /** Closes every server pool (see drainServer). */
  drain(deadline: number): Promise<void> {
    this.#closing = true;
    const all = [...this.active, ...this.#leaving];
    return Promise.all(all.map((p) => drainServer(p, deadline))).then(() => undefined);
  }

  stats(): PoolStats {
    const all = [...this.active, ...this.#leaving];
    const queue = this.ctx.waiters;
    // The queue is shared; per server, count the calls that were routed to it first.
    let byHome: Map<unknown, number> | undefined;
    if (all.length > 1 && queue.length > 0) {
      byHome = new Map();
      for (const w of queue) byHome.set(w.home, (byHome.get(w.home) ?? 0) + 1);
    }
    const entries = all.map((p) => serverStats(p, byHome ? byHome.get(p) ?? 0 : queue.length));
    return poolSnapshot(entries, queue.length, this.#gone);
  }

  /** Each server that takes work, with its health and last error. */
  reports(): ServerReport[] {
    return this.active.map((p) => ({
      server: p.server,
      healthy: p.maintenance.healthy !== false,
      lastError: p.maintenance.lastConnectError,
    }));
  }

  // ---- hooks of the server pools (see ServerHooks) --------------------------------------

  timeoutError(timeoutMs: number): PoolTimeoutError {
    const reports = this.reports();
    const last = this.active.length === 1
      ? this.active[0]!.maintenance.lastConnectError
      : reports.find((r) => r.lastError !== undefined)?.lastError;
    return new PoolTimeoutError(timeoutMs, this.stats(), last, reports);
  }

  downError(pool: ServerPool<C>): Error {
    const own = pool.maintenance.lastConnectError;
    return this.active.length === 1 && own ? own : new PoolUnavailableError(this.reports());
  }

  connectFailed(pool: ServerPool<C>, error: PoolConnectError, down: boolean, wentDown: boolean): void {
    const { emitter, options, waiters } = this.ctx;
    if (wentDown && emitter.has('serverDown')) emitter.emit('serverDown', { server: pool.server, error });
    if (!down || waiters.length === 0) return;
    if (this.active.length <= 1) {
      // One server: wrong credentials or failFast end the wait at once.
      if (error instanceof PoolAuthError || options.failFast) for (const w of waiters.drain()) w.fail(error);
      return;
    }
    if (this.active.some((p) => p.maintenance.healthy !== false)) {
      // Other servers are up: they take over the openings this one could not make.
      this.redispatch();
      return;
    }
    const allAuth = this.active.every((p) => p.maintenance.lastConnectError instanceof PoolAuthError);
    if (options.failFast || allAuth) {
      const err = new PoolUnavailableError(this.reports());
      for (const w of waiters.drain()) w.fail(err);
    }
  }

  up(pool: ServerPool<C>, wasDown: boolean): void {
    const { emitter } = this.ctx;
    if (wasDown && emitter.has('serverUp')) emitter.emit('serverUp', { server: pool.server });
    this.onUp?.();
  }

  openingForWaiters(): number {
    const servers = this.active;
    if (servers.length === 1) return servers[0]!.opening.size;
    let n = 0;
    for (const p of servers) if (p.maintenance.healthy !== false) n += p.opening.size;
    return n;
  }

  redispatch(): void {
    for (const p of this.active) {
      if (this.ctx.waiters.length === 0) break;
      p.dispatch();
    }
  }

  probeWhileDown(): boolean {
    return this.active.length > 1 || this.#discovery;
  }

  closed(): boolean {
    return this.#closing;
  }

  // ---- membership ----------------------------------------------------------------------

  #add(a: ServerAddress, connectOptions: object): ServerPool<C> {
    const p = new ServerPool(this.ctx, addressLabel(a), connectOptions);
    this.active.push(p);
    return p;
  }

  #remove(p: ServerPool<C>): void {
    this.active.splice(this.active.indexOf(p), 1);
    this.#leaving.add(p);
    // Its queued callers stay queued (any server serves them); count them elsewhere.
    for (const w of this.ctx.waiters) if (w.home === p) w.home = this.active[0];
    const { emitter } = this.ctx;
    if (emitter.has('serverRemoved')) emitter.emit('serverRemoved', { server: p.server });
    leaveServer(p, () => {
      this.#leaving.delete(p);
      for (const key of Object.keys(this.#gone) as (keyof Totals)[]) this.#gone[key] += p.totals[key];
    });
    if (this.ctx.waiters.length > 0) this.redispatch();
  }
}
