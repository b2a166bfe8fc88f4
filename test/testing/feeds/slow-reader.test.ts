// A client that does not read its feed cannot make the server hold changes without bound.
// The real server (src/rdb_protocol/changefeed.cc, flat_sub_t::add_el and get_els) keeps
// at most `changefeed_queue_size` changes per feed (a run option and a changes() optarg,
// 100 000 by default): the change that makes the queue longer empties it, the dropped
// changes are counted, and the client's next read gets one item
// `{error: "Changefeed cache over array size limit, skipped N elements."}` before the
// changes that came after. With squash the queue holds one change per row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveFeeds, R, take, TS } from './live-feeds.js';

const live = liveFeeds();

const ids = (n: number, from = 1): Array<{ id: number }> => Array.from({ length: n }, (_, i) => ({ id: from + i }));

test('past changefeed_queue_size the queue is dropped and the next read says how many were skipped', async () => {
  await live.table('slow');
  const feed = await live.tsFeed(TS.table('slow').changes({ changefeedQueueSize: 10 }));
  // The cursor asks for nothing until next(): 25 changes arrive at a feed nobody reads.
  for (const row of ids(25)) await live.write(R.table('slow').insert(row));
  // The 11th change emptied the queue (11 dropped), the 22nd again (11 more); 3 remain.
  assert.deepEqual(await feed.next(), { error: 'Changefeed cache over array size limit, skipped 22 elements.' });
  assert.deepEqual(await take(feed, 3), [23, 24, 25].map((id) => ({ new_val: { id }, old_val: null })));
  const waiting = feed.next();
  await live.write(R.table('slow').insert({ id: 26 }));
  assert.deepEqual(await waiting, { new_val: { id: 26 }, old_val: null }, 'the feed goes on after the notice');
  await feed.close();
});

test('one write larger than the queue: the notice, then nothing lost after it', async () => {
  await live.table('slow_bulk');
  const feed = await live.feed(R.table('slow_bulk').changes(), { changefeedQueueSize: 100 });
  await live.write(R.table('slow_bulk').insert(ids(250)));
  assert.deepEqual(await feed.next(), { error: 'Changefeed cache over array size limit, skipped 202 elements.' });
  const rest = await take(feed, 48);
  assert.deepEqual(rest.map((c) => (c as { new_val: { id: number } }).new_val.id), ids(48, 203).map((r) => r.id));
  await feed.close();
});

test('with squash the queue holds one change per row: many writes to few rows never overflow', async () => {
  await live.table('slow_squash', [{ id: 1, v: 0 }, { id: 2, v: 0 }]);
  const feed = await live.tsFeed(TS.table('slow_squash').changes({ squash: true, changefeedQueueSize: 2 }));
  for (let v = 1; v <= 40; v++) await live.write(R.table('slow_squash').get(1 + (v % 2)).update({ v }));
  assert.deepEqual(await take(feed, 2), [
    { new_val: { id: 2, v: 39 }, old_val: { id: 2, v: 0 } },
    { new_val: { id: 1, v: 40 }, old_val: { id: 1, v: 0 } },
  ]);
  await feed.close();
});

test('the notice also reaches a feed read through the official driver, and the default size is 100 000', async () => {
  await live.table('slow_default');
  const feed = await live.feed(R.table('slow_default').changes());
  await live.write(R.table('slow_default').insert(R.range(1, 100_002).map((id: unknown) => ({ id }))));
  assert.deepEqual(await feed.next(), { error: 'Changefeed cache over array size limit, skipped 100001 elements.' });
  const waiting = feed.next();
  await live.write(R.table('slow_default').get(1).delete());
  assert.deepEqual(await waiting, { new_val: null, old_val: { id: 1 } });
  await feed.close();
});
