// Fast path and FIFO: an idle connection is handed out without a timer; waiters are served
// in order; a released connection goes straight to the oldest waiter.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('serves waiters first come, first served', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const order: number[] = [];
  const waits = [0, 1, 2, 3].map((i) =>
    pool.acquire().then((c) => {
      order.push(i);
      pool.release(c);
    }),
  );
  assert.equal(pool.stats().waiting, 4);
  pool.release(held);
  await Promise.all(waits);
  assert.deepEqual(order, [0, 1, 2, 3]);
  await pool.releasePool();
});

it('a released connection goes straight to the oldest waiter', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const first = pool.acquire();
  const second = pool.acquire();
  pool.release(held);
  // Handed over synchronously: never idle in between.
  assert.equal(pool.stats().idle, 0);
  assert.equal(pool.stats().leased, 1);
  assert.equal(pool.stats().waiting, 1);
  assert.equal(await first, held);
  pool.release(held);
  assert.equal(await second, held);
  pool.release(held);
  await pool.releasePool();
});

it('the fast path starts no timer', async () => {
  const pool = makePool(server, { poolSize: 1, leakDetectionMs: 0 });
  await pool.initPool();
  const real = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return real(...args);
  }) as typeof setTimeout;
  let promise: Promise<unknown>;
  try {
    promise = pool.acquire();
  } finally {
    globalThis.setTimeout = real;
  }
  const conn = await promise;
  assert.equal(timers, 0);
  pool.release(conn as never);
  await pool.releasePool();
});
