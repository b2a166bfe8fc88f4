// The convergence guarantee (not a test file; converge-*.test.ts run it). A consumer applies
// the items of pool.changes(table.changes({ includeInitial: true }), { converge: true }) by
// primary key to a Map, while writers insert, update and delete and a seeded fault plan
// drops connections, restarts the server with a down gap, blackholes the proxy (single
// server) or stops and starts nodes (cluster). When the writers stop and the feed is quiet,
// the map equals the table: every row, no extra row. Replay with CHAOS_SEED=<n>.
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool, type PoolEvents } from '../../src/index.js';
import { mulberry32 } from '../reliability/chaos-plan.js';

export type DriverName = 'official' | 'rethinkdb-ts';

/** The fault plan's hooks: what the setup (single server or cluster) can do to the servers. */
export interface Faults {
  /** Connect options of the pool under test (through the proxy, or the cluster's nodes). */
  readonly target: { host: string; port: number } | { servers: { host: string; port: number }[] };
  /** Where writers and the final check go, around the faults. */
  readonly direct: { host: string; port: number };
  /** One fault, chosen with `pick`; resolves once it is undone. */
  inject(pick: () => number): Promise<string>;
  heal(): Promise<void>;
}

type Change = { new_val?: Row | null; old_val?: Row | null; state?: string; error?: string };
type Row = { id: number; v: number };

const KEYS = 40;
const WRITERS = 4;
const WRITE_MS = 6_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The seed: CHAOS_SEED, or the fixed one CI runs. */
export function convergeSeed(): number {
  const env = process.env.CHAOS_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : 20_261_201;
}

export async function converge(driver: DriverName, faults: Faults, table: string, seed: number): Promise<string> {
  const ts = driver === 'rethinkdb-ts';
  const R = (ts ? rts : r) as unknown as typeof r;
  const admin = await r.connect(faults.direct);
  await r.db('test').tableCreate(table).run(admin);
  await r.table(table).insert(Array.from({ length: KEYS / 2 }, (_, i) => ({ id: i, v: 0 }))).run(admin);
  await admin.close();

  const connect = 'servers' in faults.target ? {} : { ...faults.target };
  const poolOptions = {
    ...('servers' in faults.target ? { servers: faults.target.servers } : {}),
    poolSize: 2, heartbeatMs: 500, pingTimeoutMs: 500, connectTimeoutMs: 1_000, backoff: { baseMs: 50, maxMs: 500 },
  };
  const pool = (ts
    ? new AsyncConnectionPool({ ...connect, silent: true }, { ...poolOptions, driver: rts })
    : new AsyncConnectionPool(connect, poolOptions)) as unknown as AsyncConnectionPool<unknown, unknown>;
  const resumes: PoolEvents['feedResumed'][] = [];
  pool.on('feedResumed', (e) => resumes.push(e));
  const map = new Map<number, Row>();
  let lastItemAt = Date.now();
  const feed = pool.changes<Change>(R.table(table).changes({ includeInitial: true } as never) as never, { converge: true });
  const consumer = (async () => {
    for await (const item of feed) {
      lastItemAt = Date.now();
      if (item.new_val) map.set(item.new_val.id, item.new_val);
      else if (item.new_val === null && item.old_val) map.delete(item.old_val.id);
    }
  })();

  // Writers go straight to the server (or any live node), around the faults of the pool's path.
  const writerPool = new AsyncConnectionPool(faults.direct, { poolSize: 2, acquireTimeoutMs: 2_000, backoff: { baseMs: 20, maxMs: 200 } });
  let writing = true;
  const writes = { ok: 0, failed: 0 };
  const writer = async (n: number) => {
    const rng = mulberry32((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
    while (writing) {
      const id = Math.floor(rng() * KEYS);
      const roll = rng();
      const q = roll < 0.4 ? r.table(table).insert({ id, v: Math.floor(rng() * 1e6) }, { conflict: 'replace' })
        : roll < 0.7 ? r.table(table).get(id as never).update({ v: Math.floor(rng() * 1e6) })
          : r.table(table).get(id as never).delete();
      await writerPool.run(q as never).then(() => writes.ok++, () => writes.failed++);
      await sleep(Math.floor(rng() * 10));
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, n) => writer(n));
  const plan = mulberry32(seed);
  const injected: string[] = [];
  const end = Date.now() + WRITE_MS;
  await sleep(300);
  while (Date.now() < end) {
    injected.push(await faults.inject(plan));
    await sleep(100 + Math.floor(plan() * 400));
  }
  await faults.heal();
  writing = false;
  await Promise.all(writers);

  // Quiet: no item for a while, and the map equals the table (read straight from a server).
  const check = await r.connect(faults.direct);
  const tableNow = async () => new Map(((await r.table(table).coerceTo('array').run(check)) as Row[]).map((row) => [row.id, row]));
  let truth = await tableNow();
  const deadline = Date.now() + 20_000;
  const same = () => map.size === truth.size && [...truth].every(([id, row]) => JSON.stringify(map.get(id)) === JSON.stringify(row));
  while (!(same() && Date.now() - lastItemAt > 500) && Date.now() < deadline) {
    await sleep(100);
    truth = await tableNow();
  }
  await check.close();
  const missing = [...truth.keys()].filter((id) => !map.has(id));
  const extra = [...map.keys()].filter((id) => !truth.has(id));
  const stale = [...truth].filter(([id, row]) => map.has(id) && JSON.stringify(map.get(id)) !== JSON.stringify(row)).map(([id]) => id);
  const replay = `CHAOS_SEED=${seed}`;
  assert.deepEqual({ missing, extra, stale }, { missing: [], extra: [], stale: [] }, `the map differs from the table (${replay}; faults: ${injected.join(' ')})`);
  assert.ok(resumes.length > 0, `the feed never had to resume (${replay}; faults: ${injected.join(' ')})`);
  await pool.releasePool();
  await consumer;
  await writerPool.releasePool();
  return `${driver} seed=${seed}: ${injected.length} faults (${injected.join(' ')}), ${writes.ok} writes (${writes.failed} failed), ` +
    `${resumes.length} resumes, ${truth.size} rows: the map equals the table`;
}
