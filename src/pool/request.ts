// Queueing a call for a connection: one waiter with a deadline and an optional abort signal,
// in the FIFO shared by every server, so that whichever server frees a connection first
// serves it.
import { PoolQueueFullError } from './errors.js';
import type { Request } from './context.js';
import type { ServerPool } from './server-pool.js';
import type { Slot } from './slot.js';
import { now as clock } from './clock.js';
import { Waiter } from './waiters.js';
import { SharedDeadline } from './deadlines.js';

/** A waiter's deadline passed: it leaves the queue with the pool's timeout error. */
function expire<C>(w: Waiter<Slot<C>>): void {
  const p = w.home as ServerPool<C>;
  p.waiters.remove(w);
  p.totals.timeouts++;
  w.fail(p.ctx.hooks.timeoutError(w.timeoutMs));
}

/**
 * Queues a request routed to `p`: resolves with a slot (leased if `exclusive`, else idle
 * with a query in flight). With `first`, that idle slot is validated for it at once.
 */
export function requestSlot<C>(p: ServerPool<C>, exclusive: boolean, req: Request, since: number, first?: Slot<C>): Promise<Slot<C>> {
  return new Promise<Slot<C>>((resolve, reject) => {
    const w = new Waiter<Slot<C>>(resolve, reject, exclusive, since, req.stack);
    w.home = p;
    const { signal } = req;
    if (signal) {
      w.signal = signal;
      w.onAbort = () => {
        p.waiters.remove(w);
        w.fail(signal.reason);
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
    }
    w.timeoutMs = req.timeoutMs;
    if (req.timeoutMs === p.ctx.options.acquireTimeoutMs) {
      (p.waiters.deadlines ??= new SharedDeadline(expire)).add(w, performance.now() + req.timeoutMs);
    } else {
      // Not unref'ed: a caller awaits this promise, so it is real pending work.
      w.timer = setTimeout(expire, req.timeoutMs, w);
    }
    if (first) {
      p.serve(first, w, clock());
      return;
    }
    if (p.waiters.length >= p.ctx.options.maxWaiters) {
      w.fail(new PoolQueueFullError(p.ctx.options.maxWaiters));
      return;
    }
    p.waiters.push(w);
    p.maintenance.fill();
  });
}
