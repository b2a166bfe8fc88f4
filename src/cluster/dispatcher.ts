// Pairs waiting callers with connections, across every server. A free connection goes to
// the oldest caller of either kind; callers of multiplexed work also use busy connections
// with room, so they never wait behind a lease that waits. What cannot be served now
// becomes demand: connections opened on the servers that can take them (healthy first), and,
// when every server is full, busy connections fenced so that their work drains into a lease.
import { backgroundTimer, type Clock, type TimerHandle } from '../core/clock.js';
import type { ServerPool } from '../server/server-pool.js';
import type { Slot } from '../server/slot.js';
import { Work } from '../server/slot.js';
import type { CallerQueue, Waiter } from './queue.js';
import { byLoad } from './route.js';

export class Dispatcher<C> {
  #running = false;
  #again = false;
  /** Checks lease fences that do not drain (see #stuckFences). */
  #fenceTimer: TimerHandle | undefined = undefined;

  constructor(
    private readonly servers: readonly ServerPool<C>[],
    private readonly queue: CallerQueue<Slot<C>>,
    private readonly clock: Clock,
    /** The clock read coarsely (core/clock.ts), for hand-outs: TTL, validation, waited time. */
    private readonly now: () => number,
  ) {}

  /** Serves what can be served, then turns the rest into demand. Re-entrant calls fold into one. */
  run(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        this.#serve();
        this.#demand();
      } while (this.#again);
    } finally {
      this.#running = false;
    }
  }

  #serve(): void {
    const { queue } = this;
    for (;;) {
      const e = queue.exclusive.head;
      const s = queue.shared.head;
      if (e === undefined && s === undefined) return;
      const now = this.now();
      if (s !== undefined && (e === undefined || s.seq < e.seq)) {
        if (!this.#share(s, now, false)) return;
        continue;
      }
      if (this.#lease(e!, now)) continue;
      // No free connection: younger multiplexed callers may still use busy ones.
      if (s === undefined || !this.#share(s, now, true)) return;
    }
  }

  /** Leases a free connection to `w` (validating it first if needed); false if none is free. */
  #lease(w: Waiter<Slot<C>>, now: number): boolean {
    for (const server of byLoad(this.servers)) {
      const fresh = server.pick.takeFree(now);
      if (fresh !== undefined) {
        server.lease(fresh, now, now - w.since, w.stack);
        w.fulfil(fresh);
        return true;
      }
      if (server.pick.stale !== undefined) {
        this.#validateFor(w, server, server.pick.stale);
        return true;
      }
    }
    return false;
  }

  /**
   * Pings a stale connection for `w`, out of the queue meanwhile; the TTL is checked after
   * the ping. A lease gets the connection; multiplexed work starts on it, and the others
   * waiting may share it after.
   */
  #validateFor(w: Waiter<Slot<C>>, server: ServerPool<C>, slot: Slot<C>): void {
    const { queue } = this;
    queue.remove(w);
    queue.validating.add(w);
    void server.validate(slot).then((ok) => {
      queue.validating.delete(w);
      const now = this.clock.now();
      if (ok && (w.settled || !server.usable)) {
        server.unfence(slot);
        return;
      }
      if (ok && now >= slot.expiresAt) server.retire(slot, 'ttl');
      else if (ok && w.exclusive) {
        server.lease(slot, now, now - w.since, w.stack);
        w.fulfil(slot);
        return;
      } else if (ok) {
        server.startWork(slot, w.kind as Work);
        server.unfence(slot);
        w.fulfil(slot);
        if (queue.length > 0) this.run();
        return;
      }
      queue.requeue(w);
      this.run();
    });
  }

  /** Gives `w` a connection with room for its work (validating one if need be); false if there is none. */
  #share(w: Waiter<Slot<C>>, now: number, busyOnly: boolean): boolean {
    const longLived = w.kind !== Work.Query;
    let stale: { server: ServerPool<C>; slot: Slot<C> } | undefined;
    for (const server of byLoad(this.servers)) {
      const fresh = server.pick.takeShared(now, longLived, busyOnly);
      if (fresh !== undefined) {
        server.startWork(fresh, w.kind as Work);
        w.fulfil(fresh);
        return true;
      }
      if (server.pick.stale !== undefined) stale ??= { server, slot: server.pick.stale };
    }
    if (stale === undefined) return false;
    this.#validateFor(w, stale.server, stale.slot);
    return true;
  }

  /** Opens connections for the callers left, or fences busy ones when every server is full. */
  #demand(): void {
    const { queue, servers } = this;
    let fences = 0;
    for (const s of servers) fences += s.table.leaseFences;
    const leases = queue.exclusive.length;
    const leaseNeed = Math.max(0, leases - fences);
    let need = leaseNeed + (queue.shared.length > 0 ? 1 : 0);
    const usable = byLoad(servers);
    // Every server down: each retries for the callers, one attempt at a time with backoff.
    const targets = usable.length > 0 ? usable : servers;
    for (const server of targets) {
      const { table } = server;
      const room = Math.max(0, server.ctx.options.poolSize - table.ready.size - table.leased.size);
      const take = Math.min(room, need);
      server.want(take);
      // A server not known up (a silent node's connects may never finish) covers nothing:
      // the same demand also goes to the next server.
      if (server.health.state === 'up') need -= take;
    }
    if (usable.length > 0) for (const server of servers) if (!server.usable) server.want(0);
    let fenceNeed = Math.min(need, leaseNeed);
    for (const server of usable) {
      while (fenceNeed > 0 && server.health.state === 'up' && server.fenceOne()) {
        fenceNeed--;
        fences++;
      }
    }
    // Fewer lease waiters than fences (some left): give the extra connections back.
    for (const server of servers) {
      while (fences > leases && server.table.leaseFences > 0) {
        server.unfenceOne();
        fences--;
      }
    }
    if (fences > 0 && this.#fenceTimer === undefined) this.#watchFences();
  }

  /**
   * A fence whose work does not drain within pingTimeoutMs (a long query, a feed, an answer
   * that never comes) would hold a lease back until its deadline: that connection retires
   * instead, and a new one opens for the lease (retiring ones do not count against poolSize).
   */
  #watchFences(): void {
    const servers = this.servers;
    const patience = servers[0]?.ctx.options.pingTimeoutMs ?? 5_000;
    let next = Infinity;
    for (const server of servers) next = Math.min(next, server.retireStuckFences(this.clock.now() - patience));
    if (next === Infinity) return;
    this.#fenceTimer = backgroundTimer(this.clock, () => {
      this.#fenceTimer = undefined;
      this.#watchFences();
      this.run();
    }, Math.max(1, next + patience - this.clock.now()));
  }
}
