// Deadlines of waiting calls, on a fake clock: each expires at its own deadline, never
// before, in deadline order, whether it has the pool's acquireTimeoutMs (one shared timer)
// or its own timeoutMs; the TTL is checked after a validation ping, not before.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, PoolTimeoutError } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { memoryConnector, type MemConn } from '../support/memory-connector.js';

it('queued waiters time out in deadline order, each exactly at its deadline, default and custom alike', async () => {
  const clock = createFakeClock(1_000);
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver: memoryConnector(), clock, poolSize: 1, acquireTimeoutMs: 120 });
  await pool.initPool();
  const held = await pool.acquire();
  const expired: [string, number][] = [];
  const waiter = (name: string, timeoutMs?: number) =>
    pool.acquire(timeoutMs === undefined ? undefined : { timeoutMs }).then(
      () => assert.fail(`${name} resolved`),
      (e: unknown) => {
        assert.ok(e instanceof PoolTimeoutError, `${name}: ${String(e)}`);
        expired.push([name, clock.now() - 1_000]);
      },
    );
  const a = waiter('a');
  await clock.advance(40);
  const b = waiter('b');
  await clock.advance(40);
  const c = waiter('c');
  const d = waiter('d', 20); // queued last, expires first
  await clock.advance(19);
  assert.deepEqual(expired, [], 'nobody before a deadline');
  await clock.advance(300);
  await Promise.all([a, b, c, d]);
  assert.deepEqual(expired, [['d', 100], ['a', 120], ['b', 160], ['c', 200]]);
  assert.equal(pool.stats().timeouts, 4);
  assert.equal(pool.stats().waiting, 0);
  const next = pool.acquire();
  pool.release(held);
  pool.release(await next);
  await pool.releasePool();
});

it('the TTL is checked after the validation ping: a connection that expired during it is not handed out', async () => {
  const clock = createFakeClock();
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, {
    driver, clock, poolSize: 1, connectionTtlMs: 1_000, validateAfterIdleMs: 100, pingTimeoutMs: 60_000,
  });
  await pool.initPool();
  const first = driver.made[0]!;
  await clock.advance(900); // idle past validateAfterIdleMs, 75-100 ms left to live
  driver.onPing = 'gate';
  const got = pool.acquire();
  await clock.advance(150); // the ping is still out when the TTL passes
  driver.onPing = 'ok';
  driver.openGate();
  const conn = await got;
  assert.notEqual(conn, first, 'the connection that expired during its ping was not leased');
  assert.equal(first.open, false);
  pool.release(conn);
  await pool.releasePool();
});

it('a call with its own timeoutMs longer than acquireTimeoutMs waits that long', async () => {
  const clock = createFakeClock();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver: memoryConnector(), clock, poolSize: 1, acquireTimeoutMs: 100 });
  const held = await pool.acquire();
  const waiting = pool.acquire({ timeoutMs: 1_000 });
  await clock.advance(999);
  pool.release(held);
  pool.release(await waiting);
  await pool.releasePool();
});
