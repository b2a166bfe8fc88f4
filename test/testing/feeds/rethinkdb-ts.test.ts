// Changefeeds through rethinkdb-ts (for await, next, close): the feed forms answer as from
// a real server, and close() ends a loop that waits for a change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveFeeds, R, TS, type TsFeed } from './live-feeds.js';

const live = liveFeeds();

/** The next `n` items, read with for await. */
async function collect(feed: TsFeed, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  if (n === 0) return out;
  for await (const item of feed) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

test('for await over a table feed; the rows of one write come in write order', async () => {
  await live.table('ts_table', [{ id: 1, v: 1 }]);
  const feed = await live.tsFeed(TS.table('ts_table').changes());
  assert.equal(feed.getType(), 'Feed');
  await live.write(R.table('ts_table').insert([{ id: 3 }, { id: 2 }]));
  await live.write(R.table('ts_table').get(1).update({ v: 2 }));
  await live.write(R.table('ts_table').get(3).delete());
  assert.deepEqual(await collect(feed, 4), [
    { new_val: { id: 3 }, old_val: null },
    { new_val: { id: 2 }, old_val: null },
    { new_val: { id: 1, v: 2 }, old_val: { id: 1, v: 1 } },
    { new_val: null, old_val: { id: 3 } },
  ]);
  await feed.close();
});

test('close() ends a for await loop that waits for a change', async () => {
  await live.table('ts_close');
  const feed = await live.tsFeed(TS.table('ts_close').changes());
  const it = feed[Symbol.asyncIterator]();
  await live.write(R.table('ts_close').insert({ id: 1 }));
  assert.deepEqual(await it.next(), { value: { new_val: { id: 1 }, old_val: null }, done: false });
  const waiting = it.next();
  await feed.close();
  assert.deepEqual(await waiting, { value: undefined, done: true });
  const idle = await live.tsFeed(TS.table('ts_close').changes());
  const loop = collect(idle, 1);
  await idle.close();
  assert.deepEqual(await loop, []);
});

test('point, filter and orderBy.limit feeds with includeInitial, includeStates and includeTypes', async () => {
  await live.table('ts_forms', [{ id: 1, n: 1 }, { id: 2, n: 5 }, { id: 3, n: 7 }]);
  const opts = { includeInitial: true, includeStates: true, includeTypes: true };
  const point = await live.tsFeed(TS.table('ts_forms').get(2).changes(opts));
  const filtered = await live.tsFeed(TS.table('ts_forms').filter((row: (f: string) => { gt(n: number): unknown }) =>
    row('n').gt(4)).changes(opts));
  const limited = await live.tsFeed(TS.table('ts_forms').orderBy({ index: 'id' }).limit(1).changes(opts));
  assert.deepEqual([point.getType(), filtered.getType(), limited.getType()], ['AtomFeed', 'Feed', 'OrderByLimitFeed']);
  const start = (val: object) => [
    { state: 'initializing', type: 'state' }, { new_val: val, type: 'initial' }, { state: 'ready', type: 'state' },
  ];
  assert.deepEqual(await collect(point, 3), start({ id: 2, n: 5 }));
  assert.deepEqual(await collect(limited, 3), start({ id: 1, n: 1 }));
  assert.deepEqual(await collect(filtered, 4), [
    { state: 'initializing', type: 'state' },
    { new_val: { id: 2, n: 5 }, type: 'initial' },
    { new_val: { id: 3, n: 7 }, type: 'initial' },
    { state: 'ready', type: 'state' },
  ]);
  await live.write(R.table('ts_forms').get(2).update({ n: 0 }));
  await live.write(R.table('ts_forms').get(1).delete());
  assert.deepEqual(await collect(point, 1), [{ new_val: { id: 2, n: 0 }, old_val: { id: 2, n: 5 }, type: 'change' }]);
  assert.deepEqual(await collect(filtered, 1), [{ new_val: null, old_val: { id: 2, n: 5 }, type: 'remove' }]);
  assert.deepEqual(await collect(limited, 1), [{ new_val: { id: 2, n: 0 }, old_val: { id: 1, n: 1 }, type: 'change' }]);
  await Promise.all([point.close(), filtered.close(), limited.close()]);
});

test('a dropped table rejects the loop with the real server\'s OP_FAILED error', async () => {
  await live.table('ts_drop');
  const feed = await live.tsFeed(TS.table('ts_drop').changes());
  const loop = collect(feed, 1).then(() => assert.fail('the loop must reject'), (err: Error) => err);
  await live.write(R.tableDrop('ts_drop'));
  const err = await loop;
  assert.equal(err.name, 'ReqlOpFailedError');
  assert.match(err.message, /^Changefeed aborted \(unavailable\)/);
});

test('rethinkdb-ts\'s discovery feed on server_status: its rows between the states, then no change', async () => {
  const feed = await live.tsFeed(TS.db('rethinkdb').table('server_status').changes({ includeInitial: true, includeStates: true }));
  const [initializing, row, ready] = await collect(feed, 3) as Array<{ state?: string; new_val?: { name: string } }>;
  assert.deepEqual([initializing, ready], [{ state: 'initializing' }, { state: 'ready' }]);
  assert.equal(row?.new_val?.name, live.server.name);
  await feed.close();
});
