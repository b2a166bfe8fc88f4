// The pool of one server: its connections by state (connections.ts), opener, housekeeper
// and heartbeat. What it offers the cluster: free connections to lease, connections with
// room for multiplexed work, fencing, release and retirement, its health and its counts.
// It never sees a caller.
import { coarseReader } from '../core/clock.js';
import type { PoolConnectError, ServerReport } from '../core/errors.js';
import type { CloseReason } from '../core/events.js';
import type { Notifier } from '../core/notifier.js';
import type { ResolvedOptions } from '../core/resolve-options.js';
import { zeroTotals, type ServerStats } from '../core/stats.js';
import { reportOf, statsOf } from './report.js';
import type { ConnectBudget } from './budget.js';
import { closeSlot, retireSlot } from './closer.js';
import { Connections } from './connections.js';
import type { ServerContext, ServerListener } from './context.js';
import { Health } from './health.js';
import { Heartbeat } from './heartbeat.js';
import { Housekeeper } from './housekeeper.js';
import { Opener } from './opener.js';
import { Picker } from './picker.js';
import type { Work, Slot, SlotHome } from './slot.js';
import { fenceOne, retireStuckFences, unfenceOne } from './fences.js';
import { finishWork, probe, refresh } from './work.js';

/** What every server of one pool shares. */
export interface PoolParts<C> {
  readonly options: ResolvedOptions<C>;
  readonly notify: Notifier;
  readonly registry: Map<C, Slot<C>>;
  readonly listener: ServerListener<C>;
  readonly budget: ConnectBudget;
  nextId(): number;
}

export class ServerPool<C> implements SlotHome<C> {
  readonly ctx: ServerContext<C>;
  readonly table = new Connections<C>();
  readonly health: Health<C>;
  readonly opener: Opener<C>;
  readonly housekeeper: Housekeeper<C>;
  /** Which connection takes the next lease or piece of multiplexed work. */
  readonly pick: Picker<C>;
  /** The server's RethinkDB id, once a connection told it. */
  id: string | undefined = undefined;
  /** Callers routed here first that still wait (the queue is shared; for stats only). */
  waiting = 0;
  /** Whether a lease starts more than bookkeeping (allowExitOnIdle, leak detection). */
  readonly #hooksOnLease: boolean;

  /**
   * @param label `host:port`, for events, stats and errors.
   * @param connectOptions given unchanged to the driver's connect().
   * @param seed whether the user listed it (discovery never removes it).
   */
  constructor(parts: PoolParts<C>, readonly label: string, connectOptions: unknown, readonly seed: boolean) {
    const { options } = parts;
    this.#hooksOnLease = options.allowExitOnIdle || options.leakDetectionMs > 0;
    this.ctx = {
      label, connectOptions, options, driver: options.driver, notify: parts.notify, clock: options.clock,
      now: coarseReader(options.clock), table: this.table, listener: parts.listener, registry: parts.registry,
      home: this, totals: zeroTotals(), nextId: parts.nextId, phase: 'open', stopReason: 'shutdown',
      refill: () => this.opener.fill(),
      budget: parts.budget,
    };
    this.health = new Health(this.ctx);
    this.housekeeper = new Housekeeper(this.ctx, new Heartbeat(this.ctx, this.health));
    this.pick = new Picker(this.ctx);
    // The sweeps (keepalive, heartbeat, idle) start with the first connection, so that a pool
    // used without initPool() has them too.
    this.opener = new Opener(this.ctx, this.health, (slot) => {
      this.housekeeper.start();
      this.housekeeper.track(slot);
    });
    this.table.onFree = (slot) => {
      slot.idleSince = this.ctx.now();
      if (options.allowExitOnIdle) options.driver.socket(slot.conn!)?.unref();
      parts.listener.free(this, slot);
    };
  }

  /** Whether the server takes new work: open, and not known down (kept up to date by the health and the phase). */
  get usable(): boolean {
    return this.ctx.phase === 'open' && this.health.state !== 'down';
  }

  // ---- hand-out ---------------------------------------------------------------------------

