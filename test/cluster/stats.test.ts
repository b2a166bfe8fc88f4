// stats(): one entry per server, and the entries add up to the pool's totals.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolCounts } from '../../src/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { clusterPool, label, r } from './helpers.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ nodes: 3 });
});
after(() => cluster.stop());

const SUMMED: (keyof PoolCounts)[] = [
  'size', 'poolSize', 'ready', 'idle', 'leased', 'opening', 'retiring', 'closing', 'waiting', 'inFlight', 'cursors', 'feeds',
  'created', 'closed', 'acquired', 'timeouts', 'connectErrors', 'leaks',
];

function assertAddsUp(pool: ReturnType<typeof clusterPool>): void {
  const s = pool.stats();
  for (const key of SUMMED) {
    assert.equal(s.servers.reduce((n, e) => n + e[key], 0), s[key], `${key} adds up`);
  }
}

it('per-server entries add up to the totals, under leases, queries and waiters', async () => {
  const pool = clusterPool(cluster.nodes, { poolSize: 2, acquireTimeoutMs: 10_000 });
  await pool.initPool();
  const s0 = pool.stats();
  assert.deepEqual(s0.servers.map((e) => e.server), cluster.nodes.map(label));
  assert.ok(Object.isFrozen(s0) && Object.isFrozen(s0.servers) && Object.isFrozen(s0.servers[0]));
  assert.deepEqual([s0.size, s0.poolSize, s0.idle, s0.healthy], [6, 6, 6, true]);
  for (const e of s0.servers) assert.deepEqual([e.size, e.poolSize, e.idle, e.healthy, e.removing], [2, 2, 2, true, false]);
  assertAddsUp(pool);

  const held = await Promise.all(Array.from({ length: 5 }, () => pool.acquire()));
  const queries = [pool.run(r.expr(1)), pool.run(r.expr(2))];
  const waiters = [pool.acquire(), pool.acquire()];
  const busy = pool.stats();
  // A lease is exclusive: the sixth connection carries the two queries, so both acquire() wait.
  assert.equal(busy.leased, 5);
  assert.equal(busy.waiting, 2);
  assert.equal(busy.inFlight, 2);
  assertAddsUp(pool);
  for (const c of held) pool.release(c);
  await Promise.all(queries);
  for (const c of await Promise.all(waiters)) pool.release(c);
  const end = pool.stats();
  assert.equal(end.acquired, 7);
  assert.equal(end.waiting, 0);
  assertAddsUp(pool);
  await pool.releasePool();
  assertAddsUp(pool);
  assert.equal(pool.stats().closed, 6);
});
