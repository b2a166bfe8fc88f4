// Graceful retirement: a connection that must go (TTL, maxUses, shutdown) takes no new work,
// its replacement opens at once, and it closes when its work settles; at retireTimeoutMs the
// work still on it fails with PoolConnectionLostError. Leases carry no multiplexed work, so
// a discarded lease kills nothing else. Timers run on a fake clock.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, PoolConnectionLostError, type PoolEvents } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { gatedQuery, memoryConnector, type MemConn } from '../support/memory-connector.js';

function setup(options: object = {}) {
  const clock = createFakeClock();
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, clock, poolSize: 1, validateAfterIdleMs: 60_000, ...options });
  const closes: PoolEvents['close'][] = [];
  const retires: PoolEvents['retire'][] = [];
  pool.on('close', (e) => closes.push(e));
  pool.on('retire', (e) => retires.push(e));
  return { clock, driver, pool, closes, retires };
}

it('past its TTL a busy connection retires: it finishes its work, and a replacement serves meanwhile', async () => {
  const { clock, driver, pool, closes, retires } = setup({ connectionTtlMs: 1_000 });
  await pool.initPool();
  const q = gatedQuery('done');
  const running = pool.run(q.query);
  await clock.advance(1_000); // past the TTL (1 000 less up to 2.5 % jitter)
  assert.deepEqual(retires.map((e) => e.reason), ['ttl']);
  assert.equal(pool.stats().retiring, 1);
  assert.equal(driver.made.length, 2, 'the replacement opened at once (retiring does not count against poolSize)');
  const lease = await pool.acquire();
  assert.equal(lease, driver.made[1], 'leased from the replacement');
  pool.release(lease);
  assert.equal(closes.length, 0, 'nothing closed under the running query');
  q.open();
  assert.equal(await running, 'done');
  await clock.advance(0);
  assert.deepEqual(closes.map((e) => e.reason), ['ttl']);
  assert.equal(pool.stats().retiring, 0);
  await pool.releasePool();
});

it('at retireTimeoutMs the work still on a retiring connection fails with PoolConnectionLostError', async () => {
  const { clock, pool, closes } = setup({ connectionTtlMs: 1_000, retireTimeoutMs: 5_000 });
  let retiredAt = -1;
  pool.on('retire', () => (retiredAt = clock.now()));
  await pool.initPool();
  const q = gatedQuery('never');
  const running = pool.run(q.query).catch((e: unknown) => e);
  await clock.advance(1_000);
  assert.ok(retiredAt > 0, 'retired at its TTL');
  await clock.advance(retiredAt + 4_999 - clock.now());
  // (Its replacements come and go by their own TTL meanwhile: only connection 1 is watched.)
  const first = () => closes.filter((e) => e.id === 1);
  assert.equal(first().length, 0, 'not before the deadline');
  await clock.advance(1);
  const err = await running;
  assert.ok(err instanceof PoolConnectionLostError, String(err));
  assert.equal(err.code, 'REPOOL_CONNECTION_LOST');
  assert.equal(err.sent, true);
  assert.deepEqual(first().map((e) => e.reason), ['ttl']);
  await pool.releasePool();
});

it('a leased connection past its TTL closes on release; nothing else ran on it', async () => {
  const { clock, driver, pool, closes } = setup({ connectionTtlMs: 1_000, poolSize: 2, minIdle: 1 });
  await pool.initPool();
  const lease = await pool.acquire();
  const q = gatedQuery(1);
  const running = pool.run(q.query); // goes to a second connection: the leased one takes no work
  await clock.advance(0);
  assert.notEqual(q.seen[0], lease);
  await clock.advance(1_000);
  pool.release(lease);
  await clock.advance(0);
  assert.equal(closes[0]?.reason, 'ttl');
  assert.equal(closes[0]?.id, driver.made.indexOf(lease) + 1);
  q.open();
  assert.equal(await running, 1, 'the run() on the other connection was untouched');
  await pool.releasePool();
});

it('maxUses: a connection leased maxUses times retires on its last release', async () => {
  const { pool, closes, driver } = setup({ maxUses: 3 });
  for (let i = 0; i < 3; i++) pool.release(await pool.acquire());
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(closes.map((e) => e.reason), ['maxUses']);
  const next = await pool.acquire();
  assert.equal(next, driver.made[1]);
  pool.release(next);
  await pool.releasePool();
});

it('releasePool() lets work finish within its deadline, then fails what is left', async () => {
  const { clock, pool, closes } = setup({ poolSize: 2 });
  await pool.initPool();
  const quick = gatedQuery('quick');
  const slow = gatedQuery('slow');
  const a = pool.run(quick.query);
  // The next turn: queries of one turn share a connection (their writes leave together).
  await new Promise((r) => setImmediate(r));
  const b = pool.run(slow.query).catch((e: unknown) => e);
  const closing = pool.releasePool({ timeoutMs: 1_000 });
  await clock.advance(10);
  assert.equal(pool.stats().retiring, 2);
  quick.open();
  assert.equal(await a, 'quick');
  await clock.advance(990);
  assert.ok((await b) instanceof PoolConnectionLostError);
  await closing;
  assert.deepEqual(closes.map((e) => e.reason).sort(), ['shutdown', 'shutdown']);
});

it('a cursor-like long query past the TTL of a pool of one blocks nothing', async () => {
  const { clock, pool } = setup({ connectionTtlMs: 200 });
  await pool.initPool();
  const feedLike = gatedQuery('long');
  const running = pool.run(feedLike.query);
  await clock.advance(200);
  const conn = await pool.acquire({ timeoutMs: 100 });
  pool.release(conn);
  const other = gatedQuery(2);
  const second = pool.run(other.query);
  other.open();
  assert.equal(await second, 2);
  feedLike.open();
  assert.equal(await running, 'long');
  await pool.releasePool();
});
