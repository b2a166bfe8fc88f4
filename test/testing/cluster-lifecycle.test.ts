// A test cluster's nodes support the same lifecycle and failure modes as a lone test server:
// restart({ downMs }), stop() then start(), silent and zombie. server_status (through any
// other node) lists a node while it listens, drops it while it is down or stopped (a real
// cluster shows only connected servers), and keeps listing a silent or zombie node.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { settle } from './fault-proxy-helpers.js';
import { assertNoMoreHandles, assertRefused, gate, handleCounts, serverInfo, track, until } from './lifecycle-helpers.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { tableCreate(name: string): r.Operation<unknown> };

const clusters: TestCluster[] = [];
const conns: r.Connection[] = [];
after(async () => {
  await Promise.allSettled(conns.map((c) => c.close({ noreplyWait: false })));
  await Promise.all(clusters.map((c) => c.stop()));
});

async function cluster(nodes = 3): Promise<TestCluster> {
  const c = await startTestCluster({ nodes });
  clusters.push(c);
  return c;
}

async function connect(port: number): Promise<r.Connection> {
  const conn = await r.connect({ host: '127.0.0.1', port });
  conn.on('error', () => {});
  conns.push(conn);
  return conn;
}

/** Names listed in server_status, in the order the server gives them. */
async function listed(conn: r.Connection): Promise<string[]> {
  const cursor = await r.db('rethinkdb').table('server_status').run(conn);
  return ((await cursor.toArray()) as Array<{ name: string }>).map((row) => row.name);
}

const ALL = ['repool_node_1', 'repool_node_2', 'repool_node_3'];

test('a node stopped then started is unlisted while stopped, then back in its place with its id', async () => {
  const c = await cluster();
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const { port, id } = two;
  const onOne = await connect(one.port);
  await official.tableCreate('kept').run(onOne);
  await r.table('kept').insert({ id: 1 }).run(onOne);
  await two.stop();
  await assertRefused(port);
  assert.deepEqual(await listed(onOne), ['repool_node_1', 'repool_node_3']);
  assert.equal(c.nodes.length, 3, 'a stopped node stays in cluster.nodes');
  await two.start();
  assert.equal(two.port, port);
  assert.deepEqual(await serverInfo(port), { id, name: 'repool_node_2' });
  assert.deepEqual(await listed(onOne), ALL);
  const ts = await rts.connect({ host: '127.0.0.1', port });
  assert.deepEqual(await rts.table('kept').get(1).run(ts), { id: 1 });
  assert.deepEqual(((await rts.db('rethinkdb').table('server_status').run(ts)) as Array<{ name: string }>).map((s) => s.name), ALL);
  await ts.close();
});

test('restart({ downMs }) of a node: refused and unlisted during the downtime, listed again after', async () => {
  const c = await cluster();
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const onOne = await connect(one.port);
  const onThree = await connect(three.port);
  const down = gate();
  const restarted = two.restart({ downMs: 2_000, delay: down.delay });
  await down.entered;
  await assertRefused(two.port);
  assert.deepEqual(await listed(onOne), ['repool_node_1', 'repool_node_3']);
  assert.deepEqual(await listed(onThree), ['repool_node_1', 'repool_node_3']);
  down.open();
  await restarted;
  assert.deepEqual(await listed(onThree), ALL);
  assert.equal((await serverInfo(two.port)).id, two.id);
});

test('a silent node stays listed and takes connections it never answers; the others serve', async () => {
  const c = await cluster();
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const onOne = await connect(one.port);
  two.setMode('silent');
  const hung = r.connect({ host: '127.0.0.1', port: two.port, timeout: 1 }).catch((err: unknown) => err);
  await until(() => two.stats().ignoredHandshakes === 1, 'the handshake ignored');
  assert.deepEqual(await listed(onOne), ALL, 'the others do not know it is hung');
  assert.equal(await r.expr('served').run(await connect(three.port)), 'served');
  const err = await hung;
  assert.ok(err instanceof Error && err.name === 'ReqlTimeoutError', String(err));
  two.setMode('normal');
  assert.equal((await serverInfo(two.port)).id, two.id);
});

test('a zombie node stays listed, completes handshakes and answers nothing; normal answers again', async () => {
  const c = await cluster();
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const onThree = await connect(three.port);
  three.setMode('zombie');
  const onOne = await connect(one.port);
  const freshOnThree = await connect(three.port); // the handshake completes
  const pending = [track(r.expr(1).run(onThree)), track(listed(freshOnThree))];
  await until(() => three.stats().ignoredQueries === 2, 'both queries ignored');
  assert.deepEqual(await listed(onOne), ALL);
  await settle();
  assert.ok(pending.every((p) => !p.settled));
  three.setMode('normal');
  assert.deepEqual(await listed(freshOnThree), ALL);
});

test('cluster.stop() ends a node\'s downtime at once and leaves no handle behind', async () => {
  const baseline = handleCounts();
  const c = await startTestCluster({ nodes: 3 });
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const down = gate();
  const restarting = two.restart({ delay: down.delay });
  await down.entered;
  const timed = three.restart({ downMs: 60_000 });
  one.setMode('zombie');
  await c.stop();
  await assert.rejects(restarting, /stays stopped/);
  await assert.rejects(timed, /stays stopped/);
  for (const node of c.nodes) await assertRefused(node.port);
  await assertNoMoreHandles(baseline);
});
