// Joins, concatMap, forEach, sample, union (with interleave), r.args, withFields, and lazy
// streams: an endless r.range() stays usable under map, filter and limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, liveServer, R, TS } from './live.js';

const live = liveServer();

const USERS = [{ id: 'u1', name: 'ann', team: 't1' }, { id: 'u2', name: 'bo', team: 't2' }, { id: 'u3', name: 'cy' }];
const TEAMS = [{ id: 't1', label: 'red' }, { id: 't2', label: 'blue' }];

test('eqJoin, innerJoin, outerJoin and zip', async () => {
  await live.table('users', USERS);
  await live.table('teams', TEAMS);
  const users = R.table('users');
  const teams = R.table('teams');
  const byUser = (rows: unknown) => (rows as Array<{ id: string }>).sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual(byUser(await live.run(users.eqJoin('team', teams).zip())), [
    { id: 't1', label: 'red', name: 'ann', team: 't1' }, { id: 't2', label: 'blue', name: 'bo', team: 't2' },
  ]);
  assert.deepEqual(await live.run(R.expr([1, 2, 3]).innerJoin([2, 3, 4], (a: any, b: any) => a.eq(b))),
    [{ left: 2, right: 2 }, { left: 3, right: 3 }]);
  assert.deepEqual(await live.run(R.expr([1, 5]).outerJoin([1], (a: any, b: any) => a.eq(b))),
    [{ left: 1, right: 1 }, { left: 5 }]);
  const zipped = await live.fail(R.expr([1]).zip());
  assert.equal(zipped.msg, 'ZIP can only be called on the result of a join.');
  assert.equal(await live.tsRun(TS.table('users').eqJoin('team', TS.table('teams')).count()), 2);
});

test('concatMap, forEach, sample, union with interleave, r.args, withFields', async () => {
  assert.deepEqual(await live.run(R.expr([[1, 2], [3]]).concatMap((x: any) => x)), [1, 2, 3]);
  const notSeq = await live.fail(R.expr([1]).concatMap((x: any) => x));
  assert.equal(notSeq.msg, 'Cannot convert NUMBER to SEQUENCE');
  await live.table('log');
  assert.deepEqual(await live.run(R.expr(['a', 'b']).forEach((k: any) => R.table('log').insert({ id: k }))),
    counts({ inserted: 2 }));
  const notWrite = await live.fail(R.expr([1]).forEach((x: any) => x));
  assert.equal(notWrite.msg, 'FOR_EACH expects one or more basic write queries.  Expected type ARRAY but found NUMBER.');
  assert.equal(await live.run(R.expr([1, 2, 3, 4]).sample(2).count()), 2);
  assert.equal(await live.run(R.table('log').sample(1).typeOf()), 'SELECTION<ARRAY>');
  assert.deepEqual(await live.run(R.expr([1, 4]).union([2, 3], { interleave: (x: any) => x })), [1, 2, 3, 4]);
  assert.deepEqual(await live.run(R.expr([1, 4]).union([2, 3], { interleave: false })), [1, 4, 2, 3]);
  assert.equal(await live.run(R.add(R.args([1, 2, 3]))), 6);
  assert.deepEqual(await live.run(R.expr({ a: 1, b: 2, c: 3 }).pluck(R.args(['a', 'c']))), { a: 1, c: 3 });
  const count = await live.fail(R.expr(1).eq(R.args([])));
  assert.equal(count.msg, 'Expected 2 or more arguments but found 1.');
  await live.table('users', USERS);
  assert.deepEqual(((await live.run(R.table('users').withFields('team'))) as unknown[]).length, 2);
});

test('endless and lazy streams', async () => {
  assert.deepEqual(await live.run(R.range().map((x: any) => x.mul(x)).filter((x: any) => x.mod(2).eq(1)).limit(3)),
    [1, 9, 25]);
  assert.equal(await live.run(R.range().nth(1000)), 1000);
  assert.equal(await live.run(R.range().isEmpty()), false);
  const endless = await live.fail(R.range().count());
  assert.match(endless.msg ?? '', /^Cannot use an infinite stream with an aggregation function/);
  assert.deepEqual(await live.run(R.range(3, 6)), [3, 4, 5]);
  assert.equal(await live.run(R.range(4).typeOf()), 'STREAM');
});
