// The servers as one: a sub-pool per server (server/), one queue of callers shared by all
// of them (queue.ts), the dispatcher that pairs them (dispatcher.ts), and what a server's
// news means for the callers (failFast, wrong credentials, a server down while others are
// up). With one server it is a cluster of one. Membership (discovery, identity) is in
// membership.ts.
import { coarseReader } from '../core/clock.js';
import { PoolClosedError } from '../core/errors.js';
import { PoolAuthError, PoolTimeoutError, PoolUnavailableError, type PoolConnectError, type ServerReport } from '../core/errors.js';
import { PoolQueueFullError } from '../core/call-errors.js';
import type { Notifier } from '../core/notifier.js';
import { addressLabel, connectOptionsFor, type ResolvedOptions } from '../core/resolve-options.js';
import type { ServerAddress } from '../core/options.js';
import { addTotals, poolSnapshot, zeroTotals, type PoolStats, type Totals } from '../core/stats.js';
import type { ServerListener } from '../server/context.js';
import { ConnectBudget, UNPROVEN_CONNECTS } from '../server/budget.js';
import { ServerPool, type PoolParts } from '../server/server-pool.js';
import { Work, type Slot, type SlotHome } from '../server/slot.js';
import { Dispatcher } from './dispatcher.js';
import { CallerQueue, type Waiter } from './queue.js';
import { byLoad, leastLoaded } from './route.js';
import { drainServers } from './drain.js';

export class Cluster<C> implements ServerListener<C> {
  /** Servers that take new work, in the order they were added. */
  readonly active: ServerPool<C>[] = [];
  /** Servers being removed, until their last connection closes. */
  readonly leaving = new Set<ServerPool<C>>();
  readonly queue: CallerQueue<Slot<C>>;
  readonly registry = new Map<C, Slot<C>>();
  /** Called when a server opens its first connection, or its first after being down. */
  onUp: (() => void) | undefined = undefined;
  /** Called whenever something settles (a drain or a removal may be done). */
  onSettled: (() => void) | undefined = undefined;
  closing = false;
  readonly #parts: PoolParts<C>;
  readonly #dispatcher: Dispatcher<C>;
  readonly #now: () => number;
  /** Totals of servers that are gone, so that the pool's totals never go back. */
  readonly #gone: Totals = zeroTotals();

  constructor(readonly options: ResolvedOptions<C>, notify: Notifier, private readonly connectOptions: object) {
    let lastId = 0;
    this.#parts = { options, notify, registry: this.registry, listener: this, budget: new ConnectBudget(UNPROVEN_CONNECTS), nextId: () => ++lastId };
    this.#now = coarseReader(options.clock);
    this.queue = new CallerQueue<Slot<C>>(options.clock, options.acquireTimeoutMs, (w) => this.#expired(w), (slot) => slot.conn);
    this.#dispatcher = new Dispatcher(this.active, this.queue, options.clock, this.#now);
    for (const a of options.seeds) {
      // One server from the connect options: they go to the driver unchanged.
      this.add(a, options.explicitServers ? connectOptionsFor(connectOptions, a) : connectOptions, true);
    }
  }

  // ---- hand-out -----------------------------------------------------------------------------

  /**
   * The hand-out fast path: a free connection known to work, leased now, when no caller waits
   * before this one. Undefined sends the caller to lease(). A server that takes work is not
   * down, so failFast has nothing to refuse here.
   */
  leaseNow(): Slot<C> | undefined {
    if (this.closing || this.queue.exclusive.length !== 0) return undefined;
    return this.#first()?.leaseFree(this.#now());
  }

  /** A connection to lease: at once when one is free and known to work, else after waiting. */
  lease(timeoutMs: number, signal: AbortSignal | undefined, stack: string | undefined): Slot<C> | Promise<C> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    const now = this.#now();
    const { queue } = this;
    if (queue.exclusive.length === 0) {
      const server = this.#first();
      const fresh = server?.pick.takeFree(now);
      if (fresh !== undefined) {
        server!.lease(fresh, now, 0, stack);
        return fresh;
      }
    }
    return this.#wait(true, Work.Query, now, timeoutMs, signal, stack, undefined) as Promise<C>; // forLease: the connection
  }

