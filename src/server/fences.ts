// Fences: a busy ready connection reserved for a waiting lease takes no new multiplexed work,
// so that its work drains and the lease gets it (connections.ts lifts the fence when the work
// is gone). One whose work does not drain in time retires instead, so that a replacement can
// open for the lease.
import { retireSlot } from './closer.js';
import type { ServerContext } from './context.js';
import type { Slot } from './slot.js';

/**
 * Fences the ready connection best drained for a lease (least long-lived work, then least
 * work). One carrying cursors or feeds is fenced only when no lease is out: a lease coming
 * back serves the waiter sooner than such work drains.
 */
export function fenceOne<C>(ctx: ServerContext<C>): boolean {
  let best: Slot<C> | undefined;
  const leasesOut = ctx.table.leased.size > 0;
  for (const slot of ctx.table.ready) {
    if (slot.fence !== undefined || slot.work === 0 || (leasesOut && slot.longLived > 0)) continue;
    if (best === undefined || slot.longLived < best.longLived || (slot.longLived === best.longLived && slot.work < best.work)) best = slot;
  }
  if (best === undefined) return false;
  ctx.table.setFence(best, 'lease');
  best.fencedAt = ctx.clock.now();
  return true;
}

/** Lifts the lease fence of the connection with the most work (fewer waiters than fences). */
export function unfenceOne<C>(ctx: ServerContext<C>): void {
  let worst: Slot<C> | undefined;
  for (const slot of ctx.table.ready) {
    if (slot.fence === 'lease' && (worst === undefined || slot.work > worst.work)) worst = slot;
  }
  if (worst !== undefined) ctx.table.setFence(worst, undefined);
}

/**
 * Retires the lease fences set before `since`: their work did not drain (a long query, a
 * feed, an answer that never comes). Retiring connections do not count against poolSize,
 * so replacements open for the waiting leases, while the old work may still finish.
 * Returns the earliest fence left, or Infinity.
 */
export function retireStuckFences<C>(ctx: ServerContext<C>, since: number): number {
  let next = Infinity;
  for (const slot of ctx.table.ready.toArray()) {
    if (slot.fence !== 'lease') continue;
    if (slot.fencedAt <= since) retireSlot(ctx, slot, 'busy');
    else next = Math.min(next, slot.fencedAt);
  }
  return next;
}
