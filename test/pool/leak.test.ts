import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, nextEvent, sleep, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('emits leak with the stack of the acquire() that took the connection', async () => {
  const pool = makePool(server, { poolSize: 1, leakDetectionMs: 30 });
  await pool.initPool();
  const leak = nextEvent(pool, 'leak');
  const conn = await pool.acquire(); // this line must appear in the stack
  const event = await leak;
  assert.match(event.stack, /leak\.test\.ts/);
  assert.ok(event.heldMs >= 30);
  assert.equal(pool.stats().leaks, 1);
  pool.release(conn);
  await pool.releasePool();
});

it('no leak when the lease ends in time, or when detection is off', async () => {
  for (const leakDetectionMs of [40, 0]) {
    const pool = makePool(server, { poolSize: 1, leakDetectionMs });
    await pool.initPool();
    let leaks = 0;
    pool.on('leak', () => leaks++);
    pool.release(await pool.acquire());
    await sleep(70);
    assert.equal(leaks, 0);
    await pool.releasePool();
  }
});
