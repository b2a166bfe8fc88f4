// The end of a server pool: shutdown with the whole pool (`releasePool()`), or removal of
// one server that discovery no longer lists. Both stop background work and close idle
// connections at once, and let leases end normally; shutdown also has a deadline.
import { PoolClosedError } from './errors.js';
import type { ServerPool } from './server-pool.js';

/**
 * Shutdown: rejects the waiters, closes idle connections, waits for leases and queries up
 * to `deadline` (`Date.now()` based), then closes everything.
 */
export async function drainServer<C>(p: ServerPool<C>, deadline: number): Promise<void> {
  if (p.phase === 'open') stop(p, 'shutdown');
  // The queue is shared: the first server to drain rejects every waiter.
  for (const w of p.waiters.drain()) w.fail(new PoolClosedError('acquire() was cancelled'));
  const busy = () =>
    p.leased.size > 0 || p.opening.size > 0 || p.idle.some((s) => s.inFlight > 0);
  await until(p, () => !busy(), deadline);
  for (const slot of [...p.leased, ...p.idle]) p.close(slot, 'shutdown');
  await until(p, () => p.closing.size === 0, Infinity);
  p.phase = 'closed';
  p.onSettled = undefined;
  const { registry } = p.ctx;
  for (const [conn, slot] of registry) if (slot.owner === p && slot.state === 'closed') registry.delete(conn);
}

/**
 * Removal: the server takes no new work; idle connections close now, leased ones when
 * they are released (close reason `removed`). `gone` runs once nothing of it is left.
 */
export function leaveServer<C>(p: ServerPool<C>, gone: () => void): void {
  if (p.phase !== 'open') return;
  stop(p, 'removed');
  const check = () => {
    if (p.size > 0 || p.closing.size > 0 || p.idle.length > 0) return;
    p.onSettled = undefined;
    gone();
  };
  p.onSettled = check;
  check();
}

function stop<C>(p: ServerPool<C>, reason: 'shutdown' | 'removed'): void {
  p.phase = 'draining';
  p.stopReason = reason;
  p.maintenance.stop();
  // A connect in flight would keep its socket and the driver's connect timer alive past the
  // end (a silent server answers only at the driver's timeout): abort it.
  p.maintenance.abortOpening(new PoolClosedError('the connection attempt was cancelled'));
  for (const slot of [...p.idle]) p.retire(slot, reason);
}

/** Resolves when `done()` holds (checked whenever a slot settles), or at `deadline`. */
function until<C>(p: ServerPool<C>, done: () => boolean, deadline: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearTimeout(timer);
      p.onSettled = undefined;
      resolve();
    };
    p.onSettled = () => {
      if (done()) finish();
    };
    if (deadline !== Infinity) timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
  });
}
