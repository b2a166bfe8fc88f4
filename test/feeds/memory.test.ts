// A long-lived feed keeps no memory per change it delivered: reading must not leave anything
// behind (a race of each read against a promise that lives as long as the feed kept one
// reaction per change, ~450 bytes, until the feed closed). The heap is measured after a full
// garbage collection, before and after 40 000 changes; what a leak would add is far above the
// allowance.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import r from 'rethinkdb';
import { AsyncConnectionPool } from '../../src/index.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let server: TestServer;
before(async () => {
  server = await startTestServer({ port: 0 });
});
after(() => server.stop());

const BATCH = 1000;

async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

it('a feed that delivered 40 000 changes holds no memory for them', async () => {
  const pool = new AsyncConnectionPool({ host: server.host, port: server.port }, { poolSize: 2 });
  await pool.run(r.db('test').tableCreate('memory'));
  const feed = pool.changes<{ new_val: { id: number } | null }>(r.table('memory').changes());
  await feed.ready;
  let id = 0;
  /** Writes and deletes rows until the feed has read `n` changes (an insert's, then a delete's). */
  const churn = async (n: number): Promise<void> => {
    for (let done = 0; done < n; done += 2 * BATCH) {
      const first = id + 1;
      const rows = Array.from({ length: BATCH }, () => ({ id: ++id }));
      const inserted = pool.run(r.table('memory').insert(rows));
      for (let i = 0; i < BATCH; i++) assert.equal((await feed.next()).value?.new_val?.id, first + i);
      await inserted;
      const deleted = pool.run(r.table('memory').delete());
      for (let i = 0; i < BATCH; i++) assert.equal((await feed.next()).value?.new_val, null);
      await deleted;
    }
  };
  await churn(5_000); // warm up: code compiled, buffers at their working size
  const before = await heapAfterGc();
  await churn(40_000);
  const grown = (await heapAfterGc()) - before;
  // A leak of ~450 bytes per change would be 18 MB here.
  assert.ok(grown < 4_000_000, `the heap grew ${grown} bytes over 40 000 changes`);
  await feed.close();
  await pool.releasePool();
});
