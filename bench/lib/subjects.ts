// The pools the overhead benchmark compares, each set up alike: `size` connections, all
// opened before measuring, no validation on borrow, no idle reaping during the run.
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { pool as repool } from './package.js';

const { AsyncConnectionPool } = repool;
import { memoryConnector, type MemoryConnection } from './memory-connector.js';
import { MinimalPool } from './minimal-pool.js';

export interface Subject {
  acquire(): Promise<MemoryConnection>;
  release(conn: MemoryConnection): unknown;
  close(): Promise<void>;
}

export type SubjectName = 'async-repool' | 'generic-pool' | 'tarn' | 'minimal';
export const SUBJECTS: readonly SubjectName[] = ['async-repool', 'generic-pool', 'tarn', 'minimal'];

let nextId = 0;
const create = async (): Promise<MemoryConnection> => ({ id: ++nextId, open: true });

export async function makeSubject(name: SubjectName, size: number): Promise<Subject> {
  switch (name) {
    case 'async-repool': {
      const pool = new AsyncConnectionPool({}, {
        driver: memoryConnector(),
        poolSize: size,
        acquireTimeoutMs: 600_000,
      });
      await pool.initPool();
      while (pool.stats().idle < size) await new Promise((r) => setTimeout(r, 5));
      return {
        acquire: () => pool.acquire(),
        release: (c) => pool.release(c),
        close: () => pool.releasePool(),
      };
    }
    case 'generic-pool': {
      const pool = genericPool.createPool(
        { create, destroy: async (c: MemoryConnection) => { c.open = false; } },
        { max: size, min: size, acquireTimeoutMillis: 600_000 },
      );
      await pool.ready();
      return {
        acquire: () => pool.acquire(),
        release: (c) => pool.release(c),
        close: async () => { await pool.drain(); await pool.clear(); },
      };
    }
    case 'tarn': {
      const pool = new TarnPool<MemoryConnection>({
        create,
        destroy: (c) => { c.open = false; },
        min: size,
        max: size,
        acquireTimeoutMillis: 600_000,
        propagateCreateError: false,
      });
      // tarn opens lazily: warm it up to `size` resources before measuring.
      const held = await Promise.all(Array.from({ length: size }, () => pool.acquire().promise));
      for (const c of held) pool.release(c);
      return {
        acquire: () => pool.acquire().promise,
        release: (c) => pool.release(c),
        close: async () => { await pool.destroy(); },
      };
    }
    case 'minimal': {
      const conns = await Promise.all(Array.from({ length: size }, create));
      const pool = new MinimalPool(conns);
      return { acquire: () => pool.acquire(), release: (c) => pool.release(c), close: async () => {} };
    }
  }
}
