// The pool of one server: a state machine over connection slots. `move()` is the only way a
// slot changes state; every count is derived from the state containers. Background work
// (opening, replacing, pinging, retrying) lives in Maintenance (maintenance.ts), queueing in
// request.ts, shutdown and removal in shutdown.ts; what concerns several servers goes
// through `ctx.hooks` (context.ts).
import type { PoolContext } from './context.js';
import { PoolClosedError } from './errors.js';
import type { CloseReason } from './events.js';
import { withDeadline } from './lifetime.js';
import type { Slot, SlotState } from './slot.js';
import { SlotSet } from './slot-set.js';
import { now as clock } from './clock.js';
import { zeroTotals } from './stats.js';
import type { Waiter, WaiterQueue } from './waiters.js';
import { Maintenance } from './maintenance.js';
import {
  acquireChannel, closeChannel, releaseChannel, type AcquireMessage, type CloseMessage, type ReleaseMessage,
} from './diagnostics.js';

export type { PoolContext, ServerHooks } from './context.js';

type Phase = 'open' | 'draining' | 'closed';

/** The pool of connections to one server. */
export class ServerPool<C> {
  // The state containers. `idle` is a stack: the most recently used connection is on top.
  readonly opening = new SlotSet<C>();
  readonly idle: Slot<C>[] = [];
  readonly leased = new SlotSet<C>();
  readonly closing = new SlotSet<C>();
  readonly waiters: WaiterQueue<Slot<C>>;
  phase: Phase = 'open';
  /** Close reason of connections closed because this server pool stops: `shutdown` or `removed`. */
  stopReason: CloseReason = 'shutdown';
  /** Multiplexed queries and cursors in flight here (raised by share(), lowered by done()). */
  inFlight = 0;
  totals = zeroTotals();
  readonly maintenance: Maintenance<C>;
  /** Called whenever a slot closes or a lease ends while draining. */
  onSettled: (() => void) | undefined = undefined;

  /**
   * @param server `host:port`, for events, stats and errors.
   * @param connectOptions given unchanged to the connector's `connect()`.
   */
  constructor(readonly ctx: PoolContext<C>, readonly server: string, readonly connectOptions: unknown) {
    this.waiters = ctx.waiters;
    this.maintenance = new Maintenance(this);
  }

  get size(): number {
    return this.opening.size + this.idle.length + this.leased.size;
  }

  /** The single transition function. */
  move(slot: Slot<C>, to: SlotState): void {
    const from = slot.state;
    if (from === to) return;
    if (from === 'closed') throw new Error(`internal: slot ${slot.id} is closed, cannot become ${to}`);
    if (from === 'new') {
      if (to !== 'opening') throw new Error(`internal: a new slot must open first, not become ${to}`);
    } else if (from === 'opening') this.opening.delete(slot);
    else if (from === 'idle') {
      // Hand-out takes the top of the stack; only expiry and reaping remove from the middle.
      const idle = this.idle;
      if (idle[idle.length - 1] === slot) idle.pop();
      else idle.splice(idle.lastIndexOf(slot), 1);
    }
    else if (from === 'leased') this.leased.delete(slot);
    else this.closing.delete(slot);
    slot.state = to;
    if (to === 'opening') this.opening.add(slot);
    else if (to === 'idle') this.idle.push(slot);
    else if (to === 'leased') this.leased.add(slot);
    else if (to === 'closing') this.closing.add(slot);
    else if (slot.conn !== undefined && !slot.held) this.ctx.registry.delete(slot.conn);
  }

  // ---- hand-out -----------------------------------------------------------------------

