// Operators, control flow, time, types, and the error rules (compile errors, unsupported
// terms, backtraces, global optargs, hostile nesting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReqlError } from '../../../src/testing/server/reql/errors.js';
import { harness, T, UUID_RE, wire } from './helpers.js';

test('datums: bare scalars, MAKE_ARRAY, MAKE_OBJ (sorted keys), DATUM, pseudo-types', () => {
  const h = harness();
  assert.equal(h.atom(1), 1);
  assert.equal(h.atom('x'), 'x');
  assert.equal(h.atom(null), null);
  assert.deepEqual(h.atom([2, [1, 2, 3]]), [1, 2, 3]);
  assert.deepEqual(h.atom({ b: [2, [1, 2]], a: { c: 'x' } }), { a: { c: 'x' }, b: [1, 2] });
  assert.deepEqual(Object.keys(h.atom({ b: 1, a: 2 }) as object), ['a', 'b']);
  assert.deepEqual(h.atom([3, [], { k: [24, [1, 1]] }]), { k: 2 });
  assert.deepEqual(h.atom([1, [1, 2]]), [1, 2], 'DATUM holds a literal');
  assert.deepEqual(h.atom({ $reql_type$: 'BINARY', data: 'aGk=' }), { $reql_type$: 'BINARY', data: 'aGk=' });
  assert.equal(h.fail({ $reql_type$: 'FOO' }).message, 'Unknown $reql_type$ `PTYPE<FOO>`.');
  // "__proto__" is an ordinary field name in ReQL, never a prototype.
  const proto = JSON.parse('{"__proto__":{"x":1},"a":1}');
  assert.deepEqual(JSON.stringify(h.run(proto)), '{"kind":"atom","value":{"__proto__":{"x":1},"a":1}}');
  assert.deepEqual(JSON.stringify(h.run([35, [proto, JSON.parse('{"__proto__":{"y":2}}')]])),
    '{"kind":"atom","value":{"__proto__":{"x":1,"y":2},"a":1}}');
  assert.deepEqual(JSON.stringify(h.run([170, [proto, '__proto__']])), '{"kind":"atom","value":{"x":1}}');
});

test('comparisons (variadic), not, and, or', () => {
  const h = harness();
  const t = (term: unknown) => h.atom(term);
  assert.equal(t([67, [true, [66, [false, [23, [false]]]], [18, [1, 2]], [19, [1, 2]], [20, [1, 2]], [22, [1, 0]]]]), true);
  assert.equal(t([17, [1, 1, 1]]), true);
  assert.equal(t([17, [{ a: [2, [1]] }, { a: [2, [1]] }]]), true);
  assert.equal(t([17, [1, '1']]), false);
  assert.equal(t([18, [1, 1]]), false);
  assert.equal(t([19, [1, 2, 3]]), true);
  assert.equal(t([19, [1, 3, 2]]), false);
  assert.equal(t([21, ['b', 'a']]), true);
  assert.equal(t([19, [[2, []], null]]), true, 'ARRAY < NULL');
  assert.equal(t([67, []]), true);
  assert.equal(t([66, []]), false);
  assert.equal(t([67, [1, 'x']]), 'x');
  assert.equal(t([66, [null, 2, [12, ['never evaluated']]]]), 2, 'or short-circuits');
  assert.equal(t([67, [false, [12, ['never evaluated']]]]), false, 'and short-circuits');
  assert.equal(t([23, [null]]), true);
});

test('arithmetic: add (numbers, strings, arrays, time), sub, mul, div, mod', () => {
  const h = harness();
  const t = (term: unknown) => h.atom(term);
  assert.equal(t([27, [[26, [[25, [5, 1]], 2]], 4]]), 2);
  assert.equal(t([24, [1, 2, 3]]), 6);
  assert.equal(t([24, ['a', 'b']]), 'ab');
  assert.deepEqual(t([24, [[2, [1]], [2, [2]]]]), [1, 2]);
  assert.deepEqual(t([24, [[101, [10]], 5]]), { $reql_type$: 'TIME', epoch_time: 15, timezone: '+00:00' });
  assert.equal(t([25, [[101, [10]], [101, [4]]]]), 6);
  assert.deepEqual(t([26, [[2, [1]], 2]]), [1, 1]);
  assert.equal(t([28, [7, 3]]), 1);
  assert.deepEqual(wire(h.fail([27, [1, 0]])), { t: 18, e: 3000000, r: 'Cannot divide by zero.', b: [] });
  assert.equal(h.fail([28, [1, 0]]).message, 'Cannot take a number modulo 0.');
  assert.equal(h.fail([24, [1, 'a']]).message, 'Expected type NUMBER but found STRING.');
  assert.equal(h.fail([24, ['a', 1]]).message, 'Expected type STRING but found NUMBER.');
});

