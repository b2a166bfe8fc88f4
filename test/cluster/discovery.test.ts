// discovery: true reads rethinkdb.server_status from a live node: at initPool() it finds
// every node from one seed, later it adds nodes that join and drains nodes that leave.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, type CloseReason, type PoolOptions } from '../../src/index.js';
import { serversFrom } from '../../src/cluster/discovery.js';
const addressesFrom = (rows: unknown[], seeds: string[]) => serversFrom(rows, seeds).map((s) => s.address);
import {
  createClusterMembership, startTestCluster, startTestServer, Store, type TestCluster, type TestServer,
} from '../../src/testing/index.js';
import { label, r, stopAll, waitFor, type Conn } from './helpers.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ nodes: 3 });
});
after(() => cluster.stop());

function seeded(seed: { host: string; port: number }, options: PoolOptions = {}) {
  return new AsyncConnectionPool<Conn>({ host: seed.host, port: seed.port, user: 'admin', password: '' }, {
    discovery: true, discoveryIntervalMs: 20, poolSize: 1, ...options,
  });
}

const servers = (pool: AsyncConnectionPool<Conn>) => pool.stats().servers.filter((s) => !s.removing).map((s) => s.server).sort();

it('finds every node from one seed at initPool(), then a node added later', async () => {
  const pool = seeded(cluster.nodes[0]!);
  const added: string[] = [];
  pool.on('serverAdded', ({ server }) => added.push(server));
  await pool.initPool();
  assert.deepEqual(servers(pool), cluster.nodes.map(label).sort());
  assert.deepEqual(added.sort(), cluster.nodes.slice(1).map(label).sort());
  // The new servers opened their connections and take work (ready: idle, or running
  // discovery's own query, which reads server_status every 20 ms here).
  assert.ok(pool.stats().servers.every((s) => s.ready === 1), JSON.stringify(pool.stats().servers));

  const fourth = await cluster.addNode();
  await waitFor(() => servers(pool).includes(label(fourth)), 10_000, 'the fourth node in stats');
  await waitFor(() => pool.stats().servers.find((s) => s.server === label(fourth))!.idle === 1, 10_000, 'its connection');
  assert.equal(await pool.withConnection((c) => r.expr(4).run(c)), 4);
  // size, not idle + leased: discovery's own query may be running on a connection (not idle then).
  assert.ok(pool.stats().servers.every((s) => s.size === 1), `poolSize per server: ${JSON.stringify(pool.stats().servers)}`);
  await pool.releasePool();
});

it('a node no longer listed is drained: its lease ends normally, then it closes (removed)', async () => {
  const store = new Store();
  const membership = createClusterMembership();
  const nodes: TestServer[] = [];
  for (let i = 0; i < 2; i++) nodes.push(await startTestServer({ port: 0, store, cluster: membership }));
  const [seed, leaving] = nodes as [TestServer, TestServer];
  // poolSize 2: a connection stays free for discovery's own query while two are leased.
  const pool = seeded(seed, { poolSize: 2 });
  const closes: { server: string; reason: CloseReason }[] = [];
  pool.on('close', ({ server, reason }) => closes.push({ server, reason }));
  await pool.initPool();
  assert.equal(servers(pool).length, 2);
  // Lease one connection on each server (the least loaded gets each call).
  const order: string[] = [];
  pool.on('acquire', ({ server }) => order.push(server));
  const held = [await pool.acquire(), await pool.acquire()];
  const onLeaving = held[order.indexOf(label(leaving))]!;
  const removed = new Promise<{ server: string }>((resolve) => pool.once('serverRemoved', resolve));
  membership.unregister(leaving.id);
  assert.equal((await removed).server, label(leaving));
  assert.deepEqual(servers(pool), [label(seed)]);
  // Its idle connection closes at once; the leased one is still usable while it drains.
  const fromLeaving = () => closes.filter((c) => c.server === label(leaving)).map((c) => c.reason);
  await waitFor(() => fromLeaving().length === 1, 10_000, 'its idle connection closed');
  assert.equal(await r.expr('still').run(onLeaving), 'still');
  assert.equal(pool.stats().servers.find((s) => s.server === label(leaving))!.removing, true);
  for (const c of held) pool.release(c);
  await waitFor(() => fromLeaving().length === 2, 10_000, 'its leased connection closed');
  assert.deepEqual(fromLeaving(), ['removed', 'removed']);
  await waitFor(() => pool.stats().servers.length === 1, 10_000, 'the server gone from stats');
  assert.equal(pool.stats().created, 4, 'totals keep the removed server');
  await pool.releasePool();
  await stopAll(nodes);
});

it('a pool used without initPool() starts discovery with its first connection', async () => {
  const pool = seeded(cluster.nodes[1]!);
  assert.equal(await pool.withConnection((c) => r.expr(1).run(c)), 1);
  await waitFor(() => servers(pool).length === cluster.nodes.length, 10_000, 'discovered servers');
  await pool.releasePool();
});

it('prefers the seed\'s way in: its own host, loopback on one machine, else its address family', () => {
  const row = (hosts: string[], port: number) => ({ network: { canonical_addresses: hosts.map((host) => ({ host, port: 29015 })), reql_port: port } });
  // One machine: every node lists loopback, ports differ.
  assert.deepEqual(addressesFrom([row(['127.0.0.1'], 1), row(['127.0.0.1'], 2)], ['localhost']),
    [{ host: 'localhost', port: 1 }, { host: 'localhost', port: 2 }]);
  // Several machines: loopback + port does not tell them apart, use their own addresses.
  assert.deepEqual(addressesFrom([row(['127.0.0.1', '10.0.0.1', '::1'], 28015), row(['127.0.0.1', '10.0.0.2', 'fe80::2'], 28015)], ['10.0.0.1']),
    [{ host: '10.0.0.1', port: 28015 }, { host: '10.0.0.2', port: 28015 }]);
  assert.deepEqual(addressesFrom([row(['::1', 'fd00::1', '10.0.0.1'], 28015)], ['fd00::9']), [{ host: 'fd00::1', port: 28015 }]);
  assert.deepEqual(addressesFrom([{ network: { hostname: 'db3', reql_port: 28015 } }, { nope: 1 }, null], ['db1']), [{ host: 'db3', port: 28015 }]);
});