  /** The available idle connection with the fewest queries in flight, top of stack first. */
  pickIdle(now: number): Slot<C> | undefined {
    let best: Slot<C> | undefined;
    let expired: Slot<C>[] | undefined;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const s = this.idle[i]!;
      if (s.pinging || s.retiring) continue;
      if (now >= s.expiresAt) {
        (expired ??= []).push(s);
        continue;
      }
      if (best === undefined || s.inFlight < best.inFlight) best = s;
      if (s.inFlight === 0) break;
    }
    if (expired) for (const s of expired) this.retire(s, 'ttl');
    return best;
  }

  /**
   * Whether a connection must be pinged before hand-out: it was last known to work (opened,
   * pinged, released, or answered a `run()`) `validateAfterIdleMs` ago or more; with 0,
   * always. Queries in flight do not exempt it: a stalled connection pinned by a `run()`
   * that never answers must fail its ping and close, which also rejects that `run()`.
   */
  needsValidation(slot: Slot<C>, now: number): boolean {
    return now - slot.checkedAt >= this.ctx.options.validateAfterIdleMs;
  }

  /** Leases an idle slot to a caller (the fast path's last step). */
  lease(slot: Slot<C>, now: number, stack: string | undefined, since: number): void {
    this.move(slot, 'leased');
    slot.held = true;
    slot.leasedAt = now;
    slot.leases++;
    this.totals.acquired++;
    const { leakDetectionMs, minIdle, poolSize } = this.ctx.options;
    if (leakDetectionMs > 0) this.maintenance.watchLeak(slot, stack ?? '');
    if (this.idle.length < minIdle && this.size < poolSize) this.maintenance.fill();
    const { emitter } = this.ctx;
    if (emitter.has('acquire')) emitter.emit('acquire', { id: slot.id, server: this.server, waitedMs: now - since });
    if (acquireChannel.hasSubscribers) {
      acquireChannel.publish({ pool: this.ctx.pool, id: slot.id, server: this.server, waitedMs: now - since } satisfies AcquireMessage);
    }
  }

  /** Puts a multiplexed query on an idle slot (no lease). */
  share(slot: Slot<C>): void {
    slot.inFlight++;
    this.inFlight++;
  }

  /** Rejects at once when the pool cannot serve: closed, or known down with `failFast`. */
  refusal(): Error | undefined {
    if (this.phase !== 'open') return new PoolClosedError();
    const m = this.maintenance;
    if (m.lastConnectError && this.idle.length + this.leased.size === 0) {
      if (this.ctx.options.failFast) return this.ctx.hooks.downError(this);
    }
    return undefined;
  }

  /** Pairs idle connections with waiters, oldest waiter first. */
  dispatch(): void {
    const now = clock();
    while (this.waiters.length > 0) {
      const slot = this.pickIdle(now);
      if (!slot) break;
      this.serve(slot, this.waiters.shift()!, now);
    }
    this.maintenance.fill();
  }

  /** Gives a slot to a waiter, pinging it first if it sat idle too long. */
  serve(slot: Slot<C>, w: Waiter<Slot<C>>, now: number): void {
    if (!this.needsValidation(slot, now)) {
      this.handOut(slot, w, now);
      return;
    }
    this.move(slot, 'leased'); // reserved for this waiter while it is pinged
    this.ping(slot).then(
      () => {
        const usable = slot.state === 'leased';
        if (usable && !w.settled && this.phase === 'open') {
          slot.checkedAt = Date.now();
          this.handOut(slot, w, slot.checkedAt);
          return;
        }
        if (usable) this.checkIn(slot);
        // It closed while being pinged, or this server is leaving: another may serve.
        if (!w.settled) this.requeue(w);
      },
      (error: unknown) => {
        this.close(slot, 'broken', error);
        if (!w.settled) this.requeue(w);
      },
    );
  }

  /** A waiter whose hand-off failed keeps its place at the front, for any server. */
  private requeue(w: Waiter<Slot<C>>): void {
    if (this.ctx.hooks.closed()) {
      w.fail(new PoolClosedError('acquire() was cancelled'));
      return;
    }
    this.waiters.unshift(w);
    this.ctx.hooks.redispatch();
  }

  private handOut(slot: Slot<C>, w: Waiter<Slot<C>>, now: number): void {
    if (w.exclusive) {
      this.lease(slot, now, w.stack, w.since);
    } else {
      this.move(slot, 'idle');
      this.share(slot);
    }
    w.fulfil(slot);
  }

  /** A connection is free again (just opened, released or validated): serve or park it. */
  checkIn(slot: Slot<C>, now: number = clock()): void {
    if (this.phase !== 'open') return this.close(slot, this.stopReason);
    if (now >= slot.expiresAt) return this.retire(slot, 'ttl');
    this.move(slot, 'idle');
    slot.idleSince = now;
    if (this.waiters.length > 0) this.dispatch();
  }

  /** Ends a lease (the facade has checked that `slot` is held). */
  release(slot: Slot<C>, discard: boolean): void {
    slot.held = false;
    if (slot.leakTimer !== undefined) this.maintenance.clearLeak(slot);
    const now = clock();
    const { emitter } = this.ctx;
    if (emitter.has('release')) emitter.emit('release', { id: slot.id, server: this.server, heldMs: now - slot.leasedAt });
    if (releaseChannel.hasSubscribers) {
      releaseChannel.publish({ pool: this.ctx.pool, id: slot.id, server: this.server, heldMs: now - slot.leasedAt } satisfies ReleaseMessage);
    }
    if (slot.state === 'closed') {
      this.ctx.registry.delete(slot.conn!);
    } else if (slot.state === 'leased') {
      if (discard) this.close(slot, 'discarded');
      else if (!this.ctx.connector.isOpen(slot.conn!)) this.close(slot, 'broken');
      else {
        slot.checkedAt = now;
        this.checkIn(slot, now);
      }
    }
    this.onSettled?.();
  }

  /**
   * A multiplexed query or cursor on `slot` finished; `answered`: the server answered it, so
   * the connection is known to work (a busy connection then needs no validation ping).
   */
  done(slot: Slot<C>, answered = false): void {
    slot.inFlight--;
    this.inFlight--;
    if (answered) slot.checkedAt = clock();
    if (slot.inFlight > 0 || slot.state !== 'idle') return;
    if (slot.retiring) return this.close(slot, slot.retiring);
    slot.idleSince = slot.checkedAt = clock();
    if (this.waiters.length > 0) this.dispatch();
    this.onSettled?.();
  }

  // ---- closing ------------------------------------------------------------------------

  /** Closes now, or once its in-flight queries finish. */
  retire(slot: Slot<C>, reason: CloseReason): void {
    if (slot.inFlight > 0 && slot.state === 'idle') slot.retiring = reason;
    else this.close(slot, reason);
  }

  /** Takes a slot out of the pool and closes its connection (with a deadline). */
  close(slot: Slot<C>, reason: CloseReason, error?: unknown): void {
    if (slot.state === 'closing' || slot.state === 'closed') return;
    this.maintenance.forget(slot);
    this.move(slot, 'closing');
    const conn = slot.conn!;
    const { connector, options } = this.ctx;
    let closing: Promise<void>;
    try {
      closing = withDeadline(connector.close(conn), options.pingTimeoutMs, 'close()');
    } catch (err) {
      closing = Promise.reject(err);
    }
    const finish = () => {
      this.move(slot, 'closed');
      this.totals.closed++;
      const { emitter } = this.ctx;
      if (emitter.has('close')) {
        emitter.emit('close', { id: slot.id, server: this.server, reason, ...(error === undefined ? {} : { error }) });
      }
      if (closeChannel.hasSubscribers) {
        const message: CloseMessage = { pool: this.ctx.pool, id: slot.id, server: this.server, reason, ...(error === undefined ? {} : { error }) };
        closeChannel.publish(message);
      }
      this.onSettled?.();
    };
    closing.then(finish, finish);
    if (this.phase === 'open') this.maintenance.fill();
  }

  /** The driver says the socket closed: remove the connection at once. */
  onSocketClosed(slot: Slot<C>): void {
    if (slot.state === 'idle' || slot.state === 'leased') this.close(slot, 'broken');
  }

  ping(slot: Slot<C>): Promise<void> {
    let p: Promise<void>;
    try {
      p = this.ctx.connector.ping(slot.conn!);
    } catch (err) {
      p = Promise.reject(err);
    }
    return withDeadline(p, this.ctx.options.pingTimeoutMs, 'ping');
  }
}
