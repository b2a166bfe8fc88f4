// The Store: databases, tables, canonical primary keys, insertion order, frozen rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalKey, Store, SYSTEM_DB } from '../../../src/testing/server/store.js';

test('a new store has `test`; `rethinkdb` is always listed and cannot be created', () => {
  const s = new Store();
  assert.deepEqual(s.dbNames(), ['rethinkdb', 'test']);
  assert.equal(s.createDb(SYSTEM_DB), undefined);
  assert.equal(s.createDb('test'), undefined);
  assert.ok(s.createDb('a'));
  assert.deepEqual(s.dbNames(), ['a', 'rethinkdb', 'test']);
  assert.equal(s.dropDb('a')?.name, 'a');
  assert.equal(s.dropDb('a'), undefined);
});

test('primary keys: 1 and "1" differ, 1 and 1.0 do not, times key by instant', () => {
  assert.notEqual(canonicalKey(1), canonicalKey('1'));
  assert.equal(canonicalKey(1), canonicalKey(1.0));
  assert.notEqual(canonicalKey(true), canonicalKey('true'));
  assert.equal(canonicalKey([1, 'a']), canonicalKey([1, 'a']));
  assert.equal(
    canonicalKey({ $reql_type$: 'TIME', epoch_time: 5, timezone: '+00:00' }),
    canonicalKey({ $reql_type$: 'TIME', epoch_time: 5, timezone: '+02:00' }),
  );
  const s = new Store();
  const t = s.createTable('test', 't');
  assert.ok(t);
  t.put({ id: 1, v: 'number' });
  t.put({ id: '1', v: 'string' });
  assert.equal(t.get(1)?.v, 'number');
  assert.equal(t.get('1')?.v, 'string');
  assert.equal(t.size, 2);
});

test('rows keep insertion order (a replace keeps its place); rows are frozen and sorted', () => {
  const t = new Store().createTable('test', 't');
  assert.ok(t);
  t.put({ id: 'b', z: 1, a: 2 });
  t.put({ id: 'a' });
  const before = t.rows();
  assert.equal(t.rows(), before, 'the snapshot is reused until a write');
  t.put({ id: 'b', n: { y: 1, x: 2 } });
  assert.deepEqual(t.rows().map((r) => r.id), ['b', 'a']);
  assert.notEqual(t.rows(), before);
  const row = t.get('b');
  assert.ok(row && Object.isFrozen(row) && Object.isFrozen(row.n));
  assert.deepEqual(Object.keys(row.n as object), ['x', 'y']);
  assert.equal(t.delete('b'), true);
  assert.equal(t.delete('b'), false);
  assert.deepEqual(t.rows().map((r) => r.id), ['a']);
});
