import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, sleep, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('closes idle connections above minIdle after idleTimeoutMs (reason idle)', async () => {
  const pool = makePool(server, { poolSize: 3, minIdle: 1, idleTimeoutMs: 40 });
  const reasons: string[] = [];
  pool.on('close', (e) => reasons.push(e.reason));
  await pool.initPool();
  const conns = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  for (const c of conns) pool.release(c);
  assert.equal(pool.stats().idle, 3);
  await waitFor(() => pool.stats().idle === 1, 5_000, 'idle connections to close');
  await waitFor(() => reasons.length === 2);
  assert.deepEqual(reasons, ['idle', 'idle']);
  await sleep(100);
  assert.equal(pool.stats().idle, 1, 'minIdle connections stay');
  await pool.releasePool();
});

it('idleTimeoutMs 0 keeps idle connections', async () => {
  const pool = makePool(server, { poolSize: 2, minIdle: 0, idleTimeoutMs: 0 });
  await pool.initPool();
  await sleep(60);
  assert.equal(pool.stats().idle, 1);
  await pool.releasePool();
});
