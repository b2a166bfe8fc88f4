// The end of the pool (releasePool): every server stops taking work; free connections close
// now, busy ones retire and leases may be released until the deadline; then whatever is
// left closes, and the drain ends when the last close has settled. No timer or socket is
// left behind.
import type { ServerPool } from '../server/server-pool.js';

/** What the drain needs of the cluster. */
export interface Drainable {
  onSettled: (() => void) | undefined;
  readonly options: { readonly clock: import('../core/clock.js').Clock };
}

export async function drainServers<C>(cluster: Drainable, servers: readonly ServerPool<C>[], withinMs: number): Promise<void> {
  for (const s of servers) s.stop('shutdown', withinMs);
  await until(cluster, () => servers.every((s) => s.quiet), withinMs);
  for (const s of servers) s.closeAll('shutdown');
  await until(cluster, () => servers.every((s) => s.empty), Infinity);
  for (const s of servers) s.ctx.phase = 'closed';
  cluster.onSettled = undefined;
}

/** Resolves when `done()` holds (checked whenever something settles), or after `withinMs`. */
function until(cluster: Drainable, done: () => boolean, withinMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  const { clock } = cluster.options;
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    const finish = () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      cluster.onSettled = undefined;
      resolve();
    };
    cluster.onSettled = () => {
      if (done()) finish();
    };
    // Not unref'd: releasePool() is awaited, and the deadline is when it resolves.
    if (withinMs !== Infinity) timer = clock.setTimeout(finish, withinMs);
  });
}
