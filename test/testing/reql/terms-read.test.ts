// Reads and sequence terms through runQuery, with the exact JSON both drivers send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, T, T_TS, wire, type Harness } from './helpers.js';

function seeded(): Harness {
  const h = harness();
  h.atom([60, ['t']]);
  h.atom([56, [T, [2, [
    { id: 1, a: 3, b: 'x', o: { p: 1, q: 2 } },
    { id: 2, a: 1, b: 'y' },
    { id: 3, a: 2 },
    { id: 4, b: 'z' },
  ]]]]);
  return h;
}
const ids = (rows: unknown) => (rows as Array<{ id: unknown }>).map((r) => r.id);

test('table read is a stream in insertion order; get and getAll', () => {
  const h = seeded();
  assert.deepEqual(ids(h.stream(T)), [1, 2, 3, 4]);
  assert.deepEqual(ids(h.stream(T_TS, { db: 'test' })), [1, 2, 3, 4]);
  assert.deepEqual(h.atom([16, [T, 2]]), { a: 1, b: 'y', id: 2 });
  assert.equal(h.atom([16, [T, 'x']]), null, 'missing key is null');
  assert.equal(h.atom([16, [T, '1']]), null, '"1" is not 1');
  assert.deepEqual(ids(h.stream([78, [T, 3, 1, 99]])), [1, 3], 'in key order');
  assert.deepEqual(ids(h.stream([78, [T, 2], { index: 'id' }])), [2]);
  assert.deepEqual(wire(h.fail([78, [T, 'a', 'b'], { index: 'x' }])),
    { t: 18, e: 4100000, r: 'Index `x` was not found on table `test.t`.', b: [] });
  h.atom([75, [T, 'b']]);
  assert.deepEqual(ids(h.stream([78, [T, 'y', 'z'], { index: 'b' }])), [2, 4], 'field index lookups work');
  assert.equal(h.fail([16, [T, null]]).message,
    'Primary keys must be either a number, string, bool, pseudotype or array (got type NULL):\nnull');
  assert.equal(h.atom([52, [[16, [T, 1]]]]), 'SELECTION<OBJECT>');
});

test('filter: object predicate, r.row (both drivers), function, default', () => {
  const h = seeded();
  assert.deepEqual(ids(h.stream([39, [T, { b: 'y' }]])), [2]);
  assert.deepEqual(ids(h.stream([39, [T, { o: { p: 1 } }]])), [1], 'nested objects match as subsets');
  assert.deepEqual(ids(h.stream([39, [T, [69, [[2, [0]], [17, [[170, [[13, []], 'a']], 1]]]]]])), [2]);
  assert.deepEqual(ids(h.stream([39, [T_TS, [69, [[2, [1]], [17, [[170, [[13], 'a']], 1]]]]]], { db: 'test' })), [2]);
  assert.deepEqual(ids(h.stream([39, [T, [69, [[2, [1]], [21, [[170, [[10, [1]], 'a']], 1]]]]]])), [1, 3]);
  assert.deepEqual(ids(h.stream([39, [T, [69, [[2, [1]], [21, [[170, [[10, [1]], 'a']], 1]]]]], { default: true }])),
    [1, 3, 4], 'default: true keeps rows without the field');
  const err = h.fail([39, [T, [69, [[2, [1]], [21, [[170, [[10, [1]], 'a']], 1]]]]], { default: [12, ['no a']] }]);
  assert.deepEqual(wire(err), { t: 18, e: 5000000, r: 'no a', b: ['default'] });
  assert.equal(h.atom([52, [[39, [T, { a: 1 }]]]]), 'SELECTION<STREAM>');
  assert.deepEqual(h.atom([39, [[2, [1, 2, 3]], [69, [[2, [5]], [21, [[10, [5]], 1]]]]]]), [2, 3], 'arrays stay arrays');
});

