// Which connection takes work: a free one for a lease (the most recently used, within its
// TTL, known to work), or one with room for multiplexed work (short queries batched per turn
// of the event loop, cursors and feeds packed). The choice only; the server pool starts the
// lease or the work on what it returns.
import { retireSlot } from './closer.js';
import type { ServerContext } from './context.js';
import type { Slot } from './slot.js';

export class Picker<C> {
  constructor(private readonly ctx: ServerContext<C>) {}

  /** After takeFree() or takeShared() found no connection: a free one that needs a ping first, if any. */
  stale: Slot<C> | undefined = undefined;

  /**
   * A free connection that can be leased now: within its TTL (expired ones retire on the
   * way), and known to work in the last `validateAfterIdleMs`. When there is none, `stale`
   * holds the first free connection that needs a ping first (the caller validates it).
   */
  takeFree(now: number): Slot<C> | undefined {
    const { free } = this.ctx.table;
    const { validateAfterIdleMs } = this.ctx.options;
    this.stale = undefined;
    for (let i = free.size - 1; i >= 0; i--) {
      const slot = free.at(i);
      if (now >= slot.expiresAt) {
        retireSlot(this.ctx, slot, 'ttl');
        continue; // the set changed under the index: it only shrank at or above i
      }
      if (now - slot.checkedAt < validateAfterIdleMs) return slot;
      this.stale = slot;
      return undefined;
    }
    return undefined;
  }

  /**
   * The connection for one more piece of multiplexed work: not fenced, below
   * `maxQueriesPerConnection`. Short work goes to the connection that took short work
   * earlier in this turn while it carries fewer than BATCH queries (their writes leave in one
   * system call), else to the least busy; cursors and feeds are
   * packed onto the connection that carries the most of them. `busyOnly`: leave free
   * connections to leases. When no connection can take the work now, `stale` holds a free
   * connection that needs a ping first (the caller validates it).
   */
  takeShared(now: number, longLived: boolean, busyOnly = false): Slot<C> | undefined {
    const { ready } = this.ctx.table;
    const { maxQueriesPerConnection: cap, validateAfterIdleMs } = this.ctx.options;
    this.stale = undefined;
    const batch = this.#batch;
    // work > 0: still busy, so not a free connection a lease may need, and known to work.
    if (!longLived && batch !== undefined && batch.state === 'ready' && batch.fence === undefined && batch.work > 0 && batch.work < Math.min(cap, BATCH)) {
      return batch;
    }
    let best: Slot<C> | undefined;
    let stale: Slot<C> | undefined;
    for (let i = ready.size - 1; i >= 0; i--) {
      const slot = ready.at(i);
      if (slot.fence !== undefined || slot.work >= cap) continue;
      if (slot.work === 0) {
        if (busyOnly || now >= slot.expiresAt) continue; // an expired one retires by its TTL timer
        if (now - slot.checkedAt >= validateAfterIdleMs) {
          stale ??= slot;
          continue;
        }
      }
      if (best === undefined || better(slot, best, longLived)) best = slot;
      if (!longLived && slot.work === 0) break;
    }
    if (best === undefined) {
      this.stale = stale;
      return undefined;
    }
    if (!longLived) {
      if (this.#batch === undefined) process.nextTick(this.#endBatch);
      this.#batch = best;
    }
    return best;
  }

  /** The connection short work of this turn goes to (see takeShared), until the turn's writes flush. */
  #batch: Slot<C> | undefined = undefined;
  readonly #endBatch = (): void => {
    this.#batch = undefined;
  };
}

/**
 * Short queries one connection takes in one turn of the event loop before the next goes to
 * another: their writes are corked together (drivers/socket-watch.ts), so a batch costs the
 * client and the server one system call each way instead of one per query. Measured with
 * `npm run bench:e2e` (point gets, pool size 16) on a 2-core machine: at concurrency 16, 1
 * (no batching) 29 k queries/s, 2: 32 k, 4: 40 k, 8: 36 k, 16: 23 k (a few connections carry
 * everything and each batch waits for the one before); at 64, 41 k / 48 k / 51 k / 50 k / 34 k.
 */
const BATCH = 4;

function better<C>(a: Slot<C>, b: Slot<C>, longLived: boolean): boolean {
  if (longLived && a.longLived !== b.longLived) return a.longLived > b.longLived;
  if (longLived) return a.work > b.work; // pack: keep emptier connections for short work and leases
  return a.work < b.work;
}
