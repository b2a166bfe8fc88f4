// Work on a connection: starting and ending multiplexed work, and the pool's own pings
// (counted as work, so that a connection being pinged is not leased meanwhile). The end of
// the last piece of work on a retiring connection closes it.
import { attempt, withDeadline } from '../core/deadline.js';
import { closeSlot } from './closer.js';
import type { ServerContext } from './context.js';
import { Work, type Slot } from './slot.js';

/** Ends one piece of work on `slot`: a retiring connection closes with its last one. */
export function finishWork<C>(ctx: ServerContext<C>, slot: Slot<C>, kind: Work): void {
  const { table } = ctx;
  if (table.endWork(slot, kind)) {
    if (slot.state === 'retiring') closeSlot(ctx, slot, slot.retireReason ?? 'shutdown');
    // A connection fenced for answering no ping (heartbeat.ts): pinged now that its work is done.
    else if (slot.fence === 'quiet') refresh(ctx, slot);
    return;
  }
  // Just below the cap: callers waiting for room may go on.
  if (slot.state === 'ready' && slot.work === ctx.options.maxQueriesPerConnection - 1) ctx.listener.capacity(ctx.home);
}

/** One ping (SERVER_INFO) with `pingTimeoutMs`, counted as the pool's work on `slot`. */
export function ping<C>(ctx: ServerContext<C>, slot: Slot<C>): Promise<void> {
  ctx.table.addWork(slot, Work.Ping);
  const done = () => finishWork(ctx, slot, Work.Ping);
  const answer = withDeadline(ctx.clock, attempt(() => ctx.driver.ping(slot.conn!)), ctx.options.pingTimeoutMs, 'ping');
  answer.then(done, done);
  return answer;
}

/**
 * Validates a free connection before it takes work: fenced meanwhile and pinged. On success
 * it stays fenced for whoever asked (a waiting lease takes it, or `release` lifts the fence);
 * on failure it closes as broken. The TTL is checked at hand-out, after this.
 */
export function probe<C>(ctx: ServerContext<C>, slot: Slot<C>): Promise<boolean> {
  ctx.table.setFence(slot, 'probe');
  return ping(ctx, slot).then(
    () => {
      slot.checkedAt = ctx.clock.now();
      return true;
    },
    (error: unknown) => {
      closeSlot(ctx, slot, 'broken', error);
      return false;
    },
  );
}

/** Validates a free connection in the background; it is free again after a good ping. */
export function refresh<C>(ctx: ServerContext<C>, slot: Slot<C>): void {
  void probe(ctx, slot).then((ok) => {
    if (ok) ctx.table.setFence(slot, undefined);
  });
}
