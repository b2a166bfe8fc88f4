// Every argument of a term is evaluated at most once: a write nested inside other terms
// runs exactly once (counted by the rows it leaves behind), and a long chain of
// transformations costs no more evaluations than its length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();

test('an insert read through bracket, count, merge and without inserts one row', async () => {
  await live.table('once');
  const t = R.table('once');
  assert.equal(await live.run(t.insert({ kind: 'a' })('generated_keys').count()), 1);
  assert.equal(await live.run(t.insert({ kind: 'b' })('inserted')), 1);
  const merged = await live.run(t.insert({ kind: 'c' }).merge({ note: 'x' }).without('generated_keys'));
  assert.deepEqual(merged, { deleted: 0, errors: 0, inserted: 1, note: 'x', replaced: 0, skipped: 0, unchanged: 0 });
  assert.equal(await live.run(R.expr([t.insert({ kind: 'd' })]).count()), 1);
  assert.equal(await live.run(t.count()), 4, 'four inserts, four rows');
});

test('an update nested in a chain of sixteen terms increments once', async () => {
  await live.table('once_upd', [{ id: 1, n: 0 }]);
  const t = R.table('once_upd');
  let q = R.expr([t.get(1).update({ n: R.row('n').add(1) })]);
  for (let i = 0; i < 16; i++) q = q.filter(true);
  assert.equal(await live.run(q.count()), 1);
  assert.deepEqual(await live.run(t.get(1)), { id: 1, n: 1 });
  const doubled = await live.run(t.get(1).update((row: any) => ({ n: row('n').mul(2) }), { returnChanges: true })('changes')(0)('new_val')('n'));
  assert.equal(doubled, 2);
  assert.deepEqual(await live.run(t.get(1)), { id: 1, n: 2 });
});

test('rethinkdb-ts: a nested insert inside do() and an array runs once', async () => {
  await live.table('once_ts');
  const t = TS.table('once_ts');
  assert.equal(await live.tsRun(t.insert({ a: 1 }).do((res: any) => res('inserted').add(res('inserted')))), 2);
  assert.equal(await live.tsRun(TS.expr([t.insert({ a: 2 }), t.insert({ a: 3 })]).count()), 2);
  assert.equal(await live.tsRun(t.count()), 3);
});

test('sixteen chained filters over a range read every row once per filter', async () => {
  let q = R.range(100);
  for (let i = 0; i < 16; i++) q = q.filter((x: any) => x.mod(1).eq(0));
  assert.equal(await live.run(q.count()), 100);
  // A write in the predicate's enclosing argument would betray re-evaluation at once:
  await live.table('once_chain');
  let w = R.expr([R.table('once_chain').insert({})]);
  for (let i = 0; i < 16; i++) w = w.filter((row: any) => row('inserted').eq(1));
  assert.equal(await live.run(w.count()), 1);
  assert.equal(await live.run(R.table('once_chain').count()), 1);
});
