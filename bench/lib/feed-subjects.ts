// The two ways bench/feeds.ts reads N changefeeds of one table, and the writer that feeds
// them. Both subjects count into the same kind of counter with the same code per change,
// and both are live (a marker row reached every feed) before they are handed back.
import r from 'rethinkdb';
import type { AsyncConnectionPool } from '../../src/index.js';

/** Changes delivered to all feeds of a subject; the writer reads it to bound the backlog. */
export interface Counter {
  changes: number;
  /** Called on each change while the writer waits for the feeds to catch up. */
  onChange: (() => void) | undefined;
}

export interface OpenFeeds {
  readonly counter: Counter;
  /** Connections that carry the feeds. */
  readonly connections: number;
  close(): Promise<void>;
}

type Change = { new_val?: unknown } | null;

function count(counter: Counter, item: Change): void {
  if (item?.new_val === undefined) return;
  counter.changes++;
  counter.onChange?.();
}

/** Inserts one marker row and waits until all `feeds` have seen it (then resets the count). */
async function waitLive(counter: Counter, feeds: number, conn: r.Connection, db: string, table: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  await r.db(db).table(table).insert({ id: `marker-${process.pid}-${Date.now()}` }).run(conn);
  while (counter.changes < feeds) {
    if (Date.now() > deadline) throw new Error(`only ${counter.changes} of ${feeds} feeds saw the marker row within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  counter.changes = 0;
}

/** N feeds through `pool.changes()`; the connections that carry them are read from stats(). */
export async function openPoolFeeds(
  pool: AsyncConnectionPool, feeds: number, writer: r.Connection, db: string, table: string,
): Promise<OpenFeeds> {
  const counter: Counter = { changes: 0, onChange: undefined };
  // The feeds of the run before may still be closing (their STOP answered later): the
  // connection count below is of this run's feeds only.
  while (pool.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const opened = Array.from({ length: feeds }, () => pool.changes<Change>(r.db(db).table(table).changes() as never));
  const readers = opened.map(async (feed) => {
    for await (const item of feed) count(counter, item);
  });
  await Promise.all(opened.map((f) => f.ready));
  await waitLive(counter, feeds, writer, db, table);
  const stats = pool.stats();
  return {
    counter,
    connections: stats.ready - stats.idle,
    async close() {
      await Promise.all(opened.map((f) => f.close()));
      await Promise.all(readers.map((p) => p.catch(() => undefined)));
    },
  };
}

/** N feeds of the bare official driver, `changes().run(conn)`, spread over `connections` connections. */
export async function openBareFeeds(
  address: { host: string; port: number; user: string; password: string },
  feeds: number, connections: number, writer: r.Connection, db: string, table: string,
): Promise<OpenFeeds> {
  const counter: Counter = { changes: 0, onChange: undefined };
  const conns = await Promise.all(Array.from({ length: connections }, () => r.connect(address)));
  for (const c of conns) c.on('error', () => undefined);
  const cursors = await Promise.all(
    Array.from({ length: feeds }, (_, i) => r.db(db).table(table).changes().run(conns[i % connections]!)),
  );
  let closed = false;
  // The driver drops a pending next() of a closed cursor without settling it: not awaited.
  for (const cursor of cursors) {
    void (async () => {
      while (!closed) count(counter, await cursor.next());
    })().catch(() => undefined);
  }
  await waitLive(counter, feeds, writer, db, table);
  return {
    counter,
    connections,
    async close() {
      closed = true;
      await Promise.all(cursors.map((c) => c.close().catch(() => undefined)));
      await Promise.all(conns.map((c) => c.close({ noreplyWait: false }).catch(() => undefined)));
    },
  };
}

export interface WriterOptions {
  /** Inserts in flight at once. */
  readonly concurrency: number;
  /** Rows per insert. */
  readonly batch: number;
  /** Most changes written but not yet delivered, per feed, before a writer waits. */
  readonly maxLag: number;
}

export interface Writer {
  /** Rows acknowledged so far. */
  readonly rows: () => number;
  stop(): Promise<void>;
}

/**
 * Inserts rows at full speed on `conn`, as far as the feeds keep up: a writer waits while more
 * than `maxLag` changes per feed are written but not delivered, so the server's changefeed
 * queues (100 000 changes by default, then it drops them all) never overflow.
 */
export function startWriter(conn: r.Connection, db: string, table: string, counter: Counter, feeds: number, o: WriterOptions): Writer {
  let sent = 0;
  let acked = 0;
  let stopped = false;
  const limit = o.maxLag * feeds;
  let wake: (() => void) | undefined;
  counter.onChange = () => {
    if (wake !== undefined && sent * feeds - counter.changes <= limit) {
      const w = wake;
      wake = undefined;
      w();
    }
  };
  let waiting: Promise<void> | undefined;
  const caughtUp = (): Promise<void> => {
    waiting ??= new Promise<void>((resolve) => {
      wake = () => {
        waiting = undefined;
        resolve();
      };
    });
    return waiting;
  };
  const rows = Array.from({ length: o.batch }, (_, i) => ({ n: i, text: 'a changefeed bench row' }));
  const loop = async (): Promise<void> => {
    while (!stopped) {
      if (sent * feeds - counter.changes > limit) {
        await caughtUp();
        continue;
      }
      sent += o.batch;
      await r.db(db).table(table).insert(rows).run(conn);
      acked += o.batch;
    }
  };
  const loops = Array.from({ length: o.concurrency }, loop);
  return {
    rows: () => acked,
    async stop() {
      stopped = true;
      counter.onChange = undefined;
      wake?.();
      await Promise.all(loops);
    },
  };
}
