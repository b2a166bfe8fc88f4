// The two ways a connection leaves: closed now (closeSlot) or retired (retireSlot: it takes
// no new work, its replacement opens at once, and it closes when its work settles or at
// its deadline). Ending a connection never kills someone else's work before that deadline.
import { backgroundTimer } from '../core/clock.js';
import { attempt, withDeadline } from '../core/deadline.js';
import { PoolClosedError } from '../core/errors.js';
import type { CloseReason } from '../core/events.js';
import type { ServerContext } from './context.js';
import type { Slot } from './slot.js';

/** Takes `slot` out of service now and closes its connection, with the close deadline. */
export function closeSlot<C>(ctx: ServerContext<C>, slot: Slot<C>, reason: CloseReason, error?: unknown): void {
  const { table } = ctx;
  if (slot.state === 'closing' || slot.state === 'closed') return;
  if (slot.state === 'opening' && slot.conn === undefined) {
    // The opener settles it when the attempt ends.
    slot.connecting?.abort(new PoolClosedError('the connection attempt was cancelled'));
    return;
  }
  clearTimers(ctx, slot);
  table.move(slot, 'closing');
  const conn = slot.conn!;
  // A broken connection (a failed ping, a stalled frame, a dead server) may never answer a
  // goodbye: its socket goes at once.
  if (reason === 'broken' && ctx.driver.destroy !== undefined) ctx.driver.destroy(conn);
  const finish = () => {
    table.move(slot, 'closed');
    ctx.totals.closed++;
    // A lessee still holding it releases it later: the registry keeps it until then.
    if (slot.lease === 0) ctx.registry.delete(conn);
    ctx.notify.close(slot.id, ctx.label, reason, error);
    ctx.listener.settled(ctx.home);
  };
  withDeadline(ctx.clock, attempt(() => ctx.driver.close(conn)), ctx.options.pingTimeoutMs, 'close()').then(finish, finish);
  if (ctx.phase === 'open') ctx.refill();
}

/**
 * A connection that must go. With no work on it, it closes now; with work, it retires
 * until that work settles, at most `withinMs`; a leased one closes when it is released.
 */
export function retireSlot<C>(
  ctx: ServerContext<C>, slot: Slot<C>, reason: CloseReason, withinMs: number = ctx.options.retireTimeoutMs,
): void {
  switch (slot.state) {
    case 'opening':
    case 'closing':
    case 'closed':
      closeSlot(ctx, slot, reason);
      return;
    case 'leased':
      slot.retireReason ??= reason;
      return;
    case 'ready':
      if (slot.work === 0) {
        closeSlot(ctx, slot, reason);
        return;
      }
      slot.retireReason = reason;
      ctx.table.move(slot, 'retiring');
      ctx.notify.event('retire', () => ({ id: slot.id, server: ctx.label, reason, inFlight: slot.work }));
      deadline(ctx, slot, withinMs);
      if (ctx.phase === 'open') ctx.refill();
      return;
    case 'retiring':
      deadline(ctx, slot, withinMs);
      return;
  }
}

/** Arms (or brings forward) the moment a retiring connection closes with its work. */
function deadline<C>(ctx: ServerContext<C>, slot: Slot<C>, withinMs: number): void {
  const at = ctx.clock.now() + withinMs;
  if (at >= slot.retireAt) return;
  slot.retireAt = at;
  if (slot.retireTimer !== undefined) ctx.clock.clearTimeout(slot.retireTimer);
  slot.retireTimer = backgroundTimer(ctx.clock, () => {
    slot.retireTimer = undefined;
    closeSlot(ctx, slot, slot.retireReason ?? 'shutdown');
  }, withinMs);
}

/** Drops a connection's timers (it is closing). */
export function clearTimers<C>(ctx: ServerContext<C>, slot: Slot<C>): void {
  const { clock } = ctx;
  if (slot.ttlTimer !== undefined) clock.clearTimeout(slot.ttlTimer);
  if (slot.leakTimer !== undefined) clock.clearTimeout(slot.leakTimer);
  if (slot.retireTimer !== undefined) clock.clearTimeout(slot.retireTimer);
  slot.ttlTimer = slot.leakTimer = slot.retireTimer = undefined;
}

/** The driver says the socket closed: the connection leaves at once; its work fails with it. */
export function onSocketClosed<C>(ctx: ServerContext<C>, slot: Slot<C>): void {
  if (slot.state === 'ready' || slot.state === 'retiring' || slot.state === 'leased') closeSlot(ctx, slot, 'broken');
}
