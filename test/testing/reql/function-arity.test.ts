// Functions may declare fewer parameters than the term passes: a function of no
// parameters accepts any arguments (the real server allows it so that drivers need not
// know), in do(), map(), update(), filter(), conflict functions; a function declaring
// some parameters must declare exactly as many as it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, liveServer, R, TS } from './live.js';

const live = liveServer();

test('zero-parameter functions in do, map, filter, concatMap and reduce', async () => {
  assert.equal(await live.run(R.expr('ignored').do(() => 'seen')), 'seen');
  assert.deepEqual(await live.run(R.expr([1, 2, 3]).map(() => 'x')), ['x', 'x', 'x']);
  assert.deepEqual(await live.run(R.expr([1, 2, 3]).filter(() => true)), [1, 2, 3]);
  assert.deepEqual(await live.run(R.expr([1, 2]).concatMap(() => [0])), [0, 0]);
  assert.equal(await live.run(R.expr([1, 2, 3]).reduce(() => 9)), 9);
  assert.equal(await live.tsRun(TS.expr(5).do(() => 6)), 6);
});

test('update, replace and an insert conflict function may ignore their arguments', async () => {
  await live.table('arity', [{ id: 1, v: 1 }, { id: 2, v: 2 }]);
  const t = R.table('arity');
  assert.deepEqual(await live.run(t.get(1).update(() => ({ touched: true }))), counts({ replaced: 1 }));
  assert.deepEqual(await live.run(t.update(() => ({ all: true })).do((res: any) => res('replaced'))), 2);
  assert.deepEqual(await live.run(t.get(2).replace(() => ({ id: 2, fresh: true }))), counts({ replaced: 1 }));
  assert.deepEqual(await live.run(t.get(2)), { fresh: true, id: 2 });
  assert.deepEqual(await live.run(t.insert({ id: 1 }, { conflict: () => ({ id: 1, merged: 'yes' }) })),
    counts({ replaced: 1 }));
  assert.deepEqual(await live.run(t.get(1)), { id: 1, merged: 'yes' });
  assert.deepEqual(await live.tsRun(TS.table('arity').get(1).update(() => ({ ts: 1 }))), counts({ replaced: 1 }));
});

test('a function declaring the wrong number of parameters is refused', async () => {
  const err = await live.fail(R.do(1, 2, (a: any) => a));
  assert.equal(err.name, 'ReqlQueryLogicError');
  assert.equal(err.msg, 'Expected function with 2 arguments but found function with 1 argument.');
  const map = await live.fail(R.map(R.expr([1]), R.expr([2]), (a: any) => a));
  assert.equal(map.msg, 'The function passed to `map` expects 1 argument, but 2 sequences were found.');
  const asValue = await live.fail(R.expr([1, 2]).map(5));
  assert.equal(asValue.msg, 'Expected type FUNCTION but found DATUM:\n5', 'map needs a function, not a constant');
});
