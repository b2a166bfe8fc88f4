// Which server gets work first, when there are several: only servers that take work (open,
// not known down); among them the least loaded (leased connections and work in flight per
// connection open), ties broken round-robin so that equal servers share the work.
import type { ServerPool } from '../server/server-pool.js';

let turn = 0;

/** The servers that take work, least loaded first. With one server, that server alone. */
export function byLoad<C>(servers: readonly ServerPool<C>[]): readonly ServerPool<C>[] {
  if (servers.length === 1) return servers[0]!.usable ? servers : [];
  turn = (turn + 1) % servers.length;
  const start = turn;
  const usable: ServerPool<C>[] = [];
  for (let k = 0; k < servers.length; k++) {
    const s = servers[(start + k) % servers.length]!;
    if (s.usable) usable.push(s);
  }
  // Stable: equal loads keep the rotated order.
  return usable.sort((a, b) => load(a) - load(b));
}

/** The first of byLoad(servers), found without sorting or allocating (the hand-out path). */
export function leastLoaded<C>(servers: readonly ServerPool<C>[]): ServerPool<C> | undefined {
  turn = (turn + 1) % servers.length;
  let best: ServerPool<C> | undefined;
  let bestLoad = Infinity;
  for (let k = 0; k < servers.length; k++) {
    const s = servers[(turn + k) % servers.length]!;
    if (!s.usable) continue;
    const l = load(s);
    if (l < bestLoad) {
      best = s;
      bestLoad = l;
    }
  }
  return best;
}

/** Leased connections plus multiplexed work, per connection open (a server with none open counts as empty). */
export function load<C>(s: ServerPool<C>): number {
  const t = s.table;
  const open = t.ready.size + t.leased.size;
  if (open === 0) return t.opening.size > 0 ? 0.5 : 0;
  return (t.leased.size + t.inFlight) / open - (t.free.size > 0 ? 1 : 0);
}
