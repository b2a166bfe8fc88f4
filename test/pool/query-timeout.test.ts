// queryTimeoutMs: a multiplexed run() or cursor() that gets no answer in time rejects with
// PoolQueryTimeoutError, and its connection is pinged: closed if the ping fails too, kept if
// the server answers it.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { PoolError, PoolQueryTimeoutError } from '../../src/index.js';
import { makePool, nextEvent, r, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

type Range = { range(n: number): r.Operation<r.Cursor> };

it('a run() on a stalled server rejects at queryTimeoutMs; the connection is closed as broken', async () => {
  const pool = makePool(server, { poolSize: 1, queryTimeoutMs: 50, pingTimeoutMs: 50 });
  await pool.initPool();
  const closed = nextEvent(pool, 'close');
  server.pause();
  try {
    const err = await pool.run(r.expr(1)).then(() => assert.fail('resolved'), (e: unknown) => e);
    assert.ok(err instanceof PoolQueryTimeoutError && err instanceof PoolError, String(err));
    assert.equal(err.code, 'REPOOL_QUERY_TIMEOUT');
    assert.equal(err.timeoutMs, 50);
    assert.equal(err.server, `${server.host}:${server.port}`);
    assert.match(err.message, /queryTimeoutMs/);
    assert.equal(pool.stats().inFlight, 0, 'the caller no longer counts as a query in flight');
    // The suspect connection is pinged; the ping gets no answer either.
    const event = await closed;
    assert.equal(event.reason, 'broken');
  } finally {
    server.resume();
  }
  assert.equal(await pool.run(r.expr(2)), 2, 'a new connection serves');
  await pool.releasePool();
});

it('a slow answer times out, but a connection that answers its ping is kept', async () => {
  const pool = makePool(server, { poolSize: 1, queryTimeoutMs: 30, pingTimeoutMs: 5_000 });
  await pool.initPool();
  let closes = 0;
  pool.on('close', () => closes++);
  server.setLatency(100);
  try {
    await assert.rejects(pool.run(r.expr(1)), PoolQueryTimeoutError);
  } finally {
    server.setLatency(0);
  }
  // The next hand-out waits for the ping (the connection is being checked), then runs on it;
  // a call's timeoutMs covers that wait too, so this one gives itself more.
  assert.equal(await pool.run(r.expr(3), { timeoutMs: 5_000 }), 3);
  assert.equal(closes, 0);
  assert.equal(pool.stats().created, 1, 'the same connection');
  await pool.releasePool();
});

it('a cursor() that does not open in time rejects; one that opens in time is unaffected', async () => {
  const pool = makePool(server, { poolSize: 1, queryTimeoutMs: 50, pingTimeoutMs: 50 });
  await pool.initPool();
  const cursor = await pool.cursor((r as unknown as Range).range(5));
  assert.deepEqual(await cursor.toArray(), [0, 1, 2, 3, 4]);
  assert.equal(pool.stats().inFlight, 0);
  server.pause();
  try {
    await assert.rejects(pool.cursor((r as unknown as Range).range(5)), PoolQueryTimeoutError);
    assert.equal(pool.stats().inFlight, 0);
  } finally {
    server.resume();
  }
  await pool.releasePool();
});

it('queries answered in time are unaffected by the deadline', async () => {
  const pool = makePool(server, { poolSize: 2, queryTimeoutMs: 10_000 });
  await pool.initPool();
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.run(r.expr(i))));
  assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i));
  await assert.rejects(pool.run(r.expr(1).add('x' as never)), (e: unknown) => !(e instanceof PoolQueryTimeoutError));
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});
