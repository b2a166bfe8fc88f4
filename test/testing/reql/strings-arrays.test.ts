// Strings (match, split, upcase, downcase), slices, array operations, keys/values,
// r.object, r.literal, r.json and toJsonString, with the server's index rules and results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, liveServer, R, TS } from './live.js';

const live = liveServer();

test('match gives the match and its groups with byte offsets, or null', async () => {
  assert.deepEqual(await live.run(R.expr('id=42;').match('([a-z]+)=(\\d+)')), {
    end: 5, groups: [{ end: 2, start: 0, str: 'id' }, { end: 5, start: 3, str: '42' }], start: 0, str: 'id=42',
  });
  assert.equal(await live.run(R.expr('abc').match('^b')), null);
  assert.equal(await live.run(R.expr('ABC').match('(?i)^a')('str')), 'A');
  assert.deepEqual(await live.run(R.expr('x').match('(y)?x')('groups')), [null]);
  assert.equal(await live.tsRun(TS.expr('aXb').match('X')('start')), 1);
});

test('split on whitespace, a delimiter, into characters, with a maximum', async () => {
  assert.deepEqual(await live.run(R.expr(' one  two\tthree ').split()), ['one', 'two', 'three']);
  assert.deepEqual(await live.run(R.expr('a;;b').split(';')), ['a', '', 'b']);
  assert.deepEqual(await live.run(R.expr('a;b;c').split(';', 1)), ['a', 'b;c']);
  assert.deepEqual(await live.run(R.expr('a b c').split(null, 1)), ['a', 'b c']);
  assert.deepEqual(await live.run(R.expr('héj').split('')), ['h', 'é', 'j']);
  assert.equal(await live.run(R.expr('Straße Ünï').upcase()), 'STRAßE ÜNï', 'ASCII letters only, as the server');
  assert.equal(await live.run(R.expr('MiXeD').downcase()), 'mixed');
  const notString = await live.fail(R.expr(7).downcase());
  assert.equal(notString.msg, 'Expected type STRING but found NUMBER.');
});

test('slice and skip on arrays, strings and streams', async () => {
  assert.deepEqual(await live.run(R.expr([10, 20, 30, 40]).slice(1, 3)), [20, 30]);
  assert.deepEqual(await live.run(R.expr([10, 20, 30, 40]).slice(-3, -1)), [20, 30]);
  assert.deepEqual(await live.run(R.expr([10, 20, 30, 40]).slice(1, 2, { rightBound: 'closed' })), [20, 30]);
  assert.deepEqual(await live.run(R.expr([10, 20, 30]).skip(-1)), [30]);
  assert.equal(await live.run(R.expr('ünïcode').slice(1, 3)), 'nï');
  assert.deepEqual(await live.run(R.range(10).slice(7)), [7, 8, 9]);
  const negative = await live.fail(R.range(10).slice(-2));
  assert.equal(negative.msg, 'Cannot use a negative left index on a stream.');
  assert.deepEqual(await live.run(R.range().slice(2, 4)), [2, 3], 'an endless stream sliced is finite');
});

test('array operations: insertAt, spliceAt, deleteAt, changeAt, append, prepend, sets, offsetsOf', async () => {
  const a = R.expr(['a', 'b', 'c']);
  assert.deepEqual(await live.run(a.insertAt(0, 'z')), ['z', 'a', 'b', 'c']);
  assert.deepEqual(await live.run(a.insertAt(3, 'z')), ['a', 'b', 'c', 'z']);
  assert.deepEqual(await live.run(a.spliceAt(1, ['x', 'y'])), ['a', 'x', 'y', 'b', 'c']);
  assert.deepEqual(await live.run(a.deleteAt(-1)), ['a', 'b']);
  assert.deepEqual(await live.run(a.deleteAt(0, 2)), ['c']);
  assert.deepEqual(await live.run(a.changeAt(1, 'B')), ['a', 'B', 'c']);
  assert.deepEqual(await live.run(a.prepend(0).append(4)), [0, 'a', 'b', 'c', 4]);
  assert.deepEqual(await live.run(R.expr([1, 2, 2, 3]).setInsert(2)), [1, 2, 3]);
  assert.deepEqual(await live.run(R.expr([1, 2]).setUnion([2, 5])), [1, 2, 5]);
  assert.deepEqual(await live.run(R.expr([1, 2, 3]).setIntersection([3, 1, 9])), [3, 1]);
  assert.deepEqual(await live.run(R.expr([1, 2, 3, 1]).setDifference([2])), [1, 3]);
  assert.deepEqual(await live.run(R.expr([1, 2, 3, 1]).difference([1])), [2, 3]);
  assert.deepEqual(await live.run(R.expr(['x', 'y', 'x']).offsetsOf('x')), [0, 2]);
  const oob = await live.fail(a.insertAt(9, 'z'));
  assert.equal(oob.name, 'ReqlNonExistenceError');
  assert.equal(oob.msg, 'Index `9` out of bounds for array of size: `3`.');
  const notArray = await live.fail(R.expr('s').append(1));
  assert.equal(notArray.msg, 'Expected type ARRAY but found STRING.');
});

test('keys, values, r.object, r.literal in merge and update, r.json, toJsonString', async () => {
  assert.deepEqual(await live.run(R.expr({ z: 1, a: { b: 2 } }).keys()), ['a', 'z']);
  assert.deepEqual(await live.run(R.expr({ z: 1, a: 2 }).values()), [2, 1]);
  assert.deepEqual(await live.run(R.object('k', 1, 'j', [2])), { j: [2], k: 1 });
  assert.deepEqual(await live.run(R.expr({ cfg: { a: 1, b: 2 } }).merge({ cfg: R.literal({ c: 3 }) })), { cfg: { c: 3 } });
  assert.deepEqual(await live.run(R.expr({ a: 1, b: 2 }).merge({ b: R.literal() })), { a: 1 });
  await live.table('lit', [{ id: 1, opts: { x: 1, y: 2 } }]);
  assert.deepEqual(await live.run(R.table('lit').get(1).update({ opts: R.literal({ z: 0 }) })), counts({ replaced: 1 }));
  assert.deepEqual(await live.run(R.table('lit').get(1)), { id: 1, opts: { z: 0 } });
  const stray = await live.fail(R.expr({ a: R.literal(1) }));
  assert.match(stray.msg ?? '', /^Stray literal keyword found/);
  assert.deepEqual(await live.run(R.json('{"b": [1, 2.5], "a": null}')), { a: null, b: [1, 2.5] });
  const bad = await live.fail(R.json('[1,'));
  assert.equal(bad.msg, 'Failed to parse "[1," as JSON: Invalid value.');
  assert.equal(await live.run(R.expr({ b: [1, 'x'], a: 1.5 }).toJsonString()), '{"a":1.5,"b":[1,"x"]}');
  assert.equal(await live.run(R.expr(1e21).coerceTo('string')), '1e21');
});
