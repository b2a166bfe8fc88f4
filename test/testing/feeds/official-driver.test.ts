// Changefeeds through the official `rethinkdb` driver's cursor (next, each, close): each
// feed form answers with the items a real server sends, and the driver makes of them the
// cursor class it makes of a real server's notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveFeeds, R, take } from './live-feeds.js';

const live = liveFeeds();

test('a table feed: insert, update, delete as new_val/old_val pairs (Feed)', async () => {
  await live.table('o_table', [{ id: 1, v: 1 }]);
  const feed = await live.feed(R.table('o_table').changes());
  assert.equal(feed.toString(), '[object Feed]');
  await live.write(R.table('o_table').insert({ id: 2, v: 1 }));
  await live.write(R.table('o_table').get(1).update({ v: 2 }));
  await live.write(R.table('o_table').get(2).delete());
  await live.write(R.table('o_table').get(1).update({ v: 2 })); // unchanged: no change
  await live.write(R.table('o_table').get(1).replace({ id: 1 }));
  assert.deepEqual(await take(feed, 4), [
    { new_val: { id: 2, v: 1 }, old_val: null },
    { new_val: { id: 1, v: 2 }, old_val: { id: 1, v: 1 } },
    { new_val: null, old_val: { id: 2, v: 1 } },
    { new_val: { id: 1 }, old_val: { id: 1, v: 2 } },
  ]);
  await feed.close();
});

test('each() delivers the rows of one write in order; close() inside it ends the feed', async () => {
  await live.table('o_each');
  const feed = await live.feed(R.table('o_each').changes());
  const seen: unknown[] = [];
  let closing = false;
  const closed = new Promise<void>((resolve, reject) => {
    feed.each((err, row) => {
      // Once closed, the driver hands the callback waiting in each() "Cursor is closed.".
      if (err) return closing && err.message === 'Cursor is closed.' ? false : reject(err);
      seen.push((row as { new_val: { id: number } }).new_val.id);
      if (seen.length === 5) {
        closing = true;
        feed.close().then(resolve, reject);
      }
      return undefined;
    });
  });
  await live.write(R.table('o_each').insert([{ id: 3 }, { id: 1 }, { id: 5 }, { id: 2 }, { id: 4 }]));
  await closed;
  assert.deepEqual(seen, [3, 1, 5, 2, 4]);
  assert.equal(live.server.stats().feeds, 0, 'the server forgot the feed');
  await live.write(R.table('o_each').insert({ id: 6 }));
});

test('a point feed sees only its row; includeInitial gives it first, null when missing (AtomFeed)', async () => {
  await live.table('o_point', [{ id: 1, v: 1 }, { id: 2, v: 1 }]);
  const feed = await live.feed(R.table('o_point').get(1).changes({ includeInitial: true }));
  assert.equal(feed.toString(), '[object AtomFeed]');
  assert.deepEqual(await feed.next(), { new_val: { id: 1, v: 1 } });
  await live.write(R.table('o_point').get(2).update({ v: 9 }));
  await live.write(R.table('o_point').get(1).update({ v: 2 }));
  await live.write(R.table('o_point').get(1).delete());
  await live.write(R.table('o_point').insert({ id: 1, back: true }));
  assert.deepEqual(await take(feed, 3), [
    { new_val: { id: 1, v: 2 }, old_val: { id: 1, v: 1 } },
    { new_val: null, old_val: { id: 1, v: 2 } },
    { new_val: { back: true, id: 1 }, old_val: null },
  ]);
  await feed.close();
  const missing = await live.feed(R.table('o_point').get('nope').changes({ includeInitial: true }));
  assert.deepEqual(await missing.next(), { new_val: null });
  await missing.close();
});

test('a filter feed: rows entering and leaving the selection, nothing for rows outside it', async () => {
  await live.table('o_filter', [{ id: 1, n: 1 }, { id: 2, n: 5 }]);
  const feed = await live.feed(R.table('o_filter').filter(R.row('n').gt(3)).changes());
  await live.write(R.table('o_filter').get(1).update({ n: 2 })); // outside before and after
  await live.write(R.table('o_filter').get(1).update({ n: 4 })); // enters
  await live.write(R.table('o_filter').get(2).update({ n: 0 })); // leaves
  await live.write(R.table('o_filter').insert({ id: 3, other: true })); // the predicate fails: outside
  await live.write(R.table('o_filter').get(1).update({ n: 6 }));
  assert.deepEqual(await take(feed, 3), [
    { new_val: { id: 1, n: 4 }, old_val: null },
    { new_val: null, old_val: { id: 2, n: 5 } },
    { new_val: { id: 1, n: 6 }, old_val: { id: 1, n: 4 } },
  ]);
  await feed.close();
});

test('map, pluck and without feeds show the transformed rows; a change they hide sends nothing', async () => {
  await live.table('o_map', [{ id: 1, a: 1, b: 1 }]);
  const mapped = await live.feed(R.table('o_map').map((row: (f: string) => unknown) => row('a')).changes());
  const plucked = await live.feed(R.table('o_map').pluck('id', 'a').changes());
  const without = await live.feed(R.table('o_map').without('b').changes({ includeInitial: true }));
  assert.deepEqual(await without.next(), { new_val: { a: 1, id: 1 } });
  await live.write(R.table('o_map').get(1).update({ b: 2 })); // a hidden field: no item
  await live.write(R.table('o_map').get(1).update({ a: 2 }));
  assert.deepEqual(await mapped.next(), { new_val: 2, old_val: 1 });
  assert.deepEqual(await plucked.next(), { new_val: { a: 2, id: 1 }, old_val: { a: 1, id: 1 } });
  assert.deepEqual(await without.next(), { new_val: { a: 2, id: 1 }, old_val: { a: 1, id: 1 } });
  await Promise.all([mapped.close(), plucked.close(), without.close()]);
});

test('an orderBy({index}).limit(n) feed keeps the first n rows (OrderByLimitFeed)', async () => {
  await live.table('o_limit', [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
  const feed = await live.feed(R.table('o_limit').orderBy({ index: R.desc('id') }).limit(2)
    .changes({ includeInitial: true, includeOffsets: true }));
  assert.equal(feed.toString(), '[object OrderByLimitFeed]');
  assert.deepEqual(await take(feed, 2), [{ new_offset: 0, new_val: { id: 4 } }, { new_offset: 1, new_val: { id: 3 } }]);
  await live.write(R.table('o_limit').insert({ id: 9 })); // comes in first, pushes 3 out
  await live.write(R.table('o_limit').get(2).update({ x: 1 })); // outside the set: nothing
  await live.write(R.table('o_limit').get(9).delete()); // leaves; 3 comes back
  await live.write(R.table('o_limit').get(4).update({ x: 1 })); // changes in place
  assert.deepEqual(await take(feed, 3), [
    { new_offset: 0, new_val: { id: 9 }, old_offset: 1, old_val: { id: 3 } },
    { new_offset: 1, new_val: { id: 3 }, old_offset: 0, old_val: { id: 9 } },
    { new_offset: 0, new_val: { id: 4, x: 1 }, old_offset: 0, old_val: { id: 4 } },
  ]);
  await feed.close();
});
