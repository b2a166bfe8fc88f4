// The optargs of changes(): includeStates, includeTypes, includeOffsets, squash (true, and
// a number of seconds), changefeed_queue_size, and the real server's refusals of options
// and of queries a feed cannot follow. Squash tests never time anything: they write while
// no CONTINUE waits (changes to a row coalesce whenever the client is not reading) or in
// one query (its changes reach the feed together).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveFeeds, R, take, TS } from './live-feeds.js';

const live = liveFeeds();

interface DriverError extends Error { readonly msg?: string }

async function refusal(q: unknown, opts?: Record<string, unknown>): Promise<DriverError> {
  try {
    const feed = await live.feed(q, opts);
    await feed.close();
  } catch (err) {
    return err as DriverError;
  }
  assert.fail('expected the feed to be refused');
}

test('includeTypes marks add, change and remove; includeStates alone sends ready first', async () => {
  await live.table('op_types', [{ id: 1 }]);
  const feed = await live.feed(R.table('op_types').changes({ includeTypes: true, includeStates: true }));
  await live.write(R.table('op_types').insert({ id: 2 }));
  await live.write(R.table('op_types').get(1).update({ v: 1 }));
  await live.write(R.table('op_types').get(2).delete());
  assert.deepEqual(await take(feed, 4), [
    { state: 'ready', type: 'state' },
    { new_val: { id: 2 }, old_val: null, type: 'add' },
    { new_val: { id: 1, v: 1 }, old_val: { id: 1 }, type: 'change' },
    { new_val: null, old_val: { id: 2 }, type: 'remove' },
  ]);
  await feed.close();
});

test('squash: true coalesces the changes to one row made while the client is not reading', async () => {
  await live.table('op_squash', [{ id: 1, v: 0 }, { id: 2, v: 0 }]);
  const squashed = await live.tsFeed(TS.table('op_squash').changes({ squash: true }));
  const plain = await live.tsFeed(TS.table('op_squash').changes());
  // Neither cursor asks for a batch until next(): these writes wait in the server's queues.
  await live.write(R.table('op_squash').get(1).update({ v: 1 }));
  await live.write(R.table('op_squash').get(2).update({ v: 1 }));
  await live.write(R.table('op_squash').get(1).update({ v: 2 }));
  await live.write(R.table('op_squash').insert({ id: 3 }));
  await live.write(R.table('op_squash').get(3).delete()); // cancels the insert
  await live.write(R.table('op_squash').get(2).update({ v: 0 })); // back as it was
  assert.deepEqual(await squashed.next(), { new_val: { id: 1, v: 2 }, old_val: { id: 1, v: 0 } });
  assert.equal((await take(plain, 6)).length, 6, 'without squash every change is kept');
  // One query updating row 1 three times while a CONTINUE waits: one coalesced item.
  const waiting = squashed.next();
  await live.write(R.expr([3, 4, 5]).forEach((v: number) => R.table('op_squash').get(1).update({ v })));
  assert.deepEqual(await waiting, { new_val: { id: 1, v: 5 }, old_val: { id: 1, v: 2 } });
  assert.deepEqual(await take(plain, 3), [3, 4, 5].map((v) => ({ new_val: { id: 1, v }, old_val: { id: 1, v: v === 3 ? 2 : v - 1 } })));
  await Promise.all([squashed.close(), plain.close()]);
});

test('squash: <seconds> answers after its window with what coalesced', async () => {
  await live.table('op_window', [{ id: 1, v: 0 }]);
  const feed = await live.feed(R.table('op_window').changes({ squash: 0.05, includeInitial: true }));
  assert.deepEqual(await feed.next(), { new_val: { id: 1, v: 0 } }, 'the first batch does not wait');
  for (const v of [1, 2, 3]) await live.write(R.table('op_window').get(1).update({ v }));
  assert.deepEqual(await feed.next(), { new_val: { id: 1, v: 3 }, old_val: { id: 1, v: 0 } });
  await feed.close();
});

test('squash: a long window ends early once the queue passes half of changefeed_queue_size', async () => {
  await live.table('op_half');
  const feed = await live.feed(R.table('op_half').changes({ squash: 3600, changefeedQueueSize: 4 }));
  const first = feed.next(); // a CONTINUE opens an hour-long window
  for (const id of [1, 2, 3]) await live.write(R.table('op_half').insert({ id }));
  assert.deepEqual(await first, { new_val: { id: 1 }, old_val: null });
  await feed.close();
});

