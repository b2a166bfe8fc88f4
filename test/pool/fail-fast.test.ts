import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, PoolConnectError, PoolTimeoutError } from '../../src/index.js';
import { deadPort } from './helpers.js';

it('failFast: acquire() rejects at once with the connect error when the server is known down', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { failFast: true, acquireTimeoutMs: 60_000 });
  const init = await pool.initPool().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(init instanceof PoolConnectError);
  assert.equal(init.code, 'REPOOL_CONNECT');
  assert.ok(init.cause instanceof Error);
  const err = await pool.acquire().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolConnectError);
  assert.equal(pool.stats().waiting, 0);
  await pool.releasePool();
});

it('failFast: waiters queued before the failure are rejected with it', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { failFast: true, acquireTimeoutMs: 60_000 });
  await assert.rejects(pool.acquire(), PoolConnectError);
  await pool.releasePool();
});

it('without failFast, acquire() waits and times out', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { acquireTimeoutMs: 100, backoff: { baseMs: 10, maxMs: 20 } });
  await assert.rejects(pool.initPool(), PoolConnectError);
  await assert.rejects(pool.acquire(), PoolTimeoutError);
  await pool.releasePool();
});
