// The queries `repool bench` sends, built with the official driver, and the seed step that
// makes sure the table they read exists and holds rows 0..rows-1.
import r from 'rethinkdb';

export const WORKLOADS = ['point-get', 'insert', 'range', 'mixed', 'feed'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** A query of the official driver, as both `query.run(conn)` and `pool.run(query)` take it. */
export type BenchQuery = r.Operation<unknown>;

export interface WorkloadTarget {
  readonly db: string;
  readonly table: string;
  /** Rows 0..rows-1 exist (the seed step made sure). */
  readonly rows: number;
}

/** Rows a range query reads. */
export const RANGE_ROWS = 10;

// The mix of `mixed`: mostly reads, as most applications are (cumulative thresholds).
const MIX = { pointGet: 0.8, insert: 0.95 } as const; // else range (5 %)

export interface Workload {
  readonly name: WorkloadName;
  /** The next query to send; each call builds a fresh term (as an application would). */
  next(): BenchQuery;
}

function randomRow(rows: number): number {
  return Math.floor(Math.random() * rows);
}

/** A document like the seeded ones: small, a few fields of different types. */
export function makeRow(id: number | string, n: number): Record<string, unknown> {
  return { id, name: `row ${n}`, score: n % 1000, tags: ['bench', n % 2 === 0 ? 'even' : 'odd'] };
}

export function makeWorkload(name: WorkloadName, target: WorkloadTarget): Workload {
  const table = r.db(target.db).table(target.table);
  // String ids unique to this run, so inserts never collide with seeded rows, with each
  // other, or with an earlier run against the same real server.
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let inserted = 0;
  // @types/rethinkdb types primary keys as strings; the server takes any datum, and numeric
  // ids make "rows lo..lo+9" a simple range.
  const byKey = table as unknown as { get(key: number): BenchQuery };
  const pointGet = (): BenchQuery => byKey.get(randomRow(target.rows));
  const insert = (): BenchQuery => {
    const n = inserted++;
    return table.insert(makeRow(`${runId}-${n}`, n));
  };
  // A 10-row stream (a cursor on the wire): rows lo..lo+9 by primary key. getAll rather than
  // between(), which the embedded test server does not evaluate; on a real server both are
  // primary-index lookups.
  const range = (): BenchQuery => {
    const lo = randomRow(Math.max(1, target.rows - RANGE_ROWS + 1));
    const keys = Array.from({ length: Math.min(RANGE_ROWS, target.rows) }, (_, i) => lo + i);
    return (table as unknown as { getAll(...keys: number[]): BenchQuery }).getAll(...keys);
  };
  const pick: Record<WorkloadName, () => BenchQuery> = {
    'point-get': pointGet,
    insert,
    feed: insert,
    range,
    mixed: () => {
      const x = Math.random();
      return x < MIX.pointGet ? pointGet() : x < MIX.insert ? insert() : range();
    },
  };
  return { name, next: pick[name] };
}

/** Inserts of the feed workload: each returns its row's id, which the feeds' changes carry. */
export function feedInserts(db: string, table: string): () => { id: string; query: BenchQuery } {
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let n = 0;
  return () => {
    const id = `${runId}-f${n++}`;
    return { id, query: r.db(db).table(table).insert(makeRow(id, n)) };
  };
}

/** Runs one query and returns its result with any cursor read to an array. */
export type QueryRunner = (query: BenchQuery) => Promise<unknown>;

const SEED_BATCH = 500;

/**
 * Makes sure `db.table` exists and holds rows with ids 0..rows-1. A table made here gets
 * plain inserts; an existing one (a real server, a second run) gets upserts, so the step is
 * idempotent and never fails on rows that are already there.
 */
export async function seed(run: QueryRunner, target: WorkloadTarget): Promise<void> {
  const dbs = (await run(r.dbList())) as string[];
  if (!dbs.includes(target.db)) await run(r.dbCreate(target.db));
  const tables = (await run(r.db(target.db).tableList())) as string[];
  const created = !tables.includes(target.table);
  if (created) await run(r.db(target.db).tableCreate(target.table));
  const table = r.db(target.db).table(target.table);
  for (let start = 0; start < target.rows; start += SEED_BATCH) {
    const docs: Record<string, unknown>[] = [];
    for (let id = start; id < Math.min(target.rows, start + SEED_BATCH); id++) docs.push(makeRow(id, id));
    await run(created ? table.insert(docs) : table.insert(docs, { conflict: 'replace' }));
  }
}

/** Reads a driver result: cursors (streams) to an array, anything else as is. */
export async function drain(result: unknown): Promise<unknown> {
  if (result !== null && typeof result === 'object' && 'toArray' in result && typeof result.toArray === 'function') {
    return (await (result as r.Cursor).toArray()) as unknown;
  }
  return result;
}
