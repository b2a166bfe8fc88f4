// Background work of a server pool: opening for real demand, retrying with backoff,
// closing connections past their TTL or idle too long, keepalive pings, leak timers and
// the server's health. Every timer here is unref'ed and cleared by stop() or close.
import { PoolAuthError, type PoolConnectError } from './errors.js';
import { backoffDelay, housekeepingInterval } from './lifetime.js';
import type { ServerPool } from './server-pool.js';
import { Slot } from './slot.js';

export class Maintenance<C> {
  /** The last failed attempt; cleared by a successful open. */
  lastConnectError: PoolConnectError | undefined = undefined;
  /** Consecutive failed attempts. */
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
    let attempt: Promise<C>;
    try {
      attempt = Promise.resolve(p.ctx.connector.connect(p.connectOptions));
    } catch (err) {
      attempt = Promise.reject(err);
    }
    return attempt.then(
      (conn) => {
        this.opened(slot, conn);
        return undefined;
      },
      (err: unknown) => this.failed(slot, err),
    );
  }

  private opened(slot: Slot<C>, conn: C): void {
    const p = this.pool;
    const { ctx } = p;
    slot.conn = conn;
    ctx.registry.set(conn, slot);
    const now = Date.now();
    slot.openedAt = slot.idleSince = slot.checkedAt = now;
    slot.expiresAt = p.expiry(now);
    p.totals.created++;
    ctx.connector.onClose(conn, () => p.onSocketClosed(slot));
    if (ctx.emitter.has('open')) ctx.emitter.emit('open', { id: slot.id, server: p.server });
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

  private failed(slot: Slot<C>, err: unknown): PoolConnectError {
    const p = this.pool;
    p.move(slot, 'closed');
    const error = p.connectError(err);
    p.totals.connectErrors++;
    if (p.phase !== 'open') {
      p.onSettled?.();
      return error;
    }
    this.lastConnectError = error;
    this.failures++;
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
        if (!s.pinging && s.inFlight === 0 && !s.retiring && now - s.checkedAt >= keepaliveMs) this.keepalive(s);
      }
    }
  }

  private keepalive(slot: Slot<C>): void {
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