test('branch, default, error, do (FUNCALL)', () => {
  const h = harness();
  assert.equal(h.atom([65, [true, 1, 2]]), 1);
  assert.equal(h.atom([65, [false, 1, null, 2, 3]]), 3, 'variadic branch');
  assert.equal(h.atom([65, [false, [12, ['no']], 'else']]), 'else', 'untaken branches are not evaluated');
  assert.equal(h.atom([92, [null, 1]]), 1);
  assert.equal(h.atom([92, [[170, [{ a: 1 }, 'b']], 'dflt']]), 'dflt');
  assert.equal(h.atom([92, [[170, [{ a: 1 }, 'b']], [69, [[2, [1]], [10, [1]]]]]]), 'No attribute `b` in object:\n{\n\t"a":\t1\n}');
  assert.equal(h.fail([92, [[27, [1, 0]], 5]]).message, 'Cannot divide by zero.', 'only NON_EXISTENCE is caught');
  assert.deepEqual(wire(h.fail([12, ['ping']])), { t: 18, e: 5000000, r: 'ping', b: [] });
  assert.deepEqual(wire(h.fail([2, [1, [12, ['boom']]]])), { t: 18, e: 5000000, r: 'boom', b: [1] });
  assert.equal(h.atom([64, [[69, [[2, [3]], [24, [[10, [3]], 1]]]], 1]]), 2);
  assert.equal(h.atom([64, [[69, [[2, [1, 2]], [25, [[10, [1]], [10, [2]]]]]], 5, 3]]), 2);
  assert.deepEqual(wire(h.fail([64, [[69, [[2, [3]], [24, [[10, [3]], 'x']]]], 1]])),
    { t: 18, e: 3000000, r: 'Expected type NUMBER but found STRING.', b: [0, 1] });
  assert.equal(h.fail([64, [[69, [[2, [1, 2]], 1]], 1]]).message,
    'Expected function with 1 argument but found function with 2 arguments.');
});

test('now, uuid, iso8601, epoch_time, coerceTo, typeOf', () => {
  const h = harness();
  const now = h.atom([103, []]) as { epoch_time: number };
  assert.equal(Object.keys(now).join(), '$reql_type$,epoch_time,timezone');
  assert.ok(Math.abs(now.epoch_time - Date.now() / 1000) < 60);
  assert.deepEqual(h.atom([17, [[103], [103]]]), true, 'one instant per query; rethinkdb-ts sends [103]');
  assert.match(h.atom([169, []]) as string, UUID_RE);
  assert.match(h.atom([169]) as string, UUID_RE);
  assert.equal(h.atom([169, ['x']]), h.atom([169, ['x']]), 'uuid(name) is deterministic');
  assert.deepEqual(h.atom([99, ['1970-01-01T00:00:00.000Z']]), { $reql_type$: 'TIME', epoch_time: 0, timezone: '+00:00' });
  assert.deepEqual(h.atom([99, ['2020-01-01T02:00:00+02:00']]), { $reql_type$: 'TIME', epoch_time: 1577836800, timezone: '+02:00' });
  assert.equal(h.fail([99, ['2020-01-01T00:00:00']]).message,
    'ISO 8601 string has no time zone, and no default time zone was provided.');
  assert.deepEqual(h.atom([101, [1.5]]), { $reql_type$: 'TIME', epoch_time: 1.5, timezone: '+00:00' });
  assert.deepEqual(h.atom([51, [[173, [3]], 'array']]), [0, 1, 2]);
  assert.deepEqual(h.atom([51, [{ a: 1 }, 'ARRAY']]), [['a', 1]]);
  assert.deepEqual(h.atom([51, [[2, [[2, ['a', 1]]]], 'object']]), { a: 1 });
  assert.equal(h.atom([51, [{ b: 1, a: [2, [1]] }, 'string']]), '{"a":[1],"b":1}');
  assert.equal(h.atom([51, ['1.5', 'number']]), 1.5);
  assert.equal(h.fail([51, ['x', 'number']]).message, 'Could not coerce `x` to NUMBER.');
  assert.equal(h.fail([51, [1, 'array']]).message, 'Cannot coerce NUMBER to ARRAY.');
  assert.equal(h.atom([51, [5, 'string']]), '5');
  const types: Array<[unknown, string]> = [
    [null, 'NULL'], [true, 'BOOL'], [1, 'NUMBER'], ['s', 'STRING'], [[2, []], 'ARRAY'], [{}, 'OBJECT'],
    [[103, []], 'PTYPE<TIME>'], [{ $reql_type$: 'BINARY', data: '' }, 'PTYPE<BINARY>'], [[14, ['test']], 'DB'],
    [[173, [1]], 'STREAM'], [[69, [[2, [1]], 1]], 'FUNCTION'],
  ];
  for (const [v, name] of types) assert.equal(h.atom([52, [v]]), name, name);
  h.atom([60, ['t']]);
  assert.equal(h.atom([52, [T]]), 'TABLE');
});

