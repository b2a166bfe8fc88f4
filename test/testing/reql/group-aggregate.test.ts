// group / ungroup and the aggregations: terms after group() apply per group, results
// come back as GROUPED_DATA (which the drivers turn into [{group, reduction}]), and
// reduce, fold, avg, min, max and distinct behave as on the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();

const SALES = [
  { id: 1, region: 'north', rep: 'ann', amount: 30, items: ['pen', 'ink'] },
  { id: 2, region: 'south', rep: 'bob', amount: 10, items: ['pen'] },
  { id: 3, region: 'north', rep: 'cy', amount: 25, items: [] },
  { id: 4, region: 'south', rep: 'bob', amount: 40, items: ['pad'] },
  { id: 5, region: 'west', rep: 'dee', items: ['ink'] },
];

test('group then count, sum, avg, max, pluck and ungroup', async () => {
  await live.table('sales', SALES);
  const t = R.table('sales');
  assert.deepEqual(await live.run(t.group('region').count()),
    [{ group: 'north', reduction: 2 }, { group: 'south', reduction: 2 }, { group: 'west', reduction: 1 }]);
  // A group none of whose rows has the field is left out, as the real server does.
  assert.deepEqual(await live.run(t.group('region').sum('amount')),
    [{ group: 'north', reduction: 55 }, { group: 'south', reduction: 50 }]);
  assert.deepEqual(await live.run(t.group('rep').max('amount')('id').ungroup().map((g: any) => g('reduction'))),
    [1, 4, 3]);
  assert.deepEqual(await live.run(t.group('region').avg('amount')),
    [{ group: 'north', reduction: 27.5 }, { group: 'south', reduction: 25 }]);
  assert.deepEqual(await live.run(t.group((s: any) => s('amount').gt(20).default(false)).count()),
    [{ group: false, reduction: 2 }, { group: true, reduction: 3 }]);
  assert.deepEqual(await live.run(t.group('region', 'rep').count().ungroup().count()), 4);
  // multi: a row counts in each of its array's groups; an empty array files it under null.
  assert.deepEqual(await live.run(t.group('items', { multi: true }).count()),
    [{ group: null, reduction: 1 }, { group: 'ink', reduction: 2 }, { group: 'pad', reduction: 1 },
      { group: 'pen', reduction: 2 }]);
  assert.equal(await live.run(t.group('region').typeOf()), 'GROUPED_STREAM');
  assert.equal(await live.run(t.group('region').count().typeOf()), 'GROUPED_DATA');
  const raw = await live.run(t.group('region').count(), { groupFormat: 'raw' });
  assert.deepEqual(raw, { $reql_type$: 'GROUPED_DATA', data: [['north', 2], ['south', 2], ['west', 1]] });
  assert.deepEqual(await live.tsRun(TS.table('sales').group('rep').count()),
    [{ group: 'ann', reduction: 1 }, { group: 'bob', reduction: 2 }, { group: 'cy', reduction: 1 }, { group: 'dee', reduction: 1 }]);
  const notGrouped = await live.fail(R.expr([1]).ungroup());
  assert.match(notGrouped.msg ?? '', /^Expected type GROUPED_DATA but found DATUM:/);
});

test('reduce, fold, avg, min, max and their empty-stream errors', async () => {
  assert.equal(await live.run(R.expr([3, 4, 5]).reduce((a: any, b: any) => a.mul(b))), 60);
  assert.equal(await live.run(R.expr([3, 4, 5]).fold(10, (acc: any, x: any) => acc.sub(x))), -2);
  assert.deepEqual(await live.run(R.expr(['a', 'b']).fold('', (acc: any, x: any) => acc.add(x), {
    emit: (_old: any, _x: any, acc: any) => [acc],
  })), ['a', 'ab']);
  assert.equal(await live.run(R.expr([2, 4, 9]).avg()), 5);
  assert.equal(await live.run(R.expr([{ v: 2 }, { v: -1 }, { w: 0 }]).min('v')('v')), -1);
  assert.deepEqual(await live.run(R.expr([{ v: 2 }, { v: 7 }]).max((x: any) => x('v').mul(-1))), { v: 2 });
  const empty = await live.fail(R.expr([]).reduce((a: any, b: any) => a.add(b)));
  assert.equal(empty.name, 'ReqlNonExistenceError');
  assert.equal(empty.msg, 'Cannot reduce over an empty stream.');
  assert.equal(await live.run(R.expr([]).min().default('none')), 'none', 'default absorbs an empty min');
  assert.equal(await live.run(R.range(100).sum()), 4950);
});

test('distinct sorts and deduplicates; count of a string, an object and a binary', async () => {
  assert.deepEqual(await live.run(R.expr([3, 'a', 1, 3, 'a', [1]]).distinct()), [[1], 1, 3, 'a']);
  await live.table('sales', SALES);
  assert.deepEqual(await live.run(R.table('sales')('rep').distinct()), ['ann', 'bob', 'cy', 'dee']);
  assert.equal(await live.run(R.table('sales').distinct().count()), 5);
  assert.equal(await live.run(R.expr('héllo').count()), 5);
  assert.equal(await live.run(R.expr({ a: 1, b: 2 }).count()), 2);
  assert.equal(await live.run(R.binary(Buffer.from([0, 1, 2, 3])).count()), 4);
  assert.equal(await live.run(R.expr([1, 2, 1]).count(1)), 2);
});
