import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('an aborted acquire() rejects with the signal reason and leaves the queue', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const ac = new AbortController();
  const waiting = pool.acquire({ signal: ac.signal });
  const next = pool.acquire();
  assert.equal(pool.stats().waiting, 2);
  ac.abort(new Error('user gave up'));
  await assert.rejects(waiting, /user gave up/);
  assert.equal(pool.stats().waiting, 1);
  pool.release(held);
  assert.equal(await next, held); // the aborted waiter did not take a turn
  pool.release(held);
  await pool.releasePool();
});

it('an already-aborted signal rejects at once, even with an idle connection', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  await assert.rejects(pool.acquire({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(pool.stats().leased, 0);
  await pool.releasePool();
});

it('aborting after the connection was handed out changes nothing', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const ac = new AbortController();
  const conn = await pool.acquire({ signal: ac.signal });
  ac.abort();
  assert.equal(pool.stats().leased, 1);
  pool.release(conn);
  await pool.releasePool();
});
