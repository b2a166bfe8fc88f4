// What the parts of one server's pool share (opener, housekeeper, closer, heartbeat), and
// what the server asks of the cluster above it (ServerListener). The server never sees a
// caller: it tells the cluster that a connection became free, that connects fail, that the
// server went down or up, and the cluster decides what that means for waiting callers.
import type { Clock } from '../core/clock.js';
import type { PoolConnectError } from '../core/errors.js';
import type { CloseReason } from '../core/events.js';
import type { Notifier } from '../core/notifier.js';
import type { ResolvedOptions } from '../core/resolve-options.js';
import type { Totals } from '../core/stats.js';
import type { Driver } from '../drivers/driver.js';
import type { ConnectBudget } from './budget.js';
import type { Connections } from './connections.js';
import type { Slot, SlotHome } from './slot.js';

/** The cluster, as a server sees it. */
export interface ServerListener<C> {
  /** A connection of `server` became free (opened, released, drained, validated). */
  free(server: SlotHome<C>, slot: Slot<C>): void;
  /** A connection of `server` has room for more multiplexed work again. */
  capacity(server: SlotHome<C>): void;
  /** An attempt to connect failed; `down`: the server has no open connection left. */
  connectFailed(server: SlotHome<C>, error: PoolConnectError, down: boolean): void;
  /** The server went down (connects fail or time out, or it answers no ping) or came up. */
  health(server: SlotHome<C>, up: boolean, wasDown: boolean, error: PoolConnectError | undefined): void;
  /** A connection told the server's id (SERVER_INFO). */
  identified(server: SlotHome<C>, id: string): void;
  /** Whether a down server should probe without demand of its own (several servers: nothing else would). */
  probeWhileDown(): boolean;
  /** Something of `server` settled (a connection closed, a lease ended): a drain may be done. */
  settled(server: SlotHome<C>): void;
  /** Whether callers wait for a connection (of any server). */
  readonly waiting: boolean;
  /**
   * A lease of `server` ended on a connection that may be leased again as it is: true if the
   * oldest caller waits for a lease and got it (then the server leases it to them at once).
   */
  handOff(server: SlotHome<C>, slot: Slot<C>, now: number): boolean;
}

export type Phase = 'open' | 'draining' | 'closed';

/** The shared state of one server's pool. */
export interface ServerContext<C> {
  /** `host:port`. */
  readonly label: string;
  /** Given unchanged to the driver's connect(). */
  readonly connectOptions: unknown;
  readonly options: ResolvedOptions<C>;
  readonly driver: Driver<C>;
  readonly notify: Notifier;
  readonly clock: Clock;
  /** The clock, read coarsely (see core/clock.ts): for TTL, validation and hold times. */
  readonly now: () => number;
  readonly table: Connections<C>;
  readonly listener: ServerListener<C>;
  /** Every connection of the pool (all servers) to its slot; the facade finds leases here. */
  readonly registry: Map<C, Slot<C>>;
  readonly home: SlotHome<C>;
  readonly totals: Totals;
  nextId(): number;
  phase: Phase;
  /** Close reason of connections closed because this server stops: `shutdown` or `removed`. */
  stopReason: CloseReason;
  /** Opens connections for the demand and minIdle (the opener's fill()). */
  refill(): void;
  /** Attempts to servers not known up, shared by the pool's servers. */
  readonly budget: ConnectBudget;
}
