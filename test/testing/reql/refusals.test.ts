// What the real server refuses, the test server refuses too, with the same error class
// and message: non-deterministic writes without nonAtomic, bad write and table optargs,
// over-long keys, null keys, the array size limit, invalid dates and pseudo-types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, liveServer, R, TS } from './live.js';

const live = liveServer();

async function refused(q: unknown, name: string, msg: string | RegExp, opts?: Record<string, unknown>): Promise<void> {
  const err = await live.fail(q, opts);
  assert.equal(err.name, name, `${String(err.message)}`);
  if (typeof msg === 'string') assert.equal(err.msg, msg);
  else assert.match(err.msg ?? '', msg);
}

test('an update reading another row needs nonAtomic; with it the write runs', async () => {
  await live.table('acct', [{ id: 'a', bal: 10 }, { id: 'b', bal: 5 }]);
  const t = R.table('acct');
  const msg = 'Could not prove argument deterministic.  Maybe you want to use the non_atomic flag?';
  await refused(t.get('a').update({ bal: t.get('b')('bal') }), 'ReqlQueryLogicError', msg);
  await refused(t.get('a').update((row: any) => ({ bal: row('bal').add(t.count()) })), 'ReqlQueryLogicError', msg);
  await refused(t.get('a').replace((row: any) => row.merge({ tag: R.uuid() })), 'ReqlQueryLogicError', msg);
  assert.deepEqual(await live.run(t.get('a')), { bal: 10, id: 'a' }, 'a refused write changes nothing');
  assert.deepEqual(await live.run(t.get('a').update({ bal: t.get('b')('bal') }, { nonAtomic: true })), counts({ replaced: 1 }));
  assert.deepEqual(await live.run(t.get('a').update({ at: R.now(), named: R.uuid('a') })), counts({ replaced: 1 }),
    'r.now() and a named uuid are deterministic');
  const ts = await live.tsFail(TS.table('acct').get('b').update({ bal: TS.table('acct').get('a')('bal') }));
  assert.match(ts.message, /Could not prove argument deterministic/);
});

test('write and table optargs are checked before anything runs', async () => {
  await live.table('opts');
  const t = R.table('opts');
  await refused(t.insert({ id: 1 }, { durability: 'eventually' }), 'ReqlQueryLogicError',
    'Durability option `eventually` unrecognized (options are "hard" and "soft").');
  await refused(t.insert({ id: 1 }, { returnChanges: 'sometimes' }), 'ReqlQueryLogicError',
    "Invalid return_changes value `sometimes` (options are `true`, `false`, and `'always'`.)");
  await refused(t.insert({ id: 1 }, { conflict: 'merge' }), 'ReqlQueryLogicError',
    'Conflict option `merge` unrecognized (options are "error", "replace" and "update").');
  await refused(t.insert({ id: 1 }, { conflict: (_id: any, old: any) => old }), 'ReqlQueryLogicError',
    'The conflict function passed to `insert` should expect 3 arguments.');
  await refused(t.count(), 'ReqlQueryLogicError',
    'Read mode `fastest` unrecognized (options are "majority", "single", and "outdated").', { readMode: 'fastest' });
  await refused(t.insert({ id: 1 }), 'ReqlQueryLogicError', /^Durability option `never` unrecognized/, { durability: 'never' });
  await refused(R.db('test').tableCreate('zero', { shards: 0 }), 'ReqlQueryLogicError', 'Every table must have at least one shard.');
  assert.equal(await live.run(t.count()), 0, 'none of them inserted');
});

test('keys: over-long primary keys fail per row, null keys are NON_EXISTENCE', async () => {
  await live.table('keys');
  const t = R.table('keys');
  const ok = await live.run(t.insert({ id: 'k'.repeat(127) }));
  assert.deepEqual(ok, counts({ inserted: 1 }));
  const long = await live.run(t.insert([{ id: 'k'.repeat(128) }, { id: 'short' }])) as Record<string, unknown>;
  assert.equal(long.errors, 1);
  assert.equal(long.inserted, 1);
  assert.equal(long.first_error, `Primary key too long (max 127 characters): "${'k'.repeat(128)}"`);
  await refused(t.getAll('short', null), 'ReqlNonExistenceError', 'Keys cannot be NULL.');
});

test('the arrayLimit run option bounds every array a query builds', async () => {
  const limit = { arrayLimit: 4 };
  const msg = /^Array over size limit `4`\. {2}To raise the number of allowed elements, modify the `array_limit` option/;
  await refused(R.range(5).coerceTo('array'), 'ReqlResourceLimitError', msg, limit);
  await refused(R.expr([1, 2, 3]).append(4).append(5), 'ReqlResourceLimitError', msg, limit);
  await refused(R.range(6).orderBy((x: any) => x), 'ReqlResourceLimitError', msg, limit);
  assert.deepEqual(await live.run(R.range(4).coerceTo('array'), limit), [0, 1, 2, 3]);
  assert.equal(await live.run(R.range(10).count(), limit), 10, 'a stream is not an array');
  await refused(R.expr(1), 'ReqlQueryLogicError', 'Illegal array size limit `0`.  (Must be >= 1.)', { arrayLimit: 0 });
});

test('dates and pseudo-types are validated as the server validates them', async () => {
  await refused(R.ISO8601('2019-02-29T10:00:00Z'), 'ReqlQueryLogicError', 'Error in time logic: Day of month is not valid for year.');
  await refused(R.ISO8601('2019-14-01'), 'ReqlQueryLogicError', 'Error in time logic: Month number is out of range 1..12.');
  await refused(R.ISO8601('2019-01-01T10:00:00'), 'ReqlQueryLogicError',
    'ISO 8601 string has no time zone, and no default time zone was provided.');
  await refused(R.ISO8601('yesterday'), 'ReqlQueryLogicError', 'Invalid date string `yesterday` (got `y` but expected a digit).');
  await refused(R.time(2019, 1, 1, '+25:00'), 'ReqlQueryLogicError', 'Hours out of range in `+25:00`.');
  await refused(R.expr({ $reql_type$: 'TIME', epoch_time: 5 }), 'ReqlQueryLogicError',
    /^Invalid time object constructed \(no field `timezone`\):\n\{/);
  await refused(R.expr({ $reql_type$: 'TIME', epoch_time: 5, timezone: 'Z', zone: 1 }), 'ReqlQueryLogicError',
    /^Invalid time object constructed \(unrecognized field `zone`\)/);
  await refused(R.expr({ $reql_type$: 'BINARY', data: 'ab*c' }), 'ReqlQueryLogicError', "Invalid base64 character found: '*'.");
  await refused(R.expr({ $reql_type$: 'BINARY' }), 'ReqlQueryLogicError', 'Invalid binary pseudotype: lacking `data` key.');
  await refused(R.expr({ $reql_type$: 'THING' }), 'ReqlQueryLogicError', 'Unknown $reql_type$ `PTYPE<THING>`.');
  assert.deepEqual(await live.run(R.ISO8601('2019-01-01T10:00:00', { defaultTimezone: '+01:00' }).toEpochTime()), 1546333200);
});
