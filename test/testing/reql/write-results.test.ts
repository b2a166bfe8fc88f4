// Write results as the real server builds them: per-row failures are counted (errors,
// first_error) while the other rows are written; returnChanges: true lists changed rows,
// 'always' lists every row, failed ones with their error; system tables refuse writes row
// by row; typeOf names every kind of value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, liveServer, R, TS } from './live.js';

const live = liveServer();

test('failures of some rows are counted, the other rows written', async () => {
  await live.table('inv', [{ id: 'a', qty: 1 }]);
  const t = R.table('inv');
  const res = await live.run(t.insert([{ id: 'a' }, { id: 'b', qty: 2 }, 'oops'])) as Record<string, unknown>;
  assert.equal(res.inserted, 1);
  assert.equal(res.errors, 2);
  assert.match(res.first_error as string, /^Duplicate primary key `id`:\n\{\n\t"id":\t"a",\n\t"qty":\t1\n\}\n\{\n\t"id":\t"a"\n\}$/);
  const upd = await live.run(t.update((row: any) => R.branch(row('id').eq('a'), R.error('no a'), { qty: 9 }))) as Record<string, unknown>;
  assert.deepEqual(upd, { ...counts({ errors: 1, replaced: 1 }), first_error: 'no a' });
  const pk = await live.run(t.get('b').update({ id: 'c' })) as Record<string, unknown>;
  assert.match(pk.first_error as string, /^Primary key `id` cannot be changed \(`\{\n/);
  assert.deepEqual(await live.run(t.get('b').update(() => null)), counts({ unchanged: 1 }), 'null changes nothing');
  assert.deepEqual(await live.run(t.get('nope').update({ qty: 1 })), counts({ skipped: 1 }));
  assert.deepEqual(await live.run(t.get('nope').delete()), counts({ skipped: 1 }));
});

test('returnChanges: true lists changes; always lists every row, failed ones with their error', async () => {
  await live.table('rc', [{ id: 1, v: 1 }, { id: 2, v: 2 }]);
  const t = R.table('rc');
  assert.deepEqual(await live.run(t.get(1).update({ v: 1 }, { returnChanges: true })),
    { changes: [], ...counts({ unchanged: 1 }) });
  assert.deepEqual(await live.run(t.get(1).update({ v: 1 }, { returnChanges: 'always' })),
    { changes: [{ new_val: { id: 1, v: 1 }, old_val: { id: 1, v: 1 } }], ...counts({ unchanged: 1 }) });
  const dup = await live.run(t.insert({ id: 2 }, { returnChanges: 'always' })) as { changes: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(dup.changes[0] ?? {}), ['error', 'new_val', 'old_val']);
  assert.deepEqual(dup.changes[0]?.old_val, { id: 2, v: 2 });
  assert.match(dup.changes[0]?.error as string, /^Duplicate primary key/);
  const failed = await live.run(t.insert({ id: 2 }, { returnChanges: true })) as Record<string, unknown>;
  assert.deepEqual(failed.changes, [], 'a failed row is no change');
  assert.equal(await live.run(t.insert({ id: 3 }, { returnChanges: true })('changes')(0)('new_val')('id')), 3);
  assert.equal(await live.tsRun(TS.table('rc').get(3).delete({ returnChanges: true })('changes')(0)('old_val')('id')), 3);
});

test('system tables: all twelve listed, readable, and refusing writes row by row', async () => {
  const names = await live.run(R.db('rethinkdb').tableList()) as string[];
  assert.deepEqual(names, ['cluster_config', 'current_issues', 'db_config', 'jobs', 'logs', 'permissions',
    'server_config', 'server_status', 'stats', 'table_config', 'table_status', 'users']);
  for (const name of names) assert.equal(typeof await live.run(R.db('rethinkdb').table(name).count()), 'number');
  assert.equal(await live.run(R.db('rethinkdb').table('cluster_config').count()), 1);
  assert.ok((await live.run(R.db('rethinkdb').table('stats').count()) as number) > 0);
  const del = await live.run(R.db('rethinkdb').table('server_status').delete()) as Record<string, unknown>;
  assert.equal(del.errors, 1);
  assert.equal(del.first_error, "It's illegal to write to the `rethinkdb.server_status` table.");
});

test('typeOf names tables, slices, selections, streams and pseudo-types', async () => {
  await live.table('kinds', [{ id: 1 }]);
  const t = R.table('kinds');
  const kinds = await live.run(R.expr([
    t.typeOf(), t.orderBy({ index: 'id' }).typeOf(), t.filter({}).typeOf(), t.orderBy('id').typeOf(),
    t.get(1).typeOf(), t.map((x: any) => x).typeOf(), R.expr([1]).map((x: any) => x).typeOf(),
    R.binary(Buffer.from('b')).typeOf(), R.now().typeOf(), R.db('test').typeOf(), t.group('id').typeOf(),
  ]));
  assert.deepEqual(kinds, ['TABLE', 'TABLE_SLICE', 'SELECTION<STREAM>', 'SELECTION<ARRAY>', 'SELECTION<OBJECT>',
    'STREAM', 'ARRAY', 'PTYPE<BINARY>', 'PTYPE<TIME>', 'DB', 'GROUPED_STREAM']);
  assert.equal(await live.run(t.get(1).coerceTo('object').typeOf()), 'SELECTION<OBJECT>', 'coercing to its own type keeps it');
});
