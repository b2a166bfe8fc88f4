// Background work of a server pool: opening for real demand, retrying with backoff,
// closing connections past their TTL or idle too long, keepalive pings, leak timers and
// the server's health. Every timer here is unref'ed and cleared by stop() or close.
import { openChannel, type OpenMessage } from './diagnostics.js';
import { isAuthError } from '../drivers/connector.js';
import { PoolAuthError, PoolConnectError } from './errors.js';
import { backoffDelay, expiresAt, housekeepingInterval, untilAborted } from './lifetime.js';
import type { ServerPool } from './server-pool.js';
import { Slot } from './slot.js';

export class Maintenance<C> {
  /** The last failed attempt; cleared by a successful open. */
  lastConnectError: PoolConnectError | undefined = undefined;
  /**
   * Consecutive failures, for the backoff exponent. Attempts that start together (a burst
   * of reconnects after the server vanished) and fail together count as one failure: they
   * are one observation that the server is down, not several.
   */
  failures = 0;
  /** Undefined until the first attempt settles. */
  healthy: boolean | undefined = undefined;
  /** Wrong credentials: no background opening until a caller asks for a connection. */
  authBlocked = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private housekeeper: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(private readonly pool: ServerPool<C>) {}

  /** Opens connections for real demand: `idle < minIdle`, or more waiters than openings. */
  fill(): void {
    const p = this.pool;
    if (p.phase !== 'open' || this.retryTimer !== undefined) return;
    const { poolSize, minIdle } = p.ctx.options;
    const { hooks } = p.ctx;
    while (p.size < poolSize) {
      const opening = p.opening.size;
      const forIdle = !this.authBlocked && p.idle.length + opening < minIdle;
      // With several servers, a down one keeps probing even with no demand of its own:
      // no work is routed to it, so nothing else would ever bring it back.
      const probe = this.healthy === false && opening === 0 && !this.authBlocked && hooks.probeWhileDown();
      // The waiters are shared: openings on any server that is not down will serve them.
      if (!forIdle && !probe && p.waiters.length <= hooks.openingForWaiters()) break;
      if (this.failures > 0 && opening > 0) break; // while failing, one probe at a time
      void this.spawn();
    }
  }

  /** Opens `max(1, minIdle)` connections; rejects if none of them opens. */
  async init(): Promise<void> {
    const p = this.pool;
    const attempts: Promise<PoolConnectError | undefined>[] = [];
    const target = Math.max(1, p.ctx.options.minIdle);
    while (p.size < target && p.size < p.ctx.options.poolSize) attempts.push(this.spawn());
    const errors = await Promise.all(attempts);
    if (attempts.length > 0 && errors.every((e) => e !== undefined)) throw errors[0];
    if (attempts.length === 0 && p.idle.length + p.leased.size === 0 && this.lastConnectError) {
      throw this.lastConnectError;
    }
  }

  /** Opens one connection; resolves with the error when it fails (never rejects). */
  spawn(): Promise<PoolConnectError | undefined> {
    const p = this.pool;
    this.startHousekeeping();
    const slot = new Slot<C>(p.ctx.nextId(), p);
    p.move(slot, 'opening');
    // The failure count this attempt starts from: see failed().
    const round = this.failures;
    const controller = new AbortController();
    slot.connecting = controller;
    const { connector } = p.ctx;
    let attempt: Promise<C>;
    try {
      attempt = Promise.resolve(connector.connect(p.connectOptions, controller.signal));
    } catch (err) {
      attempt = Promise.reject(err);
    }
    // A connector that ignores the signal still lets the pool stop waiting; what it opens
    // after the abort is closed at once.
    const closeLate = (conn: C) => {
      try {
        void connector.close(conn).catch(() => undefined);
      } catch {
        // nothing more to do for a connection nobody uses
      }
    };
    return untilAborted(attempt, controller.signal, closeLate).then(
      (conn) => {
        this.opened(slot, conn);
        return undefined;
      },
      (err: unknown) => this.failed(slot, err, round),
    );
  }

  /** Aborts the connects in flight: the pool is closing and will not use them. */
  abortOpening(reason: unknown): void {
    for (const slot of [...this.pool.opening]) slot.connecting?.abort(reason);
  }

  private opened(slot: Slot<C>, conn: C): void {
    const p = this.pool;
    slot.connecting = undefined;
    const { ctx } = p;
    slot.conn = conn;
    ctx.registry.set(conn, slot);
    const now = Date.now();
    slot.openedAt = slot.idleSince = slot.checkedAt = now;
    slot.expiresAt = expiresAt(now, ctx.options.connectionTtlMs);
    p.totals.created++;
    ctx.connector.onClose(conn, () => p.onSocketClosed(slot));
    if (ctx.emitter.has('open')) ctx.emitter.emit('open', { id: slot.id, server: p.server });
    if (openChannel.hasSubscribers) openChannel.publish({ pool: ctx.pool, id: slot.id, server: p.server } satisfies OpenMessage);
    if (p.phase !== 'open') return p.close(slot, p.stopReason);
    this.failures = 0;
    this.lastConnectError = undefined;
    this.authBlocked = false;
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    if (this.healthy !== true) {
      const wasDown = this.healthy === false;
      this.healthy = true;
      if (ctx.emitter.has('healthy')) ctx.emitter.emit('healthy', { server: p.server });
      ctx.hooks.up(p, wasDown);
    }
    if (!ctx.connector.isOpen(conn)) return p.close(slot, 'broken');
    if (slot.expiresAt !== Infinity) {
      slot.ttlTimer = setTimeout(() => this.expire(slot), slot.expiresAt - now);
      slot.ttlTimer.unref();
    }
    p.checkIn(slot);
    this.fill();
  }

