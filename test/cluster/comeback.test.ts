// A node that goes down and comes back: serverDown, background reconnect with backoff,
// serverUp when it answers, and work spreads to it again.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultProxy, startTestCluster, type FaultProxy, type TestCluster } from '../../src/testing/index.js';
import { clusterPool, countLeases, isTypedFailure, label, r, startLoad, waitFor } from './helpers.js';

let cluster: TestCluster;
let proxy: FaultProxy;
before(async () => {
  cluster = await startTestCluster({ nodes: 3 });
  // The third node is reached through a proxy that can refuse and reset connections.
  proxy = await startFaultProxy({ target: cluster.nodes[2]! });
});
after(async () => {
  await proxy.stop();
  await cluster.stop();
});

it('a node that drops out and returns: serverDown, serverUp, and work goes there again', async () => {
  const servers = [cluster.nodes[0]!, cluster.nodes[1]!, proxy];
  const pool = clusterPool(servers, { poolSize: 2, acquireTimeoutMs: 10_000 });
  const events: string[] = [];
  pool.on('serverDown', ({ server }) => events.push(`down ${server}`));
  pool.on('serverUp', ({ server }) => events.push(`up ${server}`));
  const leases = countLeases(pool);
  await pool.initPool();
  const load = startLoad(pool, 6);
  await waitFor(() => (leases.get(label(proxy)) ?? 0) >= 10, 10_000, 'leases through the proxy');

  const down = new Promise<void>((resolve) => pool.once('serverDown', () => resolve()));
  proxy.refuse(true);
  proxy.resetAll();
  await down;
  assert.equal(pool.stats().servers.find((s) => s.server === label(proxy))!.healthy, false);
  const atDown = leases.get(label(proxy)) ?? 0;
  const okAtDown = load.state.ok;
  await waitFor(() => load.state.ok >= okAtDown + 100, 10_000, 'work on the other nodes');
  assert.equal(leases.get(label(proxy)) ?? 0, atDown, 'no work sent to a down server');

  const up = new Promise<void>((resolve) => pool.once('serverUp', () => resolve()));
  proxy.refuse(false);
  await up;
  await waitFor(() => (leases.get(label(proxy)) ?? 0) >= atDown + 20, 10_000, 'leases on the returned node');
  await load.stop();

  assert.deepEqual(events, [`down ${label(proxy)}`, `up ${label(proxy)}`]);
  for (const err of load.state.failures) assert.ok(isTypedFailure(err), `typed failure: ${String(err)}`);
  assert.equal(pool.stats().healthy, true);
  assert.ok(pool.stats().servers.every((s) => s.healthy));
  await pool.releasePool();
});

it('run() also fails over, and comes back', async () => {
  const servers = [cluster.nodes[0]!, proxy];
  const pool = clusterPool(servers, { poolSize: 1 });
  await pool.initPool();
  const down = new Promise<void>((resolve) => pool.once('serverDown', () => resolve()));
  proxy.refuse(true);
  proxy.resetAll();
  await down;
  for (let i = 0; i < 20; i++) assert.equal(await pool.run(r.expr(i)), i);
  const up = new Promise<void>((resolve) => pool.once('serverUp', () => resolve()));
  proxy.refuse(false);
  await up;
  assert.equal(await pool.run(r.expr('back')), 'back');
  await pool.releasePool();
});