  /**
   * The hand-out fast path: the most recently used free connection, leased now if it can be
   * as it is (within its TTL, known to work in the last `validateAfterIdleMs`). Undefined
   * sends the caller to the general path (pick.takeFree(), which retires and validates).
   */
  leaseFree(now: number): Slot<C> | undefined {
    const slot = this.table.free.top();
    if (slot === undefined || now >= slot.expiresAt || now - slot.checkedAt >= this.ctx.options.validateAfterIdleMs) return undefined;
    this.lease(slot, now, 0, undefined);
    return slot;
  }

  /** Leases a free connection to a caller. */
  lease(slot: Slot<C>, now: number, waitedMs: number, stack: string | undefined): void {
    const { table, options } = this.ctx;
    table.move(slot, 'leased');
    this.relend(slot, now, waitedMs, stack);
    // One ready connection fewer: open another if there is room and that leaves fewer than minIdle.
    if (table.size < options.poolSize && table.ready.size + table.opening.size < options.minIdle) this.opener.fill();
  }

  /** A new lease of `slot`, which is leased already (a hand-off from its last lessee, or lease()). */
  relend(slot: Slot<C>, now: number, waitedMs: number, stack: string | undefined): void {
    const { ctx } = this;
    slot.lease = ++slot.uses;
    slot.leasedAt = now;
    ctx.totals.acquired++;
    if (this.#hooksOnLease) this.#leaseHooks(slot, stack);
    ctx.notify.acquire(slot.id, this.label, waitedMs);
  }

  /** What a lease starts besides the bookkeeping, when the options ask for it. */
  #leaseHooks(slot: Slot<C>, stack: string | undefined): void {
    const { ctx } = this;
    if (ctx.options.allowExitOnIdle) ctx.driver.socket(slot.conn!)?.ref();
    if (ctx.options.leakDetectionMs > 0) this.housekeeper.watchLease(slot, stack ?? '');
  }

  /** Ends a lease (the facade checked that `slot` is leased to the caller). */
  release(slot: Slot<C>, discard: boolean): void {
    const { ctx } = this;
    const now = ctx.now();
    slot.lease = 0;
    if (slot.leakTimer !== undefined) this.housekeeper.endLease(slot);
    ctx.notify.release(slot.id, this.label, now - slot.leasedAt);
    if (slot.state !== 'leased' || discard) {
      this.#releaseClosed(slot, 'discarded');
      return;
    }
    const reason = this.#mustGo(slot, slot.conn!, now);
    if (reason !== undefined) {
      this.#releaseClosed(slot, reason);
      return;
    }
    ctx.driver.restore?.(slot.conn!, slot.session);
    slot.checkedAt = now;
    // Straight to the oldest waiting lessee, when there is one: no trip through the free set.
    if (ctx.listener.waiting && ctx.listener.handOff(this, slot, now)) return;
    ctx.table.move(slot, 'ready');
    if (ctx.options.allowExitOnIdle) ctx.driver.socket(slot.conn!)?.unref();
    ctx.listener.settled(this);
  }

