// One connection's record. Its `state` is changed only by Connections.move() (the single
// transition function, connections.ts); everything else here is data about the connection
// in that state.
import type { TimerHandle } from '../core/clock.js';
import type { CloseReason } from '../core/events.js';

/**
 * States of a connection (DESIGN section 3). `opening`: being connected; `ready`: open and
 * taking work (leases when it carries none, multiplexed work at any time); `leased`: held by
 * one caller, nothing else runs on it; `retiring`: must go, takes no new work, closes when
 * its work settles; `closing`: being closed; `closed`: final, in no count.
 */
export type SlotState = 'opening' | 'ready' | 'leased' | 'retiring' | 'closing' | 'closed';

/**
 * A reservation on a ready connection: it takes no new multiplexed work. `lease`: fenced so
 * that its work drains and a waiting `acquire()` gets it; `probe`: being validated; `quiet`:
 * carrying work, it answered no ping while its server answered on another connection (busy
 * with a CPU-bound query, or mute behind a proxy: heartbeat.ts), until it is heard from.
 */
export type Fence = 'lease' | 'probe' | 'quiet';

/**
 * Kinds of multiplexed work, as counted on a connection. `Ping`: the pool's own ping
 * (validation, keepalive, heartbeat), counted on the slot but not in stats.
 */
export const Work = { Query: 0, Cursor: 1, Feed: 2, Ping: 3 } as const;
export type Work = (typeof Work)[keyof typeof Work];

/** Where a slot belongs: its server's pool, which takes it back on release. */
export interface SlotHome<C> {
  /** `host:port` of the server. */
  readonly label: string;
  /** Ends the lease of `slot` (the facade has checked that it is leased). */
  release(slot: Slot<C>, discard: boolean): void;
}

export class Slot<C> {
  state: SlotState = 'opening';
  /**
   * Its index inside the set that holds it (slot-set.ts): a slot is in one set of its
   * server's at a time (the container of its state; for a ready one, free or busy).
   */
  index = -1;
  conn: C | undefined = undefined;
  /** Open cursors and feeds: long-lived work, packed onto few connections and fenced last. */
  get longLived(): number {
    return this.cursors + this.feeds;
  }
  /** Clock times: opened, expires (`Infinity` without TTL), last known to work, last became free. */
  openedAt = 0;
  expiresAt = Infinity;
  checkedAt = 0;
  idleSince = 0;
  /** Multiplexed work on it: queries, cursors, feeds and the pool's pings; and each kind apart. */
  work = 0;
  queries = 0;
  cursors = 0;
  feeds = 0;
  fence: Fence | undefined = undefined;
  /** When its lease fence was set (clock time). */
  fencedAt = 0;
  /** Times leased, and the number of the lease out now (0: none). */
  uses = 0;
  lease = 0;
  leasedAt = 0;
  /** Why it must go: set while retiring, or while leased (it closes on release). */
  retireReason: CloseReason | undefined = undefined;
  /** What a lessee may change on the connection (its default db), as set up: restored on release. */
  session: unknown = undefined;
  /** Heartbeat: the driver's read count when last looked at, and the time it last moved. */
  heard = 0;
  heardAt = 0;
  /** While opening: aborts the connect. */
  connecting: AbortController | undefined = undefined;
  ttlTimer: TimerHandle | undefined = undefined;
  leakTimer: TimerHandle | undefined = undefined;
  retireTimer: TimerHandle | undefined = undefined;
  /** While retiring: when it closes at the latest (clock time). */
  retireAt = Infinity;

  constructor(
    /** The pool's number for the connection (1, 2, ...), stable for its life. */
    readonly id: number,
    readonly home: SlotHome<C>,
  ) {}
}