test('a squashed orderBy.limit feed sends what changed in the set since the client last read', async () => {
  await live.table('op_limit', [{ id: 1 }, { id: 2 }, { id: 3 }]);
  const feed = await live.tsFeed(TS.table('op_limit').orderBy({ index: 'id' }).limit(2).changes({ squash: true }));
  await live.write(R.table('op_limit').get(1).update({ v: 1 }));
  await live.write(R.table('op_limit').get(1).update({ v: 2 }));
  await live.write(R.table('op_limit').get(2).delete()); // 3 comes in
  await live.write(R.table('op_limit').insert({ id: 0 })); // comes in first, pushes 3 out again
  assert.deepEqual(await take(feed, 2), [
    { new_val: { id: 1, v: 2 }, old_val: { id: 1 } },
    { new_val: { id: 0 }, old_val: { id: 2 } },
  ]);
  await feed.close();
});

test('includeOffsets only on orderBy.limit feeds, as on the real server', async () => {
  await live.table('op_offsets', [{ id: 1 }]);
  assert.equal((await refusal(R.table('op_offsets').changes({ includeOffsets: true }))).msg,
    'Cannot include offsets for range subs.');
  assert.equal((await refusal(R.table('op_offsets').get(1).changes({ includeOffsets: true }))).msg,
    'Cannot include offsets for point subs.');
});

test('bad options and queries a feed cannot follow get the real server\'s errors', async () => {
  await live.table('op_bad', [{ id: 1 }]);
  const t = R.table('op_bad');
  const cases: Array<[unknown, string, string]> = [
    [t.changes({ squash: -1 }), 'ReqlQueryLogicError', 'Expected BOOL or a positive NUMBER but found a negative NUMBER.'],
    [t.changes({ squash: 'x' }), 'ReqlQueryLogicError', 'Expected BOOL or NUMBER but found STRING.'],
    [t.changes({ changefeedQueueSize: 0 }), 'ReqlQueryLogicError', 'Illegal changefeed queue size `0`.  (Must be >= 1.)'],
    [t.changes({ foo: 1 }), 'ReqlServerCompileError', 'Unrecognized optional argument `foo`.'],
    [R.expr([1]).changes(), 'ReqlQueryLogicError', 'Cannot call `changes` on an eager stream.'],
    [R.range(3).changes(), 'ReqlQueryLogicError', 'Cannot call `changes` on an eager stream.'],
    [t.limit(1).changes(), 'ReqlQueryLogicError', 'Cannot get changes on the first elements of an unordered stream.'],
    [t.filter(() => R.random().gt(0.5)).changes(), 'ReqlQueryLogicError', 'Cannot call `changes` after a non-deterministic function.'],
    [t.changes().count(), 'ReqlQueryLogicError',
      'Cannot call a terminal (`reduce`, `count`, etc.) on an infinite stream (such as a changefeed).'],
    [R.table('op_missing').changes(), 'ReqlOpFailedError', 'Table `test.op_missing` does not exist.'],
  ];
  for (const [q, name, msg] of cases) {
    const err = await refusal(q);
    assert.deepEqual([err.name, err.msg], [name, msg]);
  }
  assert.equal((await refusal(t.changes(), { changefeedQueueSize: -2 })).msg, 'Illegal changefeed queue size `-2`.  (Must be >= 1.)');
});

test('feeds the test server does not follow are refused by name', async () => {
  await live.table('op_unsupported', [{ id: 1 }]);
  const t = R.table('op_unsupported');
  const between = await refusal(t.between(0, 5).changes());
  assert.match(between.msg ?? '', /^Term CHANGES on BETWEEN is not supported by the async-repool test server/);
  const getAll = await refusal(t.getAll(1).changes());
  assert.match(getAll.msg ?? '', /^Term CHANGES on GET_ALL is not supported/);
  const after = await refusal(t.changes()('new_val'));
  assert.match(after.msg ?? '', /^Term BRACKET after CHANGES is not supported by the async-repool test server/);
});
