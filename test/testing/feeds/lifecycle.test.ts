// A feed lives as long as its connection: dropConnections(), restart() and stop() close the
// connection, as a real server going away does, and both drivers end the feed with their
// "connection closed" error; the server forgets the feed. pause() holds a feed's answers
// like any other. A pool's run() of a feed is refused by the pool, which stops it: the
// server answers the STOP and the connection serves the next query.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool } from '../../../src/index.js';
import { startTestServer, type TestServer } from '../../../src/testing/index.js';
import { R, TS, type OfficialFeed, type TsFeed } from './live-feeds.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ port: 0 });
  const conn = await r.connect({ host: server.host, port: server.port });
  await R.tableCreate('life').run(conn);
  await conn.close();
});

after(async () => {
  await server.stop();
});

/** Resolves once the server holds `n` open feeds (the feeds' STOP or close has been handled). */
async function feedsOpen(n: number): Promise<void> {
  while (server.stats().feeds !== n) await new Promise((resolve) => setImmediate(resolve));
}

/** A waiting feed on each driver; resolves to the errors they end with. */
async function waitingFeeds(): Promise<{ ended: Promise<[Error, Error]>; close(): Promise<void> }> {
  const conn = await r.connect({ host: server.host, port: server.port });
  conn.on('error', () => {});
  const tsConn = await rts.connect({ host: server.host, port: server.port });
  const feed: OfficialFeed = await R.table('life').changes().run(conn);
  const tsFeed: TsFeed = await TS.table('life').changes().run(tsConn);
  const fail = (p: Promise<unknown>) => p.then(() => assert.fail('the feed must end'), (err: Error) => err);
  const ended = Promise.all([fail(feed.next()), fail(tsFeed.next())]);
  return { ended, close: async () => { await conn.close({ noreplyWait: false }).catch(() => {}); await tsConn.close(); } };
}

function assertClosed([official, ts]: [Error, Error]): void {
  assert.match(official.message, /Connection is closed/);
  assert.equal(ts.name, 'ReqlDriverError');
  assert.match(ts.message, /connection was closed/);
}

test('dropConnections() ends feeds as a lost connection; the server forgets them', async () => {
  const feeds = await waitingFeeds();
  await feedsOpen(2);
  server.dropConnections();
  assertClosed(await feeds.ended);
  await feedsOpen(0);
  await feeds.close();
});

test('restart() and stop() close feeds with their connections; data and new feeds go on', async () => {
  const first = await waitingFeeds();
  await server.restart({ downMs: 0 });
  assertClosed(await first.ended);
  await first.close();
  const second = await waitingFeeds();
  await server.stop();
  assertClosed(await second.ended);
  await second.close();
  assert.equal(server.stats().feeds, 0);
  await server.start();
  const conn = await r.connect({ host: server.host, port: server.port });
  const feed: OfficialFeed = await R.table('life').changes().run(conn);
  await R.table('life').insert({ id: 'after' }).run(conn);
  assert.deepEqual(await feed.next(), { new_val: { id: 'after' }, old_val: null });
  await feed.close();
  await conn.close();
});

test('a squash window open when the server stops leaves no timer behind', async () => {
  const timers = (): number => process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
  const conn = await r.connect({ host: server.host, port: server.port });
  conn.on('error', () => {});
  const feed: OfficialFeed = await R.table('life').changes({ squash: 3600 }).run(conn);
  const before = timers();
  const ended = feed.next().then(() => assert.fail('the feed must end'), (err: Error) => err);
  while (timers() === before) await new Promise((resolve) => setImmediate(resolve)); // the window opened
  await server.stop();
  assert.match((await ended).message, /Connection is closed/);
  assert.equal(timers(), before);
  await server.start();
  await conn.close({ noreplyWait: false }).catch(() => {});
});

test('pause() holds a feed\'s answer; resume() sends it', async () => {
  const conn = await r.connect({ host: server.host, port: server.port });
  const writer = await r.connect({ host: server.host, port: server.port });
  const feed: OfficialFeed = await R.table('life').get('held').changes().run(conn);
  const next = feed.next();
  server.pause();
  const write = R.table('life').insert({ id: 'held' }).run(writer);
  server.resume();
  await write;
  assert.deepEqual(await next, { new_val: { id: 'held' }, old_val: null });
  await feed.close();
  await Promise.all([conn.close(), writer.close()]);
});

test('a pool refuses run() of a feed and stops it; the server answers and serves the next query', async () => {
  for (const [driver, q] of [[undefined, R], [rts, TS]] as const) {
    const pool = new AsyncConnectionPool({ host: server.host, port: server.port, silent: true } as r.ConnectionOptions,
      driver === undefined ? { poolSize: 1 } : { poolSize: 1, driver: driver as never });
    try {
      await assert.rejects(pool.run(q.table('life').changes() as never), TypeError);
      await feedsOpen(0);
      assert.equal(await pool.run(q.expr(1) as never), 1);
    } finally {
      await pool.releasePool();
    }
  }
});
