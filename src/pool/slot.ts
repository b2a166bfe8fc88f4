// One connection's record inside a server pool. Its `state` is changed only by
// ServerPool.move(), the pool's single transition function.
import type { CloseReason } from './events.js';
import type { ServerPool } from './server-pool.js';

/** States of a connection; `new` and `closed` are outside every count, `closed` is final. */
export type SlotState = 'new' | 'opening' | 'idle' | 'leased' | 'closing' | 'closed';

/** A connection slot. */
export class Slot<C> {
  state: SlotState = 'new';
  /** Index inside the SlotSet of its state (see slot-set.ts); -1 when in none. */
  pos = -1;
  conn: C | undefined = undefined;
  /** When it opened and when it expires (`Infinity` without TTL), `Date.now()` based. */
  openedAt = 0;
  expiresAt = Infinity;
  /** Last time it became idle, and last time it was known to work (used or pinged). */
  idleSince = 0;
  checkedAt = 0;
  /** Lease bookkeeping: whether a caller holds it, since when, and a count of leases. */
  held = false;
  leasedAt = 0;
  leases = 0;
  /** Multiplexed `run()` queries and open cursors using it. */
  inFlight = 0;
  /** A ping (keepalive) is in progress: not available for hand-out meanwhile. */
  pinging = false;
  /** Set when it must close as soon as its in-flight queries finish. */
  retiring: CloseReason | undefined = undefined;
  /** While opening: aborts the connect when the pool no longer wants it (shutdown). */
  connecting: AbortController | undefined = undefined;
  ttlTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  leakTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly id: number,
    /** The server pool it belongs to (release() goes back there). */
    readonly owner: ServerPool<C>,
  ) {}
}