test('compile errors: unknown term, arity, optargs, r.row placement, raw term shape', () => {
  const h = harness();
  const compile = (term: unknown) => wire(h.fail(term));
  assert.deepEqual(compile([999, []]), { t: 17, e: undefined, r: 'Unrecognized TermType: 999.', b: [] });
  assert.deepEqual(compile([24, [1, [999, []]]]), { t: 17, e: undefined, r: 'Unrecognized TermType: 999.', b: [1] });
  assert.deepEqual(compile([16, [T]]), { t: 17, e: undefined, r: 'Expected 2 arguments but found 1.', b: [] });
  assert.equal(h.fail([71, [1]]).message, 'Expected 2 arguments but found 1.');
  assert.equal(h.fail([43, []]).message, 'Expected between 1 and 2 arguments but found 0.');
  assert.equal(h.fail([39, [[2, []], {}], { bogus: 1 }]).message, 'Unrecognized optional argument `bogus`.');
  assert.equal(h.fail([13, []]).message, 'r.row is not defined in this context.');
  assert.equal(h.fail([13]).message, 'r.row is not defined in this context.');
  assert.deepEqual(compile([39, [[2, []], [69, [[2, [0]], [38, [[2, []], [69, [[2, [1]], [13, []]]]]]]]]]), {
    t: 17, e: undefined, r: 'Cannot use r.row in nested queries.  Use functions instead.', b: [1, 1, 1, 1],
  });
  assert.equal(h.fail([1, 2, 3, 4]).message, 'Expected between 1 and 3 elements in a raw term, but found 4.');
  assert.equal(h.fail(['x']).message, 'Expected a TermType as a NUMBER but found STRING.');
  // A compile error means nothing ran: the insert before it did not happen.
  h.atom([60, ['t']]);
  h.fail([2, [[56, [T, { id: 1 }]], [999, []]]]);
  assert.equal(h.atom([43, [T]]), 0);
});

test('unsupported terms name themselves; global optargs; depth cap; only ReqlError escapes', () => {
  const h = harness();
  assert.deepEqual(wire(h.fail([11, ['1+1']])),
    { t: 18, e: 3000000, r: 'Term JAVASCRIPT is not supported by the async-repool test server: it has no JavaScript '
      + 'engine, so r.js() cannot run (compute the value in ReQL or in the application).', b: [] });
  assert.equal(h.fail([166, [[15, ['nope']], [159, [0, 0]]], { index: 'g' }]).message,
    'Term GET_INTERSECTING is not supported by the async-repool test server.');
  assert.deepEqual(wire(h.fail(1, { bogus: true })),
    { t: 17, e: undefined, r: 'Unrecognized global optional argument `bogus`.', b: [] });
  const known = { db: 'test', noreply: false, profile: false, durability: 'soft', read_mode: 'outdated', array_limit: 5,
    time_format: 'raw', group_format: 'raw', binary_format: 'raw', min_batch_rows: 1, max_batch_rows: 2,
    max_batch_bytes: 3, max_batch_seconds: 4, first_batch_scaledown_factor: 5, use_outdated: false };
  assert.equal(h.atom([24, [1, 1]], known), 2);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [24, [deep, 1]];
  const err = h.fail(deep);
  assert.equal(err.responseType, 17);
  let deepObj: unknown = 1;
  for (let i = 0; i < 100_000; i++) deepObj = [1, [deepObj]];
  assert.ok(h.run([17, [[1, deepObj], [1, deepObj]]]) !== undefined || true);
  let deepData: unknown = 1;
  for (let i = 0; i < 200_000; i++) deepData = [deepData];
  try {
    h.run([17, [[1, deepData], [1, deepData]]]);
  } catch (e) {
    assert.ok(e instanceof ReqlError, 'deep data may fail, but only with a ReqlError');
  }
});
