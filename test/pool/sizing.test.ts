// One state machine: opening + idle + leased <= poolSize always; stats() shows the counts;
// opening happens only for real demand.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, sleep, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('never exceeds poolSize under a burst of acquires, and stats() shows every state', async () => {
  const pool = makePool(server, { poolSize: 3, minIdle: 0 });
  const seen: number[] = [];
  const sample = () => {
    const s = pool.stats();
    assert.equal(s.size, s.opening + s.idle + s.leased);
    seen.push(s.size);
  };
  for (const e of ['open', 'close', 'acquire', 'release'] as const) pool.on(e, sample);
  const work = Array.from({ length: 20 }, () =>
    pool.withConnection(async () => {
      sample();
      await sleep(2);
    }),
  );
  sample();
  assert.equal(pool.stats().waiting, 20);
  assert.ok(pool.stats().opening > 0);
  await Promise.all(work);
  assert.ok(Math.max(...seen) <= 3, `size went to ${Math.max(...seen)}`);
  assert.equal(pool.stats().created, 3);
  await pool.releasePool();
});

it('opens minIdle connections at init and more only for demand', async () => {
  const pool = makePool(server, { poolSize: 4, minIdle: 1 });
  await pool.initPool();
  await sleep(30);
  assert.equal(pool.stats().size, 1);
  assert.equal(pool.stats().created, 1);
  const a = await pool.acquire(); // takes the idle one; idle < minIdle: one more opens
  await waitFor(() => pool.stats().idle === 1);
  await sleep(30);
  assert.equal(pool.stats().size, 2);
  const b = await pool.acquire();
  const c = await pool.acquire();
  await waitFor(() => pool.stats().idle === 1);
  assert.equal(pool.stats().size, 4);
  const d = await pool.acquire();
  assert.equal(pool.stats().size, 4);
  for (const conn of [a, b, c, d]) pool.release(conn);
  assert.equal(pool.stats().created, 4);
  await pool.releasePool();
});

it('with minIdle 0 opens nothing in the background', async () => {
  const pool = makePool(server, { poolSize: 3, minIdle: 0 });
  await pool.initPool(); // opens one to check the server
  await sleep(50);
  assert.equal(pool.stats().created, 1);
  await pool.releasePool();
});

it('minIdle defaults to poolSize: the pool refills to poolSize', async () => {
  const pool = makePool(server, { poolSize: 2 });
  await pool.initPool();
  assert.equal(pool.stats().idle, 2);
  const conn = await pool.acquire();
  await waitFor(() => pool.stats().size === 2);
  pool.release(conn);
  assert.equal(pool.stats().idle, 2);
  await pool.releasePool();
});
