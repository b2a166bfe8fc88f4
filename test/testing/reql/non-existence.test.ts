// A missing field, a missing row or a null value is a NON_EXISTENCE error (the drivers'
// ReqlNonExistenceError), whatever term meets it; `default()` absorbs it, filter skips the
// row, and sum / avg / min / max / count(f) leave the row out, as the real server does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();

const PETS = [
  { id: 'p1', kind: 'cat', age: 3, owner: { name: 'ana' } },
  { id: 'p2', kind: 'dog', age: null },
  { id: 'p3', kind: 'cat', age: 7, owner: { name: 'ben' } },
  { id: 'p4', kind: 'fish' },
];

test('type errors about null are NON_EXISTENCE, other type errors QUERY_LOGIC', async () => {
  await live.table('pets', PETS);
  const pets = R.table('pets');
  const cases: Array<[unknown, string, RegExp]> = [
    [R.expr(null).mul(2), 'ReqlNonExistenceError', /^Expected type NUMBER but found NULL\./],
    [R.expr('x').mul(2), 'ReqlQueryLogicError', /^Expected type NUMBER but found STRING\./],
    [pets.get('nobody')('kind'), 'ReqlNonExistenceError', /non-object non-sequence `null`/],
    [pets.get('nobody').without('kind'), 'ReqlNonExistenceError', /^Cannot perform without on a non-object/],
    [pets.get(null), 'ReqlNonExistenceError', /^Primary keys must be/],
    [R.expr({ a: 1 })(R.expr(null)), 'ReqlNonExistenceError', /^Expected NUMBER or STRING as second argument/],
    [pets.get('p1')('collar'), 'ReqlNonExistenceError', /^No attribute `collar` in object:\n\{/],
    [R.expr([]).max(), 'ReqlNonExistenceError', /^Cannot take the max of an empty stream/],
    [R.expr([]).avg(), 'ReqlNonExistenceError', /^Cannot take the average of an empty stream/],
  ];
  for (const [q, name, msg] of cases) {
    const err = await live.fail(q);
    assert.equal(err.name, name, String(err.message));
    assert.match(err.msg ?? '', msg);
  }
  const ts = await live.tsFail(TS.expr(null).add(1));
  assert.match(ts.message, /Expected type NUMBER but found NULL/);
  // rethinkdb-ts spells its class ReqlNonExistanceError.
  assert.match((ts as unknown as { name: string }).name, /^ReqlNonExist[ae]nceError$/);
});

test('default() absorbs missing rows, missing fields and null arithmetic; not other errors', async () => {
  await live.table('pets', PETS);
  const pets = R.table('pets');
  assert.equal(await live.run(pets.get('nobody')('kind').default('none')), 'none');
  assert.equal(await live.run(pets.get('nobody')('owner')('name').default('?')), '?');
  assert.deepEqual(await live.run(pets.orderBy('id').map((p: any) => p('age').add(1).default(-1))), [4, -1, 8, -1]);
  assert.deepEqual(await live.run(R.expr(['p1', 'p9']).map((id: any) => pets.get(id)('kind').default(null))), ['cat', null]);
  assert.equal(await live.run(R.expr({}).getField('x').default((msg: any) => msg.split(':').nth(0))),
    'No attribute `x` in object');
  const logic = await live.fail(R.expr('x').mul(2).default(0));
  assert.equal(logic.name, 'ReqlQueryLogicError', 'a QUERY_LOGIC error passes through default');
  assert.equal(await live.tsRun(TS.table('pets').get('nobody')('kind').default('none')), 'none');
});

test('filter skips rows whose predicate meets a missing field or a null; default optarg decides', async () => {
  await live.table('pets', PETS);
  const pets = R.table('pets');
  const ids = async (q: unknown) => ((await live.run(q)) as Array<{ id: string }>).map((x) => x.id).sort();
  assert.deepEqual(await ids(pets.filter((p: any) => p('owner')('name').eq('ben'))), ['p3']);
  assert.deepEqual(await ids(pets.filter((p: any) => p('age').mul(2).gt(5))), ['p1', 'p3']);
  assert.deepEqual(await ids(pets.filter((p: any) => p('owner')('name').ne('ben'), { default: true })), ['p1', 'p2', 'p4']);
  // `default: r.error()` turns the skipped row back into the error it raised.
  const err = await live.fail(pets.filter((p: any) => p('owner')('name').eq('x'), { default: R.error() }).count());
  assert.equal(err.name, 'ReqlNonExistenceError');
  assert.match(err.msg ?? '', /^No attribute `owner` in object/);
  const custom = await live.fail(pets.filter((p: any) => p('owner').eq(1), { default: R.error('no owner') }).count());
  assert.equal(custom.name, 'ReqlUserError');
  assert.equal(await live.tsRun(TS.table('pets').filter((p: any) => p('age').gt(5)).count()), 1);
});

test('sum, avg, min, max and count(f) leave out rows without the value', async () => {
  await live.table('pets', PETS);
  const pets = R.table('pets');
  assert.equal(await live.run(pets.sum('age')), 10);
  assert.equal(await live.run(pets.avg('age')), 5);
  // A null is a value to min (it sorts below numbers); only a missing field is left out.
  assert.equal(await live.run(pets.min('age')('id')), 'p2');
  assert.equal(await live.run(pets.max('age')('id')), 'p3');
  assert.equal(await live.run(pets.max((p: any) => p('owner')('name'))('id')), 'p3');
  assert.equal(await live.run(pets.count((p: any) => p('owner')('name').eq('ana'))), 1);
  assert.equal(await live.run(R.expr([2, null, 5]).sum()), 7);
  const strings = await live.fail(R.expr([1, 'two']).sum());
  assert.equal(strings.name, 'ReqlQueryLogicError', 'a string is an error, not a gap');
  assert.equal(await live.tsRun(TS.table('pets').sum('age')), 10);
});

test('a field read over a sequence skips rows without it; r.error() alone is QUERY_LOGIC', async () => {
  await live.table('pets', PETS);
  assert.deepEqual(((await live.run(R.table('pets')('age'))) as unknown[]).sort(), [3, 7, null]);
  assert.deepEqual(await live.run(R.expr([{ a: 1 }, null, { b: 2 }, { a: 3 }])('a')), [1, 3]);
  const empty = await live.fail(R.error());
  assert.equal(empty.name, 'ReqlQueryLogicError');
  assert.equal(empty.msg, 'Empty ERROR term outside a default block.');
  assert.equal(await live.run(R.expr(null).default(R.error())), null, 'nothing to rethrow: the value stays null');
});
