// The clients of the chaos test (not a test file): each loops over a seeded mix of leased
// queries, multiplexed run(), cursors and writes with known ids, and records every operation
// it starts and how it settled.
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import type { AsyncConnectionPool } from '../../src/index.js';
import { mulberry32 } from './chaos-plan.js';

/** A query as both drivers build it: something with run(conn). */
export interface Query<T = unknown> {
  run(conn: never, options?: unknown): Promise<T>;
}

/** The queries the workload sends, in one driver's words. */
export interface Dialect {
  readonly name: 'official' | 'rethinkdb-ts';
  expr(value: unknown): Query;
  /** `r.range(n).count()` */
  count(n: number): Query<number>;
  /** `r.range(n)`: a cursor of n rows */
  range(n: number): Query;
  insert(table: string, doc: object): Query<{ inserted: number }>;
  /** Closes a leased connection at once (a client giving up on its query). */
  close(conn: unknown): Promise<void>;
}

export const OFFICIAL: Dialect = {
  name: 'official',
  expr: (v) => r.expr(v as never) as unknown as Query,
  count: (n) => range(n).count() as unknown as Query<number>,
  range: (n) => range(n) as unknown as Query,
  insert: (t, doc) => r.table(t).insert(doc) as unknown as Query<{ inserted: number }>,
  close: (conn) => (conn as r.Connection).close({ noreplyWait: false }),
};

export const RETHINKDB_TS: Dialect = {
  name: 'rethinkdb-ts',
  expr: (v) => rts.expr(v) as unknown as Query,
  count: (n) => rts.range(n).count() as unknown as Query<number>,
  range: (n) => rts.range(n) as unknown as Query,
  insert: (t, doc) => rts.table(t).insert(doc) as unknown as Query<{ inserted: number }>,
  close: (conn) => (conn as { close(o: object): Promise<void> }).close({ noreplyWait: false }),
};

export type OpKind = 'lease' | 'lease-write' | 'with-connection' | 'run' | 'run-write' | 'cursor';

export interface Op {
  readonly kind: OpKind;
  readonly start: number;
  end: number | undefined;
  error: unknown;
}

export interface Workload {
  readonly ops: Op[];
  /** Ids of inserts the server acknowledged (`inserted: 1`): they must be in the table. */
  readonly acked: string[];
  /** Asks the clients to stop after their current operation. */
  stop(): void;
  /** Resolves once every client has stopped. */
  readonly done: Promise<void>;
}

const KINDS: readonly OpKind[] = ['lease', 'lease-write', 'with-connection', 'run', 'run-write', 'cursor'];

/**
 * How long a leased query may take before the client gives up on it and releases the
 * connection with `discard: true`. Neither driver has a query timeout, and a query on a
 * leased connection is the lessee's own: the pool has no deadline on it. A careful
 * application bounds it and closes the connection, which rejects the query.
 */
export const LEASE_QUERY_DEADLINE_MS = 2_500;

/** Rows of a cursor operation: more than one batch of the server (125 rows), so it streams. */
const CURSOR_ROWS = 300;

type Conn = unknown;

/** `r.range(n)`, which @types/rethinkdb does not declare. */
export const range = (n: number): r.Sequence => (r as unknown as { range(n: number): r.Sequence }).range(n);

export function startWorkload(pool: AsyncConnectionPool<Conn, unknown>, clients: number, seed: number, table: string, q: Dialect): Workload {
  const ops: Op[] = [];
  const acked: string[] = [];
  let stopping = false;

  async function track(kind: OpKind, body: () => Promise<void>): Promise<void> {
    const op: Op = { kind, start: Date.now(), end: undefined, error: undefined };
    ops.push(op);
    try {
      await body();
    } catch (err) {
      op.error = err;
    } finally {
      op.end = Date.now();
    }
  }

  /**
   * Runs `query` on `conn`; past the deadline calls `giveUp` (which closes the connection and
   * so rejects the query with "Connection is closed.") and waits for the query to settle.
   */
  async function bounded<T>(conn: Conn, query: Query<T>, giveUp: () => void): Promise<T> {
    const running = query.run(conn as never);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), LEASE_QUERY_DEADLINE_MS);
    });
    const settled = running.then(() => false, () => false);
    try {
      if (await Promise.race([settled, deadline])) giveUp();
      return await running;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A leased query: released after, or discarded if it had to be given up. */
  async function leased<T>(conn: Conn, query: Query<T>): Promise<T> {
    let discarded = false;
    try {
      return await bounded(conn, query, () => {
        discarded = true;
        pool.release(conn, { discard: true });
      });
    } finally {
      if (!discarded) pool.release(conn);
    }
  }

  async function write(id: string, run: (query: Query<{ inserted: number }>) => Promise<{ inserted: number }>): Promise<void> {
    const result = await run(q.insert(table, { id, at: Date.now() }));
    if (result.inserted === 1) acked.push(id);
  }

  async function client(n: number): Promise<void> {
    const rng = mulberry32((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
    let i = 0;
    while (!stopping) {
      const kind = KINDS[Math.floor(rng() * KINDS.length)]!;
      const id = `c${n}-${i++}`;
      switch (kind) {
        case 'lease':
          await track(kind, async () => {
            const conn = await pool.acquire();
            await leased(conn, q.count(20));
          });
          break;
        case 'lease-write':
          await track(kind, async () => {
            const conn = await pool.acquire();
            await write(id, (query) => leased(conn, query));
          });
          break;
        case 'with-connection':
          // withConnection() releases the connection itself; a query given up closes it, and
          // the pool must notice on release that it is no longer open.
          await track(kind, async () => {
            await pool.withConnection((conn) => bounded(conn, q.expr({ n }), () => void q.close(conn).catch(() => undefined)));
          });
          break;
        case 'run':
          await track(kind, async () => {
            await pool.run(q.count(50));
          });
          break;
        case 'run-write':
          await track(kind, () => write(id, (query) => pool.run(query) as Promise<{ inserted: number }>));
          break;
        case 'cursor':
          await track(kind, async () => {
            const opened = await pool.cursor(q.range(CURSOR_ROWS) as never);
            const cursor = opened as unknown as { toArray(): Promise<unknown[]>; close(): Promise<void> };
            try {
              const rows = await cursor.toArray();
              if (rows.length !== CURSOR_ROWS) throw new Error(`cursor read ${rows.length} of ${CURSOR_ROWS} rows`);
            } finally {
              await Promise.resolve(cursor.close()).catch(() => undefined);
            }
          });
          break;
      }
      // A little think time: clients interleave instead of running in lock step.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(rng() * 15)));
    }
  }

  const running = Array.from({ length: clients }, (_, n) => client(n));
  return {
    ops,
    acked,
    stop() {
      stopping = true;
    },
    done: Promise.all(running).then(() => undefined),
  };
}

/** Operations that go through the pool's own machinery: their failures must be PoolErrors. */
export const POOL_MEDIATED: ReadonlySet<OpKind> = new Set(['run', 'run-write', 'cursor']);

/** `PoolTimeoutError:REPOOL_TIMEOUT`, `ReqlDriverError`, ...: the key failures are tallied by. */
export function errorKey(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown };
  const name = typeof e?.name === 'string' ? e.name : typeof err;
  return typeof e?.code === 'string' ? `${name}:${e.code}` : name;
}

/** Counts of `keys`, most frequent first, as `a=3 b=1`. */
export function tally(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
}
