// The clients the end-to-end benchmark compares, each set up alike (the same pool size, all
// connections open before measuring) and each sending the same query (a point get of a random
// seeded row), built fresh per call with its own driver, as an application would.
import r from 'rethinkdb';
import { r as rts, type Connection as RConnection } from 'rethinkdb-ts';
import rethinkdbdash from 'rethinkdbdash';
import { pool as repool } from './lib/package.js';

const { AsyncConnectionPool } = repool;
import type { Operation } from '../src/cli/bench/runner.js';

export type SubjectName = 'repool-run' | 'repool-lease' | 'repool-run-rts' | 'rethinkdb-ts' | 'rethinkdbdash' | 'bare';

export const SUBJECTS: readonly { name: SubjectName; label: string }[] = [
  { name: 'repool-run', label: 'async-repool run()' },
  { name: 'repool-lease', label: 'async-repool lease' },
  // The same pool over rethinkdb-ts' connections: tells pool cost from driver cost.
  { name: 'repool-run-rts', label: 'async-repool run(), rethinkdb-ts driver' },
  { name: 'rethinkdb-ts', label: 'rethinkdb-ts pool' },
  { name: 'rethinkdbdash', label: 'rethinkdbdash pool' },
  { name: 'bare', label: 'bare rethinkdb connection' },
];

export interface SubjectConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly db: string;
  readonly table: string;
  readonly rows: number;
  readonly poolSize: number;
}

export interface Subject {
  readonly op: Operation;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Waits until `ready()` holds (connections open), at most 10 s. */
async function until(what: string, ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready(); waited += 10) {
    if (waited > 10_000) throw new Error(`${what}: connections did not open within 10 s`);
    await sleep(10);
  }
}

export async function openSubject(name: SubjectName, c: SubjectConfig): Promise<Subject> {
  const key = (): number => Math.floor(Math.random() * c.rows);
  const connect = { host: c.host, port: c.port, user: c.user, password: c.password, db: c.db };
  switch (name) {
    case 'repool-run':
    case 'repool-lease': {
      const pool = new AsyncConnectionPool(connect, { poolSize: c.poolSize, acquireTimeoutMs: 600_000 });
      await pool.initPool();
      await until(name, () => pool.stats().idle >= c.poolSize);
      // @types/rethinkdb types keys as strings; the seeded ids are numbers.
      const table = r.db(c.db).table(c.table) as unknown as { get(k: number): r.Operation<unknown> };
      const op: Operation =
        name === 'repool-run'
          ? () => pool.run(table.get(key()))
          : async () => {
              const conn = await pool.acquire();
              try {
                return await table.get(key()).run(conn);
              } finally {
                pool.release(conn);
              }
            };
      return { op, close: () => pool.releasePool() };
    }
    case 'repool-run-rts': {
      const pool = new AsyncConnectionPool<RConnection>(connect, { poolSize: c.poolSize, acquireTimeoutMs: 600_000, driver: rts });
      await pool.initPool();
      await until(name, () => pool.stats().idle >= c.poolSize);
      return { op: () => pool.run(rts.db(c.db).table(c.table).get(key())), close: () => pool.releasePool() };
    }
    case 'rethinkdb-ts': {
      // rethinkdb-ts keeps one pool on its module-level `r`; `buffer` = connections kept open.
      const master = await rts.connectPool({
        ...connect, buffer: c.poolSize, max: c.poolSize, silent: true,
      });
      await until(name, () => master.getAvailableLength() >= c.poolSize);
      return {
        op: () => rts.db(c.db).table(c.table).get(key()).run(),
        close: () => master.drain(),
      };
    }
    case 'rethinkdbdash': {
      const dash = rethinkdbdash({ ...connect, buffer: c.poolSize, max: c.poolSize, silent: true, cursor: false });
      await until(name, () => dash.getPoolMaster().getAvailableLength() >= c.poolSize);
      return {
        op: () => Promise.resolve(dash.db(c.db).table(c.table).get(key()).run()),
        close: async () => { await dash.getPoolMaster().drain(); },
      };
    }
    case 'bare': {
      // One connection with every query in flight on it at once (RethinkDB tokens): the
      // floor that any pool's per-query overhead is measured against.
      const conn = await r.connect(connect);
      const table = r.db(c.db).table(c.table) as unknown as { get(k: number): r.Operation<unknown> };
      return { op: () => table.get(key()).run(conn), close: () => conn.close() };
    }
  }
}
