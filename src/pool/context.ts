// What a server pool shares with the facade and its sibling server pools, and what it asks
// of the set of servers it belongs to (implemented by cluster/servers.ts).
import type { DriverAdapter } from '../drivers/connector.js';
import type { PoolConnectError, PoolTimeoutError } from './errors.js';
import type { PoolEmitter } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { ServerPool } from './server-pool.js';
import type { Slot } from './slot.js';
import type { WaiterQueue } from './waiters.js';

/** What a server pool asks of the set of servers it belongs to (cluster/servers.ts). */
export interface ServerHooks<C> {
  /** The error for a request whose deadline passed. */
  timeoutError(timeoutMs: number): PoolTimeoutError;
  /** The error to reject with at once when `failFast` and `pool` (and every other) is down. */
  downError(pool: ServerPool<C>): Error;
  /** A connection attempt failed; `down`: no open connection is left, `wentDown`: just now. */
  connectFailed(pool: ServerPool<C>, error: PoolConnectError, down: boolean, wentDown: boolean): void;
  /** `pool` opened a connection after being unknown (`wasDown` false) or down. */
  up(pool: ServerPool<C>, wasDown: boolean): void;
  /** Connections being opened by servers not known down: they will serve the waiters. */
  openingForWaiters(): number;
  /** Offers the waiters to every server (one may serve them now, or open for them). */
  redispatch(): void;
  /** Whether a down server probes without demand (several servers: nothing else would). */
  probeWhileDown(): boolean;
  /** Whether the whole pool is closing. */
  closed(): boolean;
}

/** What a server pool shares with the facade and its sibling server pools. */
export interface PoolContext<C> {
  readonly connector: DriverAdapter<C, unknown>;
  readonly options: ResolvedOptions;
  readonly emitter: PoolEmitter;
  /** Every connection the pool owns (or that a caller still holds), to its slot. */
  readonly registry: Map<C, Slot<C>>;
  /** The FIFO of waiting calls, shared by every server: whichever frees a connection first serves the oldest. */
  readonly waiters: WaiterQueue<Slot<C>>;
  readonly hooks: ServerHooks<C>;
  /** The facade (`AsyncConnectionPool`), named in diagnostics_channel messages. */
  readonly pool: object;
  nextId(): number;
}

/** Per-call settings of a request for a connection. */
export interface Request {
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  stack: string | undefined;
}
