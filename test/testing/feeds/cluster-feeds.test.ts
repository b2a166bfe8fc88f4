// In a test cluster the nodes share one store, as a real cluster shares its tables: a write
// through any node reaches the feeds open on every node, and a node going down ends only
// its own feeds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';
import { R, TS, type OfficialFeed, type TsFeed } from './live-feeds.js';

let cluster: TestCluster;
const official: r.Connection[] = [];
const ts: TsConnection[] = [];

before(async () => {
  cluster = await startTestCluster({ nodes: 3 });
  for (const node of cluster.nodes) {
    const conn = await r.connect({ host: node.host, port: node.port });
    conn.on('error', () => {});
    official.push(conn);
    ts.push(await rts.connect({ host: node.host, port: node.port }));
  }
  await R.tableCreate('cf').run(official[0]);
});

after(async () => {
  await Promise.allSettled(official.map((c) => c.close({ noreplyWait: false })));
  await Promise.allSettled(ts.map((c) => c.close()));
  await cluster.stop();
});

const conn = (i: number): r.Connection => official[i] as r.Connection;
const tsConn = (i: number): TsConnection => ts[i] as TsConnection;

test('a write through any node reaches feeds on every node, through both drivers', async () => {
  const feeds: OfficialFeed[] = [];
  const tsFeeds: TsFeed[] = [];
  for (let i = 0; i < 3; i++) {
    feeds.push(await R.table('cf').changes().run(conn(i)));
    tsFeeds.push(await TS.table('cf').changes().run(tsConn(i)));
  }
  for (let writer = 0; writer < 3; writer++) {
    await R.table('cf').insert({ id: writer, via: cluster.nodes[writer]?.name }).run(conn(writer));
  }
  const expected = [0, 1, 2].map((id) => ({ new_val: { id, via: cluster.nodes[id]?.name }, old_val: null }));
  for (let i = 0; i < 3; i++) {
    const feed = feeds[i] as OfficialFeed;
    const tsFeed = tsFeeds[i] as TsFeed;
    assert.deepEqual([await feed.next(), await feed.next(), await feed.next()], expected, `official feed on node ${i + 1}`);
    assert.deepEqual([await tsFeed.next(), await tsFeed.next(), await tsFeed.next()], expected, `rethinkdb-ts feed on node ${i + 1}`);
  }
  await Promise.all([...feeds.map((f) => f.close()), ...tsFeeds.map((f) => f.close())]);
  assert.deepEqual(cluster.nodes.map((n) => n.stats().feeds), [0, 0, 0]);
});

test('a node that goes down ends its own feeds; the others keep theirs', async () => {
  const onFirst: OfficialFeed = await R.table('cf').get(7).changes().run(conn(0));
  const onThird: OfficialFeed = await R.table('cf').get(7).changes().run(conn(2));
  const ended = onFirst.next().then(() => assert.fail('the feed must end'), (err: Error) => err);
  const kept = onThird.next();
  cluster.nodes[0]?.dropConnections();
  const err = await ended;
  assert.match(err.message, /closed/i);
  await R.table('cf').insert({ id: 7 }).run(conn(1));
  assert.deepEqual(await kept, { new_val: { id: 7 }, old_val: null });
  await onThird.close();
});
