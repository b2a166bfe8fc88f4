import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolConnectError, PoolError, PoolTimeoutError } from '../../src/index.js';
import { deadPort, makePool, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('acquire() rejects with PoolTimeoutError at acquireTimeoutMs, carrying the counts', async () => {
  const pool = makePool(server, { poolSize: 1, acquireTimeoutMs: 40 });
  await pool.initPool();
  const held = await pool.acquire();
  const err = await pool.acquire().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolTimeoutError);
  assert.ok(err instanceof PoolError);
  assert.equal(err.code, 'REPOOL_TIMEOUT');
  assert.equal(err.stats.leased, 1);
  assert.equal(err.stats.size, 1);
  assert.equal(err.lastConnectError, undefined);
  assert.match(err.message, /acquireTimeoutMs|poolSize/);
  assert.equal(pool.stats().waiting, 0);
  assert.equal(pool.stats().timeouts, 1);
  pool.release(held);
  await pool.releasePool();
});

it('a per-call timeoutMs overrides the pool deadline', async () => {
  const pool = makePool(server, { poolSize: 1, acquireTimeoutMs: 60_000 });
  await pool.initPool();
  const held = await pool.acquire();
  await assert.rejects(pool.acquire({ timeoutMs: 30 }), PoolTimeoutError);
  pool.release(held);
  await pool.releasePool();
});

it('carries the last connect error when the server cannot be reached', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { acquireTimeoutMs: 150, backoff: { baseMs: 10, maxMs: 20 } });
  const err = await pool.acquire().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolTimeoutError);
  assert.ok(err.lastConnectError instanceof PoolConnectError);
  assert.equal(err.cause, err.lastConnectError);
  assert.match(err.message, /ECONNREFUSED|connect/);
  await pool.releasePool();
});
