// insert / update / replace / delete result shapes, conflicts and per-row errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, harness, T, T_TS, UUID_RE, type Harness } from './helpers.js';

function withTable(): Harness {
  const h = harness();
  h.atom([60, ['t']]);
  return h;
}

test('insert: the transcript\'s shape, generated_keys only when generated, keys sorted', () => {
  const h = withTable();
  const res = h.atom([56, [[15, [[14, ['test']], 't']], [2, [{ id: 1, a: 1 }, { a: 2 }]]]]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(res), ['deleted', 'errors', 'generated_keys', 'inserted', 'replaced', 'skipped', 'unchanged']);
  const keys = res.generated_keys as string[];
  assert.equal(keys.length, 1);
  assert.match(keys[0] ?? '', UUID_RE);
  assert.deepEqual(res, { ...counts({ inserted: 2 }), generated_keys: keys });
  assert.deepEqual(h.atom([56, [T, { id: 2 }]]), counts({ inserted: 1 }), 'no generated_keys when none generated');
  assert.deepEqual(h.atom([16, [T, keys[0]]]), { a: 2, id: keys[0] });
  assert.deepEqual(h.atom([56, [T_TS, { id: 'd', when: { $reql_type$: 'TIME', epoch_time: 0, timezone: '+00:00' } }]]),
    counts({ inserted: 1 }));
});

test('insert conflicts: error (default) with the tab-indented first_error, replace, update, function', () => {
  const h = withTable();
  h.atom([56, [T, { id: 1, a: 1 }]]);
  assert.deepEqual(h.atom([56, [T, { id: 1, b: [2, [1, 2]] }]]), {
    ...counts({ errors: 1 }),
    first_error: 'Duplicate primary key `id`:\n{\n\t"a":\t1,\n\t"id":\t1\n}\n{\n\t"b":\t[\n\t\t1,\n\t\t2\n\t],\n\t"id":\t1\n}',
  });
  assert.deepEqual(h.atom([56, [T, { id: 1, b: 2 }], { conflict: 'update' }]), counts({ replaced: 1 }));
  assert.deepEqual(h.atom([16, [T, 1]]), { a: 1, b: 2, id: 1 });
  assert.deepEqual(h.atom([56, [T, { id: 1, b: 2 }], { conflict: 'update' }]), counts({ unchanged: 1 }));
  assert.deepEqual(h.atom([56, [T, { id: 1, c: 3 }], { conflict: 'replace' }]), counts({ replaced: 1 }));
  assert.deepEqual(h.atom([16, [T, 1]]), { c: 3, id: 1 });
  const fn = [69, [[2, [1, 2, 3]], [35, [[10, [2]], { n: [24, [[170, [[10, [3]], 'c']], 1]] }]]]];
  assert.deepEqual(h.atom([56, [T, { id: 1, c: 10 }], { conflict: fn }]), counts({ replaced: 1 }));
  assert.deepEqual(h.atom([16, [T, 1]]), { c: 3, id: 1, n: 11 });
  assert.match(h.fail([56, [T, { id: 1 }], { conflict: 'nope' }]).message, /^Conflict option `nope` unrecognized/);
});

test('insert: return_changes, bad rows counted, non-sequence refused', () => {
  const h = withTable();
  assert.deepEqual(h.atom([56, [T, { id: 1 }], { return_changes: true }]), {
    changes: [{ new_val: { id: 1 }, old_val: null }], ...counts({ inserted: 1 }),
  });
  const bad = h.atom([56, [T, [2, [5, { id: [3, [], {}] }]]]]) as Record<string, unknown>;
  assert.equal(bad.errors, 2);
  assert.equal(bad.first_error, 'Inserted value must be an OBJECT (got NUMBER):\n5');
  assert.equal(h.fail([56, [T, 5]]).message, 'Cannot convert NUMBER to SEQUENCE');
});

test('update: single row, missing row, selection, unchanged, function, errors per row', () => {
  const h = withTable();
  h.atom([56, [T, [2, [{ id: 1, a: 1 }, { id: 2, a: 2 }, { id: 3 }]]]]);
  assert.deepEqual(h.atom([53, [[16, [T, 1]], { b: 2 }]]), counts({ replaced: 1 }));
  assert.deepEqual(h.atom([53, [[16, [T, 1]], { b: 2 }]]), counts({ unchanged: 1 }));
  assert.deepEqual(h.atom([53, [[16, [T, 9]], { b: 2 }]]), counts({ skipped: 1 }));
  const inc = [69, [[2, [1]], { a: [24, [[170, [[10, [1]], 'a']], 10]] }]];
  const res = h.atom([53, [T, inc]]) as Record<string, unknown>;
  assert.equal(res.replaced, 2);
  assert.equal(res.errors, 1);
  assert.equal(res.first_error, 'No attribute `a` in object:\n{\n\t"id":\t3\n}');
  assert.deepEqual(h.atom([16, [T, 2]]), { a: 12, id: 2 });
  assert.deepEqual(h.atom([53, [[39, [T, { a: 12 }]], { c: 1 }], { return_changes: true }]), {
    changes: [{ new_val: { a: 12, c: 1, id: 2 }, old_val: { a: 12, id: 2 } }], ...counts({ replaced: 1 }),
  });
  const pk = h.atom([53, [[16, [T, 2]], { id: 5 }]]) as Record<string, unknown>;
  assert.equal(pk.errors, 1);
  assert.match(pk.first_error as string, /^Primary key `id` cannot be changed \(`\{/);
  assert.equal(h.fail([53, [[2, [1]], { a: 1 }]]).message.startsWith('Expected type SELECTION but found DATUM'), true);
});

test('replace and delete', () => {
  const h = withTable();
  h.atom([56, [T, [2, [{ id: 1, a: 1 }, { id: 2, a: 2 }]]]]);
  assert.deepEqual(h.atom([55, [[16, [T, 1]], { id: 1 }]]), counts({ replaced: 1 }));
  assert.deepEqual(h.atom([16, [T, 1]]), { id: 1 });
  assert.deepEqual(h.atom([55, [[16, [T, 7]], { id: 7, x: 1 }]]), counts({ inserted: 1 }));
  assert.deepEqual(h.atom([55, [[16, [T, 7]], null]]), counts({ deleted: 1 }));
  const missingPk = h.atom([55, [[16, [T, 1]], { a: 1 }]]) as Record<string, unknown>;
  assert.equal(missingPk.first_error, 'Inserted object must have primary key `id`:\n{\n\t"a":\t1\n}');
  assert.deepEqual(h.atom([54, [[16, [T, 1]]]]), counts({ deleted: 1 }));
  assert.deepEqual(h.atom([54, [[16, [T, 1]]]]), counts({ skipped: 1 }));
  assert.deepEqual(h.atom([54, [[39, [T, { a: 99 }]]]]), counts({}));
  assert.deepEqual(h.atom([54, [T]], { durability: 'soft' }), counts({ deleted: 1 }));
  assert.equal(h.atom([43, [T]]), 0);
});

test('stored rows are frozen copies: a result cannot corrupt the store', () => {
  const h = withTable();
  const doc = { id: 1, nested: { a: 1 } };
  h.atom([56, [T, doc]]);
  doc.nested.a = 2;
  const res = h.run([16, [T, 1]]);
  assert.equal(res.kind, 'atom');
  const row = (res as { value: { nested: { a: number } } }).value;
  assert.equal(row.nested.a, 1);
  assert.throws(() => { row.nested.a = 3; }, TypeError);
  assert.deepEqual(h.atom([16, [T, 1]]), { id: 1, nested: { a: 1 } });
});
