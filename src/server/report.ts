// What a server's pool shows of itself: its counts for stats(), and its state for the errors
// that name every server. Every count is derived from the connection states.
import type { PoolConnectError, ServerReport } from '../core/errors.js';
import type { ServerStats, Totals } from '../core/stats.js';
import type { Connections } from './connections.js';
import type { HealthState } from './health.js';

/** The parts of a server pool a report reads. */
export interface Reportable<C> {
  readonly label: string;
  readonly id: string | undefined;
  readonly waiting: number;
  readonly table: Connections<C>;
  readonly health: { readonly state: HealthState; readonly lastError: PoolConnectError | undefined };
  readonly ctx: { readonly options: { readonly poolSize: number }; readonly totals: Totals; readonly stopReason: string };
}

export function reportOf<C>(s: Reportable<C>): ServerReport {
  const t = s.table;
  return {
    server: s.label, healthy: s.health.state !== 'down', lastError: s.health.lastError,
    size: t.size, leased: t.leased.size, opening: t.opening.size,
  };
}

export function statsOf<C>(s: Reportable<C>): ServerStats {
  const t = s.table;
  return {
    server: s.label,
    id: s.id,
    healthy: s.health.state !== 'down',
    removing: s.ctx.stopReason === 'removed',
    size: t.size,
    poolSize: s.ctx.options.poolSize,
    ready: t.ready.size,
    idle: t.free.size,
    leased: t.leased.size,
    opening: t.opening.size,
    retiring: t.retiring.size,
    closing: t.closing.size,
    waiting: s.waiting,
    inFlight: t.inFlight,
    cursors: t.cursors,
    feeds: t.feeds,
    ...s.ctx.totals,
  };
}
