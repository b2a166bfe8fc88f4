// startTestCluster(): shared data, server_status listing every live node, per-node controls,
// addNode(), option checks and a clean stop, through the official driver and rethinkdb-ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { startTestCluster, type TestCluster, type TestClusterOptions } from '../../src/testing/cluster.js';
import type { TestServer } from '../../src/testing/index.js';
import { openSocket } from './raw-client.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { tableCreate(name: string): r.Operation<unknown> };

interface StatusRow {
  id: string;
  name: string;
  network: { canonical_addresses: Array<{ host: string; port: number }>; reql_port: number };
}

const clusters: TestCluster[] = [];
const officialConns: r.Connection[] = [];
const tsConns: TsConnection[] = [];

after(async () => {
  await Promise.allSettled(officialConns.map((c) => c.close({ noreplyWait: false })));
  await Promise.allSettled(tsConns.map((c) => c.close({ noreplyWait: false })));
  await Promise.all(clusters.map((c) => c.stop()));
});

async function cluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const c = await startTestCluster(options);
  clusters.push(c);
  return c;
}

async function connectOfficial(node: TestServer): Promise<r.Connection> {
  const conn = await r.connect({ host: '127.0.0.1', port: node.port });
  conn.on('error', () => {});
  officialConns.push(conn);
  return conn;
}

async function connectTs(node: TestServer): Promise<TsConnection> {
  const conn = await rts.connect({ host: '127.0.0.1', port: node.port });
  conn.on('error', () => {});
  tsConns.push(conn);
  return conn;
}

/** Resolves on `close`; unlike events.once it does not reject if `error` comes first (a reset). */
function closeEvent(emitter: { on(event: string, fn: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => emitter.on('close', () => resolve()));
}

async function serverStatus(conn: r.Connection): Promise<StatusRow[]> {
  const cursor = await r.db('rethinkdb').table('server_status').run(conn);
  return (await cursor.toArray()) as StatusRow[];
}

/** [name, canonical port, reql port] per row, sorted by name. */
function listing(rows: readonly StatusRow[]): Array<[string, number | undefined, number]> {
  return rows
    .map((row): [string, number | undefined, number] => [row.name, row.network.canonical_addresses[0]?.port, row.network.reql_port])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function expected(nodes: readonly TestServer[]): Array<[string, number, number]> {
  return nodes.map((n): [string, number, number] => [n.name, n.port, n.port]).sort((a, b) => a[0].localeCompare(b[0]));
}

test('three nodes share the data: a write through node 1 is read through node 3', async () => {
  const c = await cluster({ nodes: 3 });
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  assert.equal(c.nodes.length, 3);
  assert.deepEqual(c.nodes.map((n) => n.name), ['repool_node_1', 'repool_node_2', 'repool_node_3']);
  assert.equal(new Set(c.nodes.map((n) => n.port)).size, 3, 'each node has its own port');
  assert.equal(new Set(c.nodes.map((n) => n.id)).size, 3, 'each node has its own id');
  const writer = await connectOfficial(one);
  await official.tableCreate('shared').run(writer);
  await r.table('shared').insert({ id: 'k', v: 42 }).run(writer);
  const reader = await connectTs(three);
  assert.deepEqual(await rts.table('shared').get('k').run(reader), { id: 'k', v: 42 });
});

test('server_status and server_config through any node list every node with its port', async () => {
  const c = await cluster();
  assert.equal(c.nodes.length, 3, 'three nodes by default');
  for (const node of c.nodes) {
    const conn = await connectOfficial(node);
    assert.deepEqual(listing(await serverStatus(conn)), expected(c.nodes));
    const ts = await connectTs(node);
    const rows = (await rts.db('rethinkdb').table('server_config').run(ts)) as Array<{ id: string; name: string }>;
    assert.deepEqual(rows.map((row) => [row.name, row.id]).sort(), c.nodes.map((n) => [n.name, n.id]).sort());
  }
});

test('stopping node 2 removes it and closes its clients; the others keep serving', async () => {
  const c = await cluster({ nodes: 3 });
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const onTwo = await connectOfficial(two);
  const tsOnTwo = await connectTs(two);
  const closed = [closeEvent(onTwo), closeEvent(tsOnTwo)];
  const onOne = await connectOfficial(one);
  const onThree = await connectTs(three);
  await two.stop();
  await Promise.all(closed);
  assert.equal(onTwo.open, false);
  assert.equal(tsOnTwo.open, false);
  await assert.rejects(openSocket(two.port), { code: 'ECONNREFUSED' });
  assert.deepEqual(listing(await serverStatus(onOne)), expected([one, three]));
  const seen = (await rts.db('rethinkdb').table('server_status').run(onThree)) as StatusRow[];
  assert.deepEqual(listing(seen), expected([one, three]));
  assert.equal(await r.expr('still here').run(onOne), 'still here');
});

test('restarting node 2 closes its clients and brings it back on the same port', async () => {
  const c = await cluster({ nodes: 3 });
  const [one, two] = c.nodes;
  assert.ok(one && two);
  const port = two.port;
  const onTwo = await connectOfficial(two);
  const closed = closeEvent(onTwo);
  const onOne = await connectOfficial(one);
  await official.tableCreate('kept').run(onOne);
  await r.table('kept').insert({ id: 1 }).run(onOne);
  await two.restart();
  await closed;
  assert.equal(two.port, port);
  const rows = await serverStatus(onOne);
  assert.deepEqual(listing(rows), expected(c.nodes));
  // The restarted node keeps its place in the listing rather than moving to the end.
  assert.deepEqual(rows.map((row) => row.name), ['repool_node_1', 'repool_node_2', 'repool_node_3']);
  const again = await connectTs(two);
  assert.deepEqual(listing((await rts.db('rethinkdb').table('server_status').run(again)) as StatusRow[]), expected(c.nodes));
  assert.deepEqual(await rts.table('kept').get(1).run(again), { id: 1 });
});

test('addNode() starts a node on the same data that every node lists', async () => {
  const c = await cluster({ nodes: 2 });
  const [one] = c.nodes;
  assert.ok(one);
  const onOne = await connectOfficial(one);
  await official.tableCreate('seen').run(onOne);
  await r.table('seen').insert({ id: 'before' }).run(onOne);
  const added = await c.addNode();
  assert.equal(added.name, 'repool_node_3');
  assert.deepEqual(c.nodes.map((n) => n.name), ['repool_node_1', 'repool_node_2', 'repool_node_3']);
  assert.deepEqual(listing(await serverStatus(onOne)), expected(c.nodes));
  const onAdded = await connectTs(added);
  assert.deepEqual(await rts.table('seen').get('before').run(onAdded), { id: 'before' });
  const rows = (await rts.db('rethinkdb').table('server_status').run(onAdded)) as StatusRow[];
  assert.deepEqual(listing(rows), expected(c.nodes));
});

test('pause() on one node does not hold the others', async () => {
  const c = await cluster({ nodes: 3 });
  const [one, two, three] = c.nodes;
  assert.ok(one && two && three);
  const onOne = await connectOfficial(one);
  const onTwo = await connectOfficial(two);
  const onThree = await connectTs(three);
  one.pause();
  let answered = false;
  const held = r.expr('held').run(onOne).then((v) => {
    answered = true;
    return v;
  });
  // Answers from the other nodes arrive while node 1 still holds its own.
  assert.equal(await r.expr(2).run(onTwo), 2);
  assert.equal(await rts.expr(3).run(onThree), 3);
  assert.deepEqual(listing(await serverStatus(onTwo)), expected(c.nodes));
  assert.equal(answered, false);
  one.resume();
  assert.equal(await held, 'held');
});

test('bad options are TypeErrors naming the option', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ nodes: 0 }, /nodes/], [{ nodes: 17 }, /nodes/], [{ nodes: 1.5 }, /nodes/], [{ nodes: '3' }, /nodes/],
    [{ host: '' }, /host/], [{ users: { a: 1 } }, /users/], [{ tls: { key: 'k' } }, /tls/],
    [{ port: 28015 }, /port/], [{ store: {} }, /store/], [{ colour: 'red' }, /colour/], [null, /options/],
  ];
  for (const [options, pattern] of cases) {
    await assert.rejects(startTestCluster(options as TestClusterOptions), (err: unknown) => err instanceof TypeError && pattern.test(err.message));
  }
});