test('orderBy: fields, r.desc, functions, index; arrays vs streams', () => {
  const h = seeded();
  const asc = h.atom([41, [T, 'a']]);
  assert.deepEqual(ids(asc), [4, 2, 3, 1], 'rows without the field sort first');
  assert.deepEqual(ids(h.atom([41, [T, [74, ['a']]]])), [1, 3, 2, 4]);
  assert.deepEqual(ids(h.atom([41, [T, [74, ['a']], 'b']])), [1, 3, 2, 4]);
  assert.deepEqual(ids(h.atom([41, [T, [69, [[2, [1]], [25, [0, [170, [[10, [1]], 'id']]]]]]]])), [4, 3, 2, 1]);
  assert.deepEqual(ids(h.atom([41, [T, [73, [[69, [[2, [1]], [170, [[10, [1]], 'id']]]]]]]])), [1, 2, 3, 4]);
  assert.deepEqual(ids(h.stream([41, [T], { index: 'id' }])), [1, 2, 3, 4], 'with an index: a stream');
  assert.deepEqual(ids(h.stream([41, [T], { index: [74, ['id']] }])), [4, 3, 2, 1]);
  assert.equal(h.atom([52, [[41, [T, 'a']]]]), 'SELECTION<ARRAY>');
  assert.deepEqual(h.atom([41, [[2, [3, 1, 'a', null, [2, []], true]], [69, [[2, [1]], [10, [1]]]]]]), [[], true, null, 1, 3, 'a'],
    'ARRAY < BOOL < NULL < NUMBER < STRING');
  assert.equal(h.fail([41, [T]]).message, 'Must specify something to order by.');
  assert.equal(h.fail([73, ['a']]).message, 'ASC may only be used as an argument to ORDER_BY or UNION.');
  assert.equal(h.fail([41, [[173, [3]]], { index: 'id' }]).message.startsWith('Indexed order_by can only be performed'), true);
  // The real transcript: orderBy(desc('a')).limit(1).pluck('a') is an atom array.
  assert.deepEqual(h.atom([33, [[71, [[41, [T, [74, ['a']]]], 1]], 'a']]), [{ a: 3 }]);
});

test('map, limit, skip, nth, count, sum, isEmpty, contains, union', () => {
  const h = seeded();
  assert.deepEqual(h.stream([38, [[35, [T, { z: 1 }]], [69, [[2, [2]], [170, [[10, [2]], 'z']]]]]]), [1, 1, 1, 1]);
  assert.deepEqual(ids(h.stream([71, [[70, [T, 1]], 2]])), [2, 3]);
  assert.equal(h.atom([43, [[71, [[70, [T, 1]], 2]]]]), 2);
  assert.equal(h.atom([43, [T]]), 4);
  assert.equal(h.atom([43, [[2, [1, 2, 1]], 1]]), 2, 'count(value)');
  assert.equal(h.atom([43, [T, [69, [[2, [1]], [21, [[170, [[10, [1]], 'id']], 2]]]]]]), 2, 'count(fn)');
  assert.equal(h.atom([43, ['abc']]), 3);
  assert.equal(h.atom([145, [T, 'a']]), 6, 'sum(field) skips rows without it');
  assert.equal(h.atom([145, [[2, [1, 2.5]]]]), 3.5);
  assert.equal(h.atom([145, [T, [69, [[2, [1]], [170, [[10, [1]], 'id']]]]]]), 10);
  assert.deepEqual(h.atom([45, [T, -1]]), { b: 'z', id: 4 });
  assert.equal(h.atom([52, [[45, [T, 0]]]]), 'SELECTION<OBJECT>');
  assert.deepEqual(wire(h.fail([45, [[2, [1]], 5]])), { t: 18, e: 3100000, r: 'Index out of bounds: 5', b: [] });
  assert.equal(h.atom([86, [T]]), false);
  assert.equal(h.atom([86, [[39, [T, { a: 99 }]]]]), true);
  assert.equal(h.atom([93, [[2, [1, 2, 3]], 2, 3]]), true);
  assert.equal(h.atom([93, [[2, [1, 2, 3]], 4]]), false);
  assert.equal(h.atom([93, [T, [69, [[2, [1]], [17, [[170, [[10, [1]], 'id']], 3]]]]]]), true);
  assert.equal(h.atom([93, [[2, [1, 2]], 1, 1]]), false, 'bag semantics: two 1s wanted');
  assert.deepEqual(h.atom([44, [[2, [1]], [2, [2, 3]]]]), [1, 2, 3], 'union of arrays is an array');
  assert.equal(h.stream([44, [T, [2, ['feedSeparator']]]]).length, 5, 'union with a table is a stream');
});