  /** A connection with room for one more piece of multiplexed work (already counted on it). */
  share(
    kind: Work, timeoutMs: number, signal: AbortSignal | undefined, onTimeout?: () => unknown, avoid?: SlotHome<C>,
  ): Slot<C> | Promise<Slot<C>> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    const now = this.#now();
    if (this.queue.shared.length === 0) {
      const server = avoid === undefined ? this.#first() : this.#other(avoid);
      const slot = server?.pick.takeShared(now, kind !== Work.Query);
      if (slot !== undefined) {
        server!.startWork(slot, kind);
        return slot;
      }
    }
    return this.#wait(false, kind, now, timeoutMs, signal, undefined, onTimeout) as Promise<Slot<C>>;
  }

  /** The least loaded server that takes work (with one server, a plain read). */
  #first(): ServerPool<C> | undefined {
    const { active } = this;
    if (active.length === 1) return active[0]!.usable ? active[0] : undefined;
    return leastLoaded(active);
  }

  /** A server other than `avoid` if one takes work (a retry goes elsewhere), else `avoid`'s best. */
  #other(avoid: SlotHome<C>): ServerPool<C> | undefined {
    const order = byLoad(this.active);
    return order.find((s) => s !== avoid) ?? order[0];
  }

  #wait(
    exclusive: boolean, kind: Work, now: number, timeoutMs: number, signal: AbortSignal | undefined,
    stack: string | undefined, onTimeout: (() => unknown) | undefined,
  ): Promise<unknown> {
    const { queue } = this;
    if (queue.pending >= this.options.maxWaiters) {
      // Refused, but a sign of demand: without it a pool with no connection would open none.
      const home = this.#first() ?? this.active[0];
      if (home && home.table.size === 0) home.want(1);
      return Promise.reject(new PoolQueueFullError(this.options.maxWaiters));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const home = this.#first() ?? this.active[0]!;
    const w = queue.waiter(exclusive, kind, now, timeoutMs, stack, home);
    w.onTimeout = onTimeout;
    if (signal) {
      w.signal = signal;
      w.onAbort = () => w.fail(signal.reason);
      signal.addEventListener('abort', w.onAbort, { once: true });
    }
    queue.push(w);
    try {
      this.#dispatcher.run();
    } catch (error) {
      w.fail(error); // never a throw out of acquire(): its promise carries the failure
    }
    return w.promise;
  }

  #expired(w: Waiter<Slot<C>>): void {
    if (w.settled) return;
    ((w.home as ServerPool<C> | undefined)?.ctx.totals ?? this.#gone).timeouts++;
    w.fail(w.onTimeout ? w.onTimeout() : this.timeoutError(w.timeoutMs));
  }

  /** Rejects at once when the pool cannot serve: closed, or every server known down with `failFast`. */
  refusal(): Error | undefined {
    if (this.closing) return new PoolClosedError();
    if (!this.options.failFast) return undefined;
    if (this.active.some((s) => s.health.state !== 'down')) return undefined;
    return this.downError();
  }

  /** Ends the lease of `slot`. */
  release(slot: Slot<C>, discard: boolean): void {
    slot.home.release(slot, discard);
  }

  // ---- what the servers say (ServerListener) ------------------------------------------------

  free(_server: SlotHome<C>, _slot: Slot<C>): void {
    if (this.queue.length > 0) this.#dispatcher.run();
  }

  get waiting(): boolean {
    return this.queue.pending > 0;
  }

  handOff(home: SlotHome<C>, slot: Slot<C>, now: number): boolean {
    const { queue } = this;
    const w = queue.exclusive.head;
    if (w === undefined || this.closing) return false;
    const older = queue.shared.head;
    if (older !== undefined && older.seq < w.seq) return false; // the dispatcher serves the oldest
    const server = home as ServerPool<C>;
    if (!server.usable) return false;
    // Fences set for waiting leases would outnumber the waiters after this: the dispatcher
    // lifts them, so it decides.
    for (const s of this.active) if (s.table.leaseFences > 0) return false;
    server.relend(slot, now, now - w.since, w.stack);
    w.fulfil(slot);
    return true;
  }

  capacity(): void {
    if (this.queue.shared.length > 0) this.#dispatcher.run();
  }

  connectFailed(_server: SlotHome<C>, error: PoolConnectError, down: boolean): void {
    const { queue, active } = this;
    if (queue.pending === 0) return;
    if (!down) {
      this.#dispatcher.run();
      return;
    }
    if (active.length <= 1) {
      // One server: wrong credentials or failFast end the wait at once.
      if (error instanceof PoolAuthError || this.options.failFast) queue.failAll(() => error);
      return;
    }
    if (active.some((s) => s.health.state !== 'down')) {
      // Other servers may be up: they take over the openings this one could not make.
      this.#dispatcher.run();
      return;
    }
    const allAuth = active.every((s) => s.lastConnectError instanceof PoolAuthError);
    if (this.options.failFast || allAuth) {
      const err = new PoolUnavailableError(this.reports());
      queue.failAll(() => err);
    }
  }

  health(_server: SlotHome<C>, up: boolean): void {
    if (this.queue.pending > 0) this.#dispatcher.run();
    if (up) this.onUp?.();
  }

  identified(server: SlotHome<C>, id: string): void {
    const pool = server as ServerPool<C>;
    pool.id = id;
    // One node reached at two addresses (a proxy, NAT): keep the user's, or the older one.
    const other = this.active.find((s) => s !== pool && s.id === id);
    if (other === undefined) return;
    const drop = !pool.seed ? pool : !other.seed ? other : undefined;
    if (drop !== undefined) this.remove(drop);
  }

  probeWhileDown(): boolean {
    return this.active.length > 1 || this.options.discovery;
  }

  settled(): void {
    if (this.queue.length > 0 && !this.closing) this.#dispatcher.run();
    if (this.leaving.size > 0) for (const server of this.leaving) this.forgetIfEmpty(server);
    this.onSettled?.();
  }

  // ---- membership and the end ---------------------------------------------------------------

  /** Adds a server's sub-pool. */
  add(a: ServerAddress, connectOptions: object, seed: boolean): ServerPool<C> {
    const server = new ServerPool(this.#parts, addressLabel(a), connectOptions, seed);
    this.active.push(server);
    return server;
  }

  /** The connect options for a server learned by discovery. */
  connectOptionsOf(a: ServerAddress): object {
    return connectOptionsFor(this.connectOptions, a);
  }

  /** Takes a server out: no new work; its connections retire (reason `removed`). */
  remove(server: ServerPool<C>): void {
    const i = this.active.indexOf(server);
    if (i < 0) return;
    this.active.splice(i, 1);
    this.leaving.add(server);
    this.#parts.notify.event('serverRemoved', () => ({ server: server.label }));
    server.stop('removed', this.options.retireTimeoutMs);
    this.forgetIfEmpty(server);
    if (this.queue.length > 0) this.#dispatcher.run();
  }

  /** A removed server whose last connection closed is forgotten (its totals kept). */
  forgetIfEmpty(server: ServerPool<C>): void {
    if (!this.leaving.has(server) || !server.empty) return;
    this.leaving.delete(server);
    server.ctx.phase = 'closed';
    addTotals(this.#gone, server.ctx.totals);
  }

  /** Opens `minIdle` connections on every server; rejects only if no server could open one. */
  async init(): Promise<void> {
    const results = await Promise.allSettled(this.active.map((s) => s.init()));
    if (this.closing) throw new PoolClosedError('initPool() was cancelled');
    if (results.some((r) => r.status === 'fulfilled')) return;
    if (this.active.length === 1) throw (results[0] as PromiseRejectedResult).reason;
    throw new PoolUnavailableError(this.reports());
  }

  /** Closes everything: callers rejected, work given until `withinMs`, then every connection closed. */
  drain(withinMs: number): Promise<void> {
    this.closing = true;
    this.queue.failAll(() => new PoolClosedError('the call was cancelled'));
    return drainServers(this, [...this.active, ...this.leaving], withinMs);
  }

  // ---- reports ------------------------------------------------------------------------------

  stats(): PoolStats {
    const all = [...this.active, ...this.leaving].map((s) => s.stats());
    return poolSnapshot(all, this.queue.pending, this.#gone);
  }

  /** Each server that takes work, with its health and last error. */
  reports(): ServerReport[] {
    return this.active.map((s) => s.report());
  }

  timeoutError(timeoutMs: number): PoolTimeoutError {
    const reports = this.reports();
    const last = this.active.length === 1 ? this.active[0]!.lastConnectError : reports.find((r) => r.lastError)?.lastError;
    return new PoolTimeoutError(timeoutMs, this.stats(), last, reports);
  }

  /** The error to reject with at once when `failFast` and every server is down. */
  downError(): Error {
    const own = this.active[0]?.lastConnectError;
    return this.active.length === 1 && own ? own : new PoolUnavailableError(this.reports());
  }
}