  /** A lease ends on a connection that closed under it, or that must close now (`reason`). */
  #releaseClosed(slot: Slot<C>, reason: CloseReason): void {
    const { ctx } = this;
    if (slot.state !== 'leased') {
      // Closed under the lessee (its socket, or releasePool()'s deadline).
      if (slot.state === 'closed') ctx.registry.delete(slot.conn!);
    } else {
      closeSlot(ctx, slot, reason);
    }
    ctx.listener.settled(this);
  }

  /** Why a connection coming back from a lease must go, if it must. */
  #mustGo(slot: Slot<C>, conn: C, now: number): CloseReason | undefined {
    const { ctx } = this;
    if (!ctx.driver.isOpen(conn)) return 'broken';
    if (ctx.phase !== 'open') return ctx.stopReason;
    if (slot.retireReason !== undefined) return slot.retireReason;
    if (now >= slot.expiresAt) return 'ttl';
    const { maxUses } = ctx.options;
    return maxUses > 0 && slot.uses >= maxUses ? 'maxUses' : undefined;
  }

  /** Starts a piece of multiplexed work on a ready connection. */
  startWork(slot: Slot<C>, kind: Work): void {
    if (slot.work === 0) {
      slot.heard = this.ctx.driver.received?.(slot.conn!) ?? slot.checkedAt;
      slot.heardAt = this.ctx.now();
      if (this.ctx.options.allowExitOnIdle) this.ctx.driver.socket(slot.conn!)?.ref();
    }
    this.table.addWork(slot, kind);
  }

  /** Ends a piece of multiplexed work; `answered`: the server answered, so the connection works. */
  endWork(slot: Slot<C>, kind: Work, answered: boolean): void {
    if (answered) slot.checkedAt = this.ctx.now();
    finishWork(this.ctx, slot, kind);
  }

  /**
   * Work on `slot` missed its deadline: the connection may be stalled. It is pinged before it
   * takes more work, at once if nothing else runs on it (a failed ping closes it as broken).
   */
  suspect(slot: Slot<C>): void {
    slot.checkedAt = -Infinity;
    if (slot.state === 'ready' && slot.work === 0 && slot.fence === undefined) refresh(this.ctx, slot);
  }

  /** Validates a free connection for a caller: fenced meanwhile, and after a good ping (see work.ts). */
  validate(slot: Slot<C>): Promise<boolean> {
    return probe(this.ctx, slot);
  }

  /** Lifts a validation fence (after the caller it was for is served or gone). */
  unfence(slot: Slot<C>): void {
    this.table.setFence(slot, undefined);
  }

  /** Fences the ready connection best drained for a lease (see fences.ts); false if none can be. */
  fenceOne(): boolean {
    return fenceOne(this.ctx);
  }

  /** Lifts the lease fence of the connection with the most work (fewer waiters than fences). */
  unfenceOne(): void {
    unfenceOne(this.ctx);
  }

  /** Retires lease fences set before `since` (see fences.ts); the earliest fence left, or Infinity. */
  retireStuckFences(since: number): number {
    return retireStuckFences(this.ctx, since);
  }

  /** Whether work on `slot` can no longer be answered: the connection is closing or gone. */
  lost(slot: Slot<C>): boolean {
    return (slot.state !== 'ready' && slot.state !== 'retiring') || !this.ctx.driver.isOpen(slot.conn!);
  }

  /** The driver says `slot`'s connection is closed though no close was reported yet: it leaves now. */
  dead(slot: Slot<C>): void {
    if (slot.state === 'ready' || slot.state === 'retiring') closeSlot(this.ctx, slot, 'broken');
  }

  retire(slot: Slot<C>, reason: CloseReason, withinMs?: number): void {
    retireSlot(this.ctx, slot, reason, withinMs);
  }

  /** Asks for `n` connections being opened in all (within poolSize and maxConnecting). */
  want(n: number): void {
    this.opener.demand = n;
    this.opener.fill();
  }

  init(): Promise<void> {
    this.housekeeper.start();
    return this.opener.init();
  }

  // ---- the end ------------------------------------------------------------------------------

  /**
   * Stops taking work: background work stops, free connections close, busy ones retire
   * within `withinMs`, leased ones close when released (or at `withinMs`, by the caller).
   */
  stop(reason: 'shutdown' | 'removed', withinMs: number): void {
    const { ctx } = this;
    if (ctx.phase !== 'open') return;
    ctx.phase = 'draining';
    ctx.stopReason = reason;
    this.housekeeper.stop();
    this.opener.stop();
    for (const slot of this.table.ready.toArray()) retireSlot(ctx, slot, reason, withinMs);
    for (const slot of this.table.leased.toArray()) slot.retireReason = reason;
  }

  /** Closes what is left now (the drain's deadline passed). */
  closeAll(reason: CloseReason): void {
    const { table } = this;
    for (const set of [table.ready, table.retiring, table.leased]) for (const slot of set.toArray()) closeSlot(this.ctx, slot, reason);
  }

  /** Whether nothing of this server is left (no connection in any state). */
  get empty(): boolean {
    const t = this.table;
    return t.size + t.retiring.size + t.closing.size === 0;
  }

  /** Whether nothing but closing connections is left: no lease, no work, no attempt. */
  get quiet(): boolean {
    const t = this.table;
    return t.leased.size + t.opening.size + t.retiring.size === 0 && t.busy.size === 0;
  }

  // ---- reports ------------------------------------------------------------------------------

  get lastConnectError(): PoolConnectError | undefined {
    return this.health.lastError;
  }

  report(): ServerReport {
    return reportOf(this);
  }

  stats(): ServerStats {
    return statsOf(this);
  }
}

/** Whether `a` should take the work rather than `b`. */