test('range: 0, 1 and 2 arguments, a stream; endless range under limit', () => {
  const h = harness();
  assert.deepEqual(h.stream([173, [3]]), [0, 1, 2]);
  assert.deepEqual(h.stream([173, [2, 5]]), [2, 3, 4]);
  assert.deepEqual(h.stream([71, [[173, []], 3]]), [0, 1, 2]);
  assert.deepEqual(h.stream([71, [[173], 2]]), [0, 1], 'rethinkdb-ts sends [173]');
  assert.equal(h.atom([45, [[173, []], 7]]), 7);
  assert.equal(h.stream([173, [200000]]).length, 200000);
  assert.equal(h.atom([52, [[173, [3]]]]), 'STREAM');
  assert.match(h.fail([43, [[173, []]]]).message, /^Cannot use an infinite stream/);
  assert.deepEqual(h.stream([71, [[173, [1e12]], 2]]), [0, 1], 'a huge range is never materialized under limit');
});

test('pluck, without, merge, bracket, getField, hasFields', () => {
  const h = seeded();
  assert.deepEqual(h.stream([34, [[33, [T, 'a', 'b']], 'b']]), [{ a: 3 }, { a: 1 }, { a: 2 }, {}]);
  assert.deepEqual(h.atom([33, [{ a: 1, b: { c: 2, d: 3 } }, { b: [2, ['c']] }]]), { b: { c: 2 } });
  assert.deepEqual(h.atom([34, [{ a: 1, b: { c: 2, d: 3 } }, { b: 'c' }]]), { a: 1, b: { d: 3 } });
  assert.deepEqual(h.atom([35, [{ a: 1, n: { x: 1 } }, { b: 2, n: { y: 2 } }]]), { a: 1, b: 2, n: { x: 1, y: 2 } });
  assert.deepEqual(h.atom([35, [{ a: 1 }, [69, [[2, [1]], { b: [24, [[170, [[10, [1]], 'a']], 1]] }]]]]), { a: 1, b: 2 });
  assert.deepEqual(h.atom([16, [T, 1]]), { a: 3, b: 'x', id: 1, o: { p: 1, q: 2 } });
  assert.equal(h.atom([170, [[16, [T, 1]], 'b']]), 'x');
  assert.deepEqual(h.stream([170, [T, 'b']]), ['x', 'y', 'z'], 'over a table: rows without the field skipped');
  assert.equal(h.atom([170, [[2, [5, 6]], 1]]), 6, 'a number is nth');
  assert.equal(h.atom([31, [{ a: 1 }, 'a']]), 1);
  assert.deepEqual(wire(h.fail([31, [{ b: 1, c: [2, [1]] }, 'a']])), {
    t: 18, e: 3100000, r: 'No attribute `a` in object:\n{\n\t"b":\t1,\n\t"c":\t[\n\t\t1\n\t]\n}', b: [],
  });
  assert.equal(h.fail([170, [5, 'a']]).message, 'Cannot perform bracket on a non-object non-sequence `5`.');
  assert.equal(h.fail([170, [[16, [T, 99]], 'a']]).message, 'Cannot perform bracket on a non-object non-sequence `null`.');
  assert.deepEqual(ids(h.stream([32, [T, 'a', 'b']])), [1, 2]);
  assert.equal(h.atom([32, [{ a: 1, b: null }, 'b']]), false, 'null fields do not count');
});
