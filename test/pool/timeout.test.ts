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

it('queued waiters time out in deadline order, each at its own deadline, default and custom alike', async () => {
  // Waiters with the pool's acquireTimeoutMs share one timer (src/pool/deadlines.ts); a call
  // with its own timeoutMs keeps its own. Both must expire each waiter at its deadline.
  const pool = makePool(server, { poolSize: 1, acquireTimeoutMs: 120 });
  await pool.initPool();
  const held = await pool.acquire();
  const order: string[] = [];
  const waiter = (name: string, timeoutMs?: number) => {
    const started = performance.now();
    return pool.acquire(timeoutMs === undefined ? undefined : { timeoutMs }).then(
      () => assert.fail(`${name} resolved`),
      (e: unknown) => {
        assert.ok(e instanceof PoolTimeoutError, `${name}: ${String(e)}`);
        order.push(name);
        return performance.now() - started;
      },
    );
  };
  const a = waiter('a');
  await new Promise((r) => setTimeout(r, 40));
  const b = waiter('b');
  await new Promise((r) => setTimeout(r, 40));
  const c = waiter('c');
  const d = waiter('d', 20); // queued last, expires first
  const [ta, tb, tc, td] = await Promise.all([a, b, c, d]);
  assert.deepEqual(order, ['d', 'a', 'b', 'c']);
  // Never before the deadline (whole-millisecond timers may round down by 1 ms).
  for (const [t, limit] of [[ta, 120], [tb, 120], [tc, 120], [td, 20]] as const) assert.ok(t! >= limit - 1, `${t} < ${limit}`);
  assert.equal(pool.stats().timeouts, 4);
  assert.equal(pool.stats().waiting, 0);
  // The queue is empty again: a waiter served at once leaves nothing behind either.
  const next = pool.acquire();
  pool.release(held);
  pool.release(await next);
  await pool.releasePool();
});
