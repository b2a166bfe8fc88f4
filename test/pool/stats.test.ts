import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('stats() is a frozen snapshot of counts and totals', async () => {
  const pool = makePool(server, { poolSize: 2, acquireTimeoutMs: 20 });
  const empty = pool.stats();
  assert.deepEqual(
    { size: empty.size, idle: empty.idle, leased: empty.leased, opening: empty.opening, waiting: empty.waiting, created: empty.created },
    { size: 0, idle: 0, leased: 0, opening: 0, waiting: 0, created: 0 },
  );
  await pool.initPool();
  const a = await pool.acquire();
  const b = await pool.acquire();
  const waiting = pool.acquire().catch(() => undefined);
  const s = pool.stats();
  assert.ok(Object.isFrozen(s));
  assert.throws(() => {
    (s as { size: number }).size = 99;
  }, TypeError);
  assert.deepEqual([s.size, s.idle, s.leased, s.waiting, s.poolSize], [2, 0, 2, 1, 2]);
  assert.equal(s.created, 2);
  assert.equal(s.acquired, 2);
  await waiting;
  assert.equal(pool.stats().timeouts, 1);
  assert.equal(s.timeouts, 0, 'a snapshot does not change');
  pool.release(a);
  pool.release(b, { discard: true });
  await waitFor(() => pool.stats().closed === 1);
  await pool.releasePool();
  // The replacement of the discarded connection may still be opening at releasePool(), which
  // then aborts it: whether it counts as created (and closed) depends on timing.
  const end = pool.stats();
  assert.equal(end.closed, end.created, 'every connection opened was closed');
  assert.ok(end.created >= 2);
  assert.equal(end.size, 0);
});
