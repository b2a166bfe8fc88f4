// One node of three dies under load: only the work in flight on it fails, it is marked down
// (serverDown) and gets no new work; waiters are never stranded on it.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { clusterPool, countLeases, isTypedFailure, label, r, startLoad, waitFor } from './helpers.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ nodes: 3 });
});
after(() => cluster.stop());

it('spreads work over the servers, one sub-pool of poolSize each', async () => {
  const pool = clusterPool(cluster.nodes, { poolSize: 2 });
  const leases = countLeases(pool);
  await pool.initPool();
  const load = startLoad(pool, 6);
  await waitFor(() => cluster.nodes.every((n) => (leases.get(label(n)) ?? 0) >= 20), 10_000, 'leases on every node');
  await load.stop();
  assert.deepEqual(load.state.failures, []);
  const s = pool.stats();
  assert.equal(s.servers.length, 3);
  for (const entry of s.servers) assert.ok(entry.size <= 2, `${entry.server}: size ${entry.size} <= poolSize`);
  await pool.releasePool();
});

it('a node killed under load: only its in-flight work fails, serverDown, no new work there', async () => {
  const victim = await cluster.addNode();
  const survivors = cluster.nodes.slice(0, 3);
  for (const n of [...survivors, victim]) n.setLatency(2); // keep queries in flight
  const poolSize = 3;
  const pool = clusterPool([...survivors, victim], { poolSize, acquireTimeoutMs: 10_000 });
  const leases = countLeases(pool);
  await pool.initPool();
  const load = startLoad(pool, 12);
  await waitFor(() => (leases.get(label(victim)) ?? 0) >= 10, 10_000, 'leases on the victim');

  const down = new Promise<{ server: string; error: unknown }>((resolve) => pool.once('serverDown', resolve));
  await victim.stop();
  const event = await down;
  assert.equal(event.server, label(victim));
  const afterDown = leases.get(label(victim)) ?? 0;
  const okAtDown = load.state.ok;
  await waitFor(() => load.state.ok >= okAtDown + 200, 10_000, 'work going on elsewhere');
  await load.stop();

  assert.equal(leases.get(label(victim)) ?? 0, afterDown, 'no lease on the dead node after serverDown');
  for (const err of load.state.failures) assert.ok(isTypedFailure(err), `typed failure: ${String(err)}`);
  // Each failure is a query that was running on (or handed a connection of) the dead node
  // before its sockets were seen closing: at most one per connection it had, twice over.
  assert.ok(load.state.failures.length <= 2 * poolSize, `failures ${load.state.failures.length} <= ${2 * poolSize}`);
  const s = pool.stats();
  const dead = s.servers.find((e) => e.server === label(victim))!;
  assert.equal(dead.healthy, false);
  assert.equal(s.healthy, true);
  await pool.releasePool();
  for (const n of survivors) n.setLatency(0);
});

it('a waiter routed to a server that dies is served by another server', async () => {
  const a = await cluster.addNode();
  const b = cluster.nodes[0]!;
  const pool = clusterPool([a, b], { poolSize: 1, acquireTimeoutMs: 20_000 });
  await pool.initPool();
  const held = [await pool.acquire(), await pool.acquire()];
  const waiting = pool.acquire();
  assert.equal(pool.stats().waiting, 1);
  const down = new Promise((resolve) => pool.once('serverDown', resolve));
  await a.stop();
  await down;
  // The connection of `b` comes back: the waiter gets it, long before its deadline.
  const served = new Promise<{ server: string }>((resolve) => pool.once('acquire', resolve));
  for (const c of held) pool.release(c);
  const conn = await waiting;
  assert.equal((await served).server, label(b));
  assert.equal(await r.expr(2).run(conn), 2);
  pool.release(conn);
  await pool.releasePool();
});
