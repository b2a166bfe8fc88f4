// The heartbeat: a connection carrying work that has received nothing for `heartbeatMs` is
// pinged. A busy server can hold a ping behind a CPU-bound query on the same connection
// (PROTOCOL.md section 5), so a ping that times out is confirmed on another connection to
// the same server, or on a fresh one: if the server answers there it is busy, not dead; if
// it answers nowhere it is down, and every connection to it closes (its work fails at once
// with PoolConnectionLostError, feeds resume elsewhere). A busy one is fenced `quiet`: its
// work goes on, new work goes elsewhere, until anything arrives on it; once its work is
// done it is pinged, and closed if it still answers nothing. So a connection that went mute
// while its server lives (a proxy's flow that forwards nothing) gets no new work to hang.
// One that carries only feeds computes nothing that could hold a ping: it closes, and its
// feeds resume elsewhere.
import { attempt, DeadlineError, untilAborted, withDeadline } from '../core/deadline.js';
import { PoolConnectError } from '../core/errors.js';
import { closeSlot } from './closer.js';
import type { ServerContext } from './context.js';
import type { Health } from './health.js';
import type { Slot } from './slot.js';
import { ping, refresh } from './work.js';

export class Heartbeat<C> {
  #confirming = false;

  constructor(private readonly ctx: ServerContext<C>, private readonly health: Health<C>) {}

  /** Pings every connection with work that has been silent for about `heartbeatMs`. */
  check(now: number, threshold: number): void {
    const { ctx } = this;
    const { received } = ctx.driver;
    for (const set of [ctx.table.ready, ctx.table.retiring]) {
      for (const slot of set.toArray()) {
        if (slot.work - slot.queries - slot.cursors - slot.feeds >= slot.work) continue; // only the pool's own pings
        // Without the driver's read count, an answer the pool saw is the sign of life.
        const heard = received ? received(slot.conn!) : slot.checkedAt;
        if (heard !== slot.heard) {
          slot.heard = heard;
          slot.heardAt = now;
          if (slot.fence === 'quiet') ctx.table.setFence(slot, undefined); // heard from: it works
          continue;
        }
        if (now - slot.heardAt < threshold) continue;
        slot.heardAt = now; // one ping per silence
        if (ctx.driver.partialFrame(slot.conn!) > 0) {
          // A server writes a frame whole: the rest of one that has not come is a fault, not load.
          closeSlot(ctx, slot, 'broken', new Error(`the server sent part of a frame and nothing more for ${ctx.options.heartbeatMs} ms`));
          continue;
        }
        this.#ping(slot);
      }
    }
  }

  #ping(slot: Slot<C>): void {
    ping(this.ctx, slot).then(undefined, (error: unknown) => {
      if (error instanceof DeadlineError) void this.#confirm(slot);
      else closeSlot(this.ctx, slot, 'broken', error);
    });
  }

  /** Busy or dead? Asks another connection of the server (or a new one). */
  async #confirm(suspect: Slot<C>): Promise<void> {
    if (this.#confirming) return;
    this.#confirming = true;
    try {
      if (await this.#answersElsewhere(suspect)) {
        this.#quiet(suspect);
        return;
      }
      const { ctx } = this;
      if (ctx.phase !== 'open') return;
      const error = new PoolConnectError(ctx.label, new Error(
        `the server answered no ping within ${ctx.options.pingTimeoutMs} ms (pingTimeoutMs) on any connection, ` +
          'nor a new connection: it is down',
      ));
      this.health.down(error);
      const { table } = ctx;
      for (const set of [table.ready, table.retiring, table.leased]) {
        for (const slot of set.toArray()) closeSlot(ctx, slot, 'broken', error);
      }
    } finally {
      this.#confirming = false;
    }
  }

  /**
   * The server answers elsewhere, so `slot` is busy, or mute on its own: no new work for it
   * until it is heard from (check() lifts the fence). One whose work is done meanwhile is
   * pinged now: it is free again if it answers, closed as broken if not.
   */
  #quiet(slot: Slot<C>): void {
    const { ctx } = this;
    if (slot.state !== 'ready' || slot.fence !== undefined) return;
    if (ctx.driver.received !== undefined && ctx.driver.received(slot.conn!) !== slot.heard) return; // heard from meanwhile
    if (slot.work === 0) {
      refresh(ctx, slot);
    } else if (slot.queries === 0 && slot.cursors === 0) {
      // Only feeds: nothing on it computes (a feed's scan does not hold a ping back), so it
      // is mute, not busy. It closes; its feeds resume on another connection.
      closeSlot(ctx, slot, 'broken', new Error(
        `the connection answered no ping within ${ctx.options.pingTimeoutMs} ms (pingTimeoutMs) while its server answered on another, and carries only feeds`,
      ));
    } else {
      ctx.table.setFence(slot, 'quiet');
    }
  }

  async #answersElsewhere(suspect: Slot<C>): Promise<boolean> {
    const { ctx } = this;
    let other: Slot<C> | undefined = ctx.table.free.top();
    if (other === undefined || other === suspect) {
      for (const slot of ctx.table.ready) if (slot !== suspect && slot.fence === undefined) other = slot;
    }
    if (other !== undefined && other !== suspect) return ping(ctx, other).then(() => true, () => false);
    return this.#answersOnNewConnection();
  }

  /** Opens a connection outside the pool's count, asks SERVER_INFO, closes it. */
  async #answersOnNewConnection(): Promise<boolean> {
    const { ctx } = this;
    const { driver, options } = ctx;
    const controller = new AbortController();
    const ms = options.connectTimeoutMs;
    const timer = ctx.clock.setTimeout(() => controller.abort(new DeadlineError('connect', ms)), ms);
    timer.unref?.();
    let conn: C | undefined;
    try {
      conn = await untilAborted(attempt(() => driver.connect(ctx.connectOptions, controller.signal)), controller.signal, (late) => {
        attempt(() => driver.close(late)).catch(() => undefined);
      });
      await withDeadline(ctx.clock, attempt(() => driver.ping(conn!)), options.pingTimeoutMs, 'ping');
      return true;
    } catch {
      return false;
    } finally {
      ctx.clock.clearTimeout(timer);
      if (conn !== undefined) attempt(() => driver.close(conn!)).catch(() => undefined);
    }
  }
}
