// Background care of one server's connections, off every caller's path: TTL timers, idle
// connections above minIdle closed after idleTimeoutMs, keepalive pings of idle ones, the
// heartbeat of busy ones, and leak reports. Every timer is the clock's and unref'd.
import { backgroundTimer, type TimerHandle } from '../core/clock.js';
import { retireSlot, closeSlot } from './closer.js';
import type { ServerContext } from './context.js';
import type { Heartbeat } from './heartbeat.js';
import type { Slot } from './slot.js';
import { refresh } from './work.js';

/** The sweep runs this often relative to the shortest rule (heartbeat, keepalive, idle). */
const SWEEPS_PER_RULE = 10;
const MIN_SWEEP_MS = 10;
const MAX_SWEEP_MS = 5_000;

export class Housekeeper<C> {
  #timer: TimerHandle | undefined = undefined;
  readonly #everyMs: number;

  constructor(private readonly ctx: ServerContext<C>, private readonly heartbeat: Heartbeat<C>) {
    const { heartbeatMs, keepaliveMs, idleTimeoutMs, minIdle, poolSize } = ctx.options;
    const rules = [heartbeatMs, keepaliveMs, minIdle < poolSize ? idleTimeoutMs : 0].filter((ms) => ms > 0);
    this.#everyMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.floor(Math.min(...rules) / SWEEPS_PER_RULE)));
  }

  /** Starts the sweeps (idempotent). */
  start(): void {
    if (this.#timer !== undefined || this.ctx.phase !== 'open') return;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== undefined) this.ctx.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A connection opened: its TTL timer starts. */
  track(slot: Slot<C>): void {
    if (slot.expiresAt === Infinity) return;
    const { ctx } = this;
    slot.ttlTimer = backgroundTimer(ctx.clock, () => {
      slot.ttlTimer = undefined;
      // A leased one retires when it is released (release() checks the TTL).
      if (slot.state === 'ready') retireSlot(ctx, slot, 'ttl');
    }, Math.max(0, slot.expiresAt - ctx.clock.now()));
  }

  /** A lease started: with leak detection on, a report if it is held too long. */
  watchLease(slot: Slot<C>, stack: string): void {
    const { ctx } = this;
    const lease = slot.lease;
    slot.leakTimer = backgroundTimer(ctx.clock, () => {
      slot.leakTimer = undefined;
      if (slot.lease !== lease) return;
      ctx.totals.leaks++;
      ctx.notify.event('leak', () => ({ id: slot.id, server: ctx.label, heldMs: ctx.clock.now() - slot.leasedAt, stack }));
    }, ctx.options.leakDetectionMs);
  }

  endLease(slot: Slot<C>): void {
    if (slot.leakTimer !== undefined) this.ctx.clock.clearTimeout(slot.leakTimer);
    slot.leakTimer = undefined;
  }

  #schedule(): void {
    this.#timer = backgroundTimer(this.ctx.clock, () => {
      this.#timer = undefined;
      if (this.ctx.phase !== 'open') return;
      this.sweep();
      this.#schedule();
    }, this.#everyMs);
  }

  /** One round: idle reaping, keepalive, heartbeat. */
  sweep(): void {
    const { ctx } = this;
    const now = ctx.clock.now();
    const { idleTimeoutMs, keepaliveMs, minIdle, heartbeatMs } = ctx.options;
    const { table } = ctx;
    if (idleTimeoutMs > 0) {
      let excess = table.ready.size + table.opening.size - minIdle;
      // Oldest first: the free set's bottom holds the connections unused the longest.
      for (const slot of table.free.toArray()) {
        if (excess <= 0) break;
        if (now - slot.idleSince < idleTimeoutMs) continue;
        closeSlot(ctx, slot, 'idle');
        excess--;
      }
    }
    if (keepaliveMs > 0) {
      for (const slot of table.free.toArray()) if (now - slot.checkedAt >= keepaliveMs) refresh(ctx, slot);
    }
    // A connection silent for heartbeatMs less one sweep gets its ping by heartbeatMs at the latest.
    this.heartbeat.check(now, Math.max(1, heartbeatMs - this.#everyMs));
  }
}
