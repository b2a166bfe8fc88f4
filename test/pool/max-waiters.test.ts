import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { PoolQueueFullError } from '../../src/index.js';
import { makePool, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('rejects with PoolQueueFullError at once past maxWaiters', async () => {
  const pool = makePool(server, { poolSize: 1, maxWaiters: 2 });
  await pool.initPool();
  const held = await pool.acquire();
  const a = pool.acquire();
  const b = pool.acquire();
  const err = await pool.acquire().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolQueueFullError);
  assert.equal(err.code, 'REPOOL_QUEUE_FULL');
  assert.match(err.message, /maxWaiters/);
  assert.equal(pool.stats().waiting, 2);
  pool.release(held);
  pool.release(await a);
  pool.release(await b);
  await pool.releasePool();
});

it('maxWaiters 0 never queues but still serves idle connections', async () => {
  const pool = makePool(server, { poolSize: 1, maxWaiters: 0 });
  await pool.initPool();
  const held = await pool.acquire();
  await assert.rejects(pool.acquire(), PoolQueueFullError);
  pool.release(held);
  pool.release(await pool.acquire());
  await pool.releasePool();
});
