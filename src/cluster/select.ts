// Which server gets new work, when there are several. Only servers not known down are
// candidates. Among them: one with an idle connection first (it can serve now, with no
// connection to open), then the least load (leased connections + multiplexed queries in
// flight), then the fewest connections opening. Remaining ties go round-robin, by starting
// the scan at a rotating index, so that equal servers share the work.
import type { ServerPool } from '../pool/server-pool.js';

/** The server for new work, or undefined when every server is known down. */
export function selectServer<C>(servers: readonly ServerPool<C>[], start: number): ServerPool<C> | undefined {
  const n = servers.length;
  let best: ServerPool<C> | undefined;
  let bestIdle = false;
  let bestLoad = 0;
  let bestOpening = 0;
  for (let k = 0; k < n; k++) {
    const s = servers[(start + k) % n]!;
    if (s.maintenance.healthy === false || s.phase !== 'open') continue;
    const idle = s.idle.length > 0;
    const load = s.leased.size + s.inFlight;
    const opening = s.opening.size;
    const better = best === undefined ||
      (idle !== bestIdle ? idle : load !== bestLoad ? load < bestLoad : opening < bestOpening);
    if (better) {
      best = s;
      bestIdle = idle;
      bestLoad = load;
      bestOpening = opening;
    }
  }
  return best;
}
