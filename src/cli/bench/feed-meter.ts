// The `feed` workload's second half: N changefeeds of the bench table, read through
// pool.changes(), and the latency of every change from the acknowledgement of its write to
// its arrival at each feed. The workers' inserts are the writes; the meter is told of each
// acknowledgement and matches the changes to it by id.
import { performance } from 'node:perf_hooks';
import r from 'rethinkdb';
import type { AsyncConnectionPool } from '../../index.js';
import { LatencyHistogram } from './histogram.js';

export interface FeedStats {
  readonly feeds: number;
  /** From start() to the last change received, ms: the changes' own span. */
  readonly spanMs: number;
  /** Changes received, over all feeds. */
  readonly changes: number;
  /** Changes that arrived before their write's answer (their latency counts as 0). */
  readonly beforeAck: number;
  readonly histogram: LatencyHistogram;
}

export interface FeedMeter {
  /** The write of row `id` was acknowledged now. */
  acknowledged(id: string): void;
  /** Starts counting (after the warm-up); what came before is forgotten. */
  start(): void;
  stop(): Promise<FeedStats>;
}

type Change = { new_val?: { id?: unknown } | null };

/** Opens `feeds` changefeeds on `db.table` and waits until each is live. */
export async function startFeedMeter(pool: AsyncConnectionPool, db: string, table: string, feeds: number): Promise<FeedMeter> {
  // Per write: when it was acknowledged, and how many feeds have yet to see it.
  const pending = new Map<string, { at: number | undefined; left: number; early: number }>();
  let histogram = new LatencyHistogram();
  let changes = 0;
  let beforeAck = 0;
  let startedAt = performance.now();
  let lastAt = startedAt;
  /** Called when every acknowledged write has reached every feed. */
  let drained: (() => void) | undefined;
  let acked = 0;
  const entry = (id: string) => {
    let e = pending.get(id);
    if (e === undefined) {
      e = { at: undefined, left: feeds, early: 0 };
      pending.set(id, e);
    }
    return e;
  };
  const seen = (id: string) => {
    const e = entry(id);
    changes++;
    if (e.at === undefined) {
      e.early++;
      beforeAck++;
      histogram.record(0);
    } else {
      histogram.record(Math.max(0, Math.round((performance.now() - e.at) * 1000)));
    }
    lastAt = performance.now();
    if (--e.left === 0) {
      pending.delete(id);
      if (e.at !== undefined && --acked === 0) drained?.();
    }
  };
  const opened = Array.from({ length: feeds }, () => pool.changes<Change>(r.db(db).table(table).changes() as never));
  // Each feed is live on the server once it yields its first item; a marker write makes sure.
  const readers = opened.map(async (feed) => {
    for await (const change of feed) {
      const id = change.new_val?.id;
      if (typeof id === 'string') seen(id);
    }
  });
  // Every feed is live once it has seen a marker row: only then may the writers start.
  const marker = `feed-meter-${process.pid}-${Date.now()}`;
  const live = new Promise<void>((resolve) => {
    drained = resolve;
  });
  // Counted as acknowledged before it is written: its changes may come before the answer.
  entry(marker).at = performance.now();
  acked++;
  await pool.run(r.db(db).table(table).insert({ id: marker }));
  await live;
  drained = undefined;
  return {
    acknowledged(id) {
      const e = entry(id);
      e.at = performance.now();
      if (e.left > 0) acked++;
    },
    start() {
      histogram = new LatencyHistogram();
      changes = 0;
      beforeAck = 0;
      startedAt = lastAt = performance.now();
    },
    async stop() {
      // The last writes' changes are still on their way: wait for them (10 s at most).
      if (acked > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const stats = { feeds, spanMs: lastAt - startedAt, changes, beforeAck, histogram };
      await Promise.all(opened.map((f) => f.close()));
      await Promise.all(readers.map((p) => p.catch(() => undefined)));
      return stats;
    },
  };
}
