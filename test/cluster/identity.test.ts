// Servers are known by their id, not the address they are reached at: a seed reached
// through a proxy (or NAT) and the address discovery learns for the same node are one
// sub-pool; mapAddress turns advertised addresses into reachable ones.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool } from '../../src/index.js';
import { startFaultProxy, startTestCluster, type FaultProxy, type TestCluster } from '../../src/testing/index.js';
import { label, waitFor, type Conn } from './helpers.js';

let cluster: TestCluster;
let proxy: FaultProxy;
before(async () => {
  cluster = await startTestCluster({ nodes: 2 });
  proxy = await startFaultProxy({ target: cluster.nodes[0]! });
});
after(async () => {
  await proxy.stop();
  await cluster.stop();
});

it('a seed behind a proxy and the node\'s advertised address are one sub-pool', async () => {
  const pool = new AsyncConnectionPool<Conn>({ host: proxy.host, port: proxy.port }, { discovery: true, poolSize: 1, discoveryIntervalMs: 50 });
  const added: string[] = [];
  pool.on('serverAdded', ({ server }) => added.push(server));
  await pool.initPool();
  // The second node is new; the first is the seed's node, reached through the proxy.
  await waitFor(() => pool.stats().servers.length === 2, 5_000, 'the second node');
  const stats = pool.stats();
  assert.deepEqual(stats.servers.map((s) => s.server).sort(), [label(proxy), label(cluster.nodes[1]!)].sort());
  assert.deepEqual(new Set(stats.servers.map((s) => s.id)).size, 2, 'two nodes, two ids');
  assert.deepEqual(added, [label(cluster.nodes[1]!)]);
  // Later rounds keep it so.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(pool.stats().servers.length, 2);
  await pool.releasePool();
});

it('mapAddress rewrites the addresses discovery learns', async () => {
  const seen: string[] = [];
  const pool = new AsyncConnectionPool<Conn>({ host: cluster.nodes[0]!.host, port: cluster.nodes[0]!.port }, {
    discovery: true, poolSize: 1,
    mapAddress: (a) => {
      seen.push(`${a.host}:${a.port}`);
      return a.port === cluster.nodes[1]!.port ? { host: proxy.host, port: proxy.port } : a;
    },
  });
  await pool.initPool();
  assert.ok(seen.includes(label(cluster.nodes[1]!)), `advertised: ${seen.join(', ')}`);
  // Node 1 mapped to the proxy, which leads to node 0: the same id as the seed, so it is dropped.
  await waitFor(() => pool.stats().servers.filter((s) => !s.removing).length === 1, 5_000, 'the duplicate removed');
  await pool.releasePool();
});