test('a cluster holds at most 16 nodes', async () => {
  const c = await cluster({ nodes: 16 });
  assert.equal(c.nodes.length, 16);
  assert.equal(c.nodes[15]?.name, 'repool_node_16');
  await assert.rejects(c.addNode(), RangeError);
});

test('cluster.stop() closes every node, is idempotent, and leaves no handle behind', async () => {
  const count = () => {
    const info = process.getActiveResourcesInfo();
    return ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'].map((k) => info.filter((x) => x === k).length);
  };
  const baseline = count();
  const c = await startTestCluster({ nodes: 3 });
  const [one, two] = c.nodes;
  assert.ok(one && two);
  const conn = await r.connect({ host: '127.0.0.1', port: one.port });
  conn.on('error', () => {});
  const ts = await rts.connect({ host: '127.0.0.1', port: two.port });
  ts.on('error', () => {});
  const closed = [closeEvent(conn), closeEvent(ts)];
  one.setLatency(50);
  const pending = r.expr(1).run(conn).catch((e: unknown) => e);
  const restarting = two.restart().catch((e: unknown) => e);
  const late = c.addNode().catch((e: unknown) => e);
  await Promise.all([c.stop(), c.stop()]);
  await c.stop();
  await Promise.all(closed);
  assert.ok((await pending) instanceof Error);
  await restarting;
  assert.ok((await late) instanceof Error, 'addNode() racing stop() rejects');
  await assert.rejects(c.addNode(), /stopped/);
  assert.equal(c.nodes.length, 4);
  for (const node of c.nodes) {
    assert.equal(node.stats().connections, 0);
    await assert.rejects(openSocket(node.port), { code: 'ECONNREFUSED' });
  }
  await delay(1);
  // Leftovers of earlier tests may still be closing, so this is "nothing more than before".
  for (const [i, n] of count().entries()) assert.ok(n <= (baseline[i] ?? 0), `resource ${i}: ${n} > ${baseline[i]}`);
});
