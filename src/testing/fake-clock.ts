// A fake clock for the pool's `clock` option: time moves only when a test says so, and the
// pool's timers (TTL, idle, keepalive, heartbeat, backoff, deadlines, retirement) fire in
// order as it does. Tests of timer behaviour then wait for nothing and race nothing.
import type { Clock, TimerHandle } from '../core/clock.js';

/** A clock whose time a test moves (see {@link createFakeClock}). */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer due on the way in order of its time, and
   * lets the promise callbacks (and I/O already done) of each run before the next timer.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and not yet fired or cleared. */
  readonly pending: number;
}

interface FakeTimer extends TimerHandle {
  readonly seq: number;
  at: number;
  callback: (() => void) | undefined;
}

/** Lets promise callbacks and already-arrived I/O run (one turn of the event loop). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A fake clock starting at `start` (ms). Pass it as the pool's `clock` option; `advance()`
 * moves time. Real sockets still work under it: only the pool's own time is fake.
 */
export function createFakeClock(start = 0): FakeClock {
  let time = start;
  let seq = 0;
  const timers = new Set<FakeTimer>();
  const next = (until: number): FakeTimer | undefined => {
    let best: FakeTimer | undefined;
    for (const t of timers) {
      if (t.at > until) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  };
  return {
    now: () => time,
    setTimeout(callback, ms) {
      const timer: FakeTimer = { seq: seq++, at: time + Math.max(0, ms), callback, unref: () => timer };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as FakeTimer);
    },
    async advance(ms) {
      const until = time + ms;
      await turn();
      for (let t = next(until); t !== undefined; t = next(until)) {
        timers.delete(t);
        time = Math.max(time, t.at);
        t.callback?.();
        await turn();
      }
      time = until;
      await turn();
    },
    get pending() {
      return timers.size;
    },
  };
}