  /** `round`: the failure count when the attempt started. */
  private failed(slot: Slot<C>, err: unknown, round: number): PoolConnectError {
    const p = this.pool;
    const aborted = slot.connecting?.signal.aborted === true;
    slot.connecting = undefined;
    p.move(slot, 'closed');
    if (aborted) {
      // Cancelled by the pool itself: not a failure of the server.
      p.onSettled?.();
      return this.connectError(err);
    }
    const error = this.connectError(err);
    p.totals.connectErrors++;
    if (p.phase !== 'open') {
      p.onSettled?.();
      return error;
    }
    this.lastConnectError = error;
    // Only the first of attempts started together raises the count; after a success in
    // between (failures reset to 0), this failure starts a new run.
    if (this.failures === round || this.failures === 0) this.failures++;
    if (error instanceof PoolAuthError) this.authBlocked = true;
    const retryInMs = this.scheduleRetry();
    const { emitter } = p.ctx;
    if (emitter.has('connectError')) {
      emitter.emit('connectError', { server: p.server, error, attempt: this.failures, retryInMs });
    }
    const down = p.idle.length + p.leased.size === 0;
    const wentDown = down && this.healthy !== false;
    if (wentDown) {
      this.healthy = false;
      if (emitter.has('unhealthy')) emitter.emit('unhealthy', { server: p.server, error });
    }
    // Whether waiters fail now (auth, failFast) depends on the other servers.
    p.ctx.hooks.connectFailed(p, error, down, wentDown);
    return error;
  }

  /** Wraps a driver error: wrong credentials become PoolAuthError. */
  private connectError(error: unknown): PoolConnectError {
    if (error instanceof PoolConnectError) return error;
    const { server } = this.pool;
    return isAuthError(error) ? new PoolAuthError(server, error) : new PoolConnectError(server, error);
  }

  private scheduleRetry(): number | undefined {
    if (this.retryTimer !== undefined) return undefined;
    const { baseMs, maxMs } = this.pool.ctx.options.backoff;
    const delay = backoffDelay(this.failures, baseMs, maxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, delay);
    this.retryTimer.unref();
    return delay;
  }

  /** TTL timer: an idle connection closes now (and is replaced); a leased one on release. */
  private expire(slot: Slot<C>): void {
    slot.ttlTimer = undefined;
    if (slot.state === 'idle' && !slot.pinging) this.pool.retire(slot, 'ttl');
  }

  private startHousekeeping(): void {
    if (this.housekeeper !== undefined || this.pool.phase !== 'open') return;
    const { idleTimeoutMs, keepaliveMs, minIdle, poolSize } = this.pool.ctx.options;
    const every = housekeepingInterval(idleTimeoutMs, keepaliveMs, minIdle < poolSize);
    if (every === 0) return;
    this.housekeeper = setInterval(() => this.housekeep(), every);
    this.housekeeper.unref();
  }

  /** Closes idle connections above `minIdle` idle too long; pings idle ones due a keepalive. */
  housekeep(): void {
    const p = this.pool;
    if (p.phase !== 'open') return;
    const now = Date.now();
    const { idleTimeoutMs, keepaliveMs, minIdle } = p.ctx.options;
    if (idleTimeoutMs > 0) {
      let excess = p.idle.length - minIdle;
      for (const s of p.idle.slice()) {
        if (excess <= 0) break;
        if (s.pinging || s.inFlight > 0 || s.retiring || now - s.idleSince < idleTimeoutMs) continue;
        p.close(s, 'idle');
        excess--;
      }
    }
    if (keepaliveMs > 0) {
      for (const s of p.idle.slice()) {
        // Busy connections too: one pinned by a run() that never answers must be found out.
        if (!s.pinging && !s.retiring && now - s.checkedAt >= keepaliveMs) this.keepalive(s);
      }
    }
  }

  /** Pings an idle connection in the background; closes it (broken) if the ping fails. */
  keepalive(slot: Slot<C>): void {
    const p = this.pool;
    slot.pinging = true;
    p.ping(slot).then(
      () => {
        slot.pinging = false;
        if (slot.state !== 'idle') return;
        slot.checkedAt = Date.now();
        if (p.phase !== 'open') p.close(slot, 'shutdown');
        else if (slot.checkedAt >= slot.expiresAt) p.retire(slot, 'ttl');
        else if (p.waiters.length > 0) p.dispatch();
      },
      (error: unknown) => {
        slot.pinging = false;
        p.close(slot, 'broken', error);
      },
    );
  }

  watchLeak(slot: Slot<C>, stack: string): void {
    const p = this.pool;
    slot.leakTimer = setTimeout(() => {
      slot.leakTimer = undefined;
      p.totals.leaks++;
      const { emitter } = p.ctx;
      if (emitter.has('leak')) {
        emitter.emit('leak', { id: slot.id, server: p.server, heldMs: Date.now() - slot.leasedAt, stack });
      }
    }, p.ctx.options.leakDetectionMs);
    slot.leakTimer.unref();
  }

  clearLeak(slot: Slot<C>): void {
    if (slot.leakTimer !== undefined) clearTimeout(slot.leakTimer);
    slot.leakTimer = undefined;
  }

  /** Drops a closing slot's timers. */
  forget(slot: Slot<C>): void {
    this.clearLeak(slot);
    if (slot.ttlTimer !== undefined) clearTimeout(slot.ttlTimer);
    slot.ttlTimer = undefined;
  }

  /** Stops background work (the pool is closing). */
  stop(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (this.housekeeper !== undefined) clearInterval(this.housekeeper);
    this.retryTimer = this.housekeeper = undefined;
  }
}
