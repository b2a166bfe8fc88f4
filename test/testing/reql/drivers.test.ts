// Every supported term at least once through both real drivers (official `rethinkdb` 2.4.2
// and `rethinkdb-ts` 3.0.0) against the embedded test server over TCP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { startTestServer, type TestServer } from '../../../src/testing/index.js';

// @types/rethinkdb lacks many terms the driver has (range, uuid, and, or...): use it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const R = r as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const TS = rts as any;

let server: TestServer;
let conn: r.Connection;
let tsConn: TsConnection;

before(async () => {
  server = await startTestServer({ port: 0 });
  conn = await r.connect({ host: server.host, port: server.port });
  tsConn = await rts.connect({ host: server.host, port: server.port });
});

after(async () => {
  await conn.close({ noreplyWait: false });
  await tsConn.close();
  await server.stop();
});

/** Arrays as plain arrays: the official driver gives atom arrays cursor methods. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, plain);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** Official driver: runs a query; cursors are read to arrays. */
async function run(q: unknown): Promise<unknown> {
  const res: unknown = await (q as { run(c: r.Connection): Promise<unknown> }).run(conn);
  if (res !== null && typeof res === 'object' && 'toArray' in res && !Array.isArray(res)) {
    return plain(await (res as r.Cursor).toArray());
  }
  return plain(res);
}

/** rethinkdb-ts: runs a query (it reads sequences to arrays itself). */
async function tsRun(q: unknown): Promise<unknown> {
  return (q as { run(c: TsConnection): Promise<unknown> }).run(tsConn);
}

async function rejects(p: Promise<unknown>): Promise<Error & { msg?: string; type?: number }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the query to fail');
}

const counts = (c: Record<string, number>) =>
  ({ deleted: 0, errors: 0, inserted: 0, replaced: 0, skipped: 0, unchanged: 0, ...c });

test('official: dbCreate, tableCreate, insert, get, update, replace, delete shapes', async () => {
  const created = await run(r.dbCreate('off')) as { dbs_created: number; config_changes: unknown[] };
  assert.equal(created.dbs_created, 1);
  const table = await run(r.db('off').tableCreate('t')) as { tables_created: number; config_changes: Array<{ new_val: { primary_key: string } }> };
  assert.equal(table.tables_created, 1);
  assert.equal(table.config_changes[0]?.new_val.primary_key, 'id');
  const t = R.db('off').table('t');
  const ins = await run(t.insert([{ id: 1, a: 1 }, { a: 2 }])) as { generated_keys: string[] };
  assert.deepEqual(ins, { ...counts({ inserted: 2 }), generated_keys: ins.generated_keys });
  assert.deepEqual(await run(t.get(1)), { id: 1, a: 1 });
  assert.equal(await run(t.get(42)), null);
  assert.deepEqual(await run(t.get(1).update({ b: 2 })), counts({ replaced: 1 }));
  assert.deepEqual(await run(t.get(1).replace({ id: 1, c: 3 })), counts({ replaced: 1 }));
  assert.deepEqual(await run(t.get(1)), { id: 1, c: 3 });
  const dup = await run(t.insert({ id: 1 })) as { errors: number; first_error: string };
  assert.equal(dup.errors, 1);
  assert.match(dup.first_error, /^Duplicate primary key `id`:\n\{\n\t"c":\t3,/);
  assert.deepEqual(await run(t.get(1).delete()), counts({ deleted: 1 }));
  assert.deepEqual(await run(r.db('off').tableList()), ['t']);
  assert.ok((await run(r.dbList()) as string[]).includes('rethinkdb'));
  assert.equal((await run(r.db('off').tableDrop('t')) as { tables_dropped: number }).tables_dropped, 1);
  assert.equal((await run(r.dbDrop('off')) as { dbs_dropped: number }).dbs_dropped, 1);
});

test('rethinkdb-ts: dbCreate, tableCreate, insert, get, update, replace, delete shapes', async () => {
  assert.equal((await tsRun(rts.dbCreate('tsdb')) as { dbs_created: number }).dbs_created, 1);
  await tsRun(rts.db('tsdb').tableCreate('t', { primaryKey: 'k' }));
  const t = rts.db('tsdb').table('t');
  assert.deepEqual(await tsRun(t.insert([{ k: 'a', n: 1 }, { k: 'b', n: 2 }])), counts({ inserted: 2 }));
  assert.deepEqual(await tsRun(t.get('a')), { k: 'a', n: 1 });
  assert.deepEqual(await tsRun(t.get('a').update({ m: 1 })), counts({ replaced: 1 }));
  assert.deepEqual(await tsRun(t.get('zz').update({ m: 1 })), counts({ skipped: 1 }));
  assert.deepEqual(await tsRun(t.get('b').replace({ k: 'b' })), counts({ replaced: 1 }));
  assert.deepEqual(await tsRun(t.insert({ k: 'b', x: 1 }, { conflict: 'update', returnChanges: true })), {
    changes: [{ new_val: { k: 'b', x: 1 }, old_val: { k: 'b' } }], ...counts({ replaced: 1 }),
  });
  assert.deepEqual(await tsRun(t.filter({ n: 1 }).delete()), counts({ deleted: 1 }));
  assert.deepEqual(await tsRun(t.count()), 1);
  assert.deepEqual(await tsRun(rts.db('tsdb').tableList()), ['t']);
  await tsRun(rts.db('tsdb').tableDrop('t'));
  await tsRun(rts.dbDrop('tsdb'));
});

test('both: filter with r.row and with a function, orderBy(desc), getAll, pluck, without, merge, map', async () => {
  await run(R.tableCreate('people'));
  await run(r.table('people').insert([
    { id: 1, name: 'ann', age: 30 }, { id: 2, name: 'bob', age: 20 }, { id: 3, name: 'cid', age: 40 },
  ]));
  for (const [driver, exec] of [[R, run], [TS, tsRun]] as const) {
    const p = driver.table('people');
    assert.deepEqual(await exec(p.filter(driver.row('age').gt(25)).orderBy('id')('id')), [1, 3]);
    assert.deepEqual(await exec(p.filter((d: typeof R) => d('age').lt(25))('name')), ['bob']);
    assert.deepEqual(await exec(p.filter({ name: 'cid' })('id')), [3]);
    assert.deepEqual(await exec(p.orderBy(driver.desc('age'))('name')), ['cid', 'ann', 'bob']);
    assert.deepEqual(await exec(p.orderBy({ index: 'id' })('id')), [1, 2, 3]);
    // getAll answers in key order, whatever the order of the keys asked for.
    assert.deepEqual(await exec(p.getAll(3, 1)('id')), [1, 3]);
    assert.deepEqual(await exec(p.get(2).pluck('name')), { name: 'bob' });
    assert.deepEqual(await exec(p.get(2).without('age', 'id')), { name: 'bob' });
    assert.deepEqual(await exec(p.get(2).merge({ z: 1 })), { age: 20, id: 2, name: 'bob', z: 1 });
    assert.deepEqual(await exec(p.orderBy('id').map((d: typeof R) => d('age').add(1))), [31, 21, 41]);
    assert.deepEqual(await exec(p.orderBy('id').skip(1).limit(1).nth(0)('id')), 2);
    assert.equal(await exec(p.count()), 3);
    assert.equal(await exec(p.sum('age')), 90);
    assert.equal(await exec(p.hasFields('age').count()), 3);
    assert.equal(await exec(p('name').contains('ann')), true);
    assert.equal(await exec(p.filter({ name: 'nobody' }).isEmpty()), true);
    assert.equal(await exec(p.get(1).getField('name')), 'ann');
    assert.equal(await exec(p.typeOf()), 'TABLE');
  }
});

test('both: operators, branch, default, do, range, union, coerceTo, now, uuid', async () => {
  for (const [driver, exec] of [[R, run], [TS, tsRun]] as const) {
    assert.equal(await exec(driver.and(true, driver.or(false, driver.not(false)), driver.expr(1).ne(2),
      driver.expr(1).lt(2), driver.expr(1).le(2), driver.expr(1).ge(0), driver.expr(1).eq(1))), true);
    assert.equal(await exec(driver.expr(5).sub(1).mul(2).div(4)), 2);
    assert.equal(await exec(driver.expr(7).mod(4)), 3);
    assert.equal(await exec(driver.expr('a').add('b')), 'ab');
    assert.equal(await exec(driver.branch(false, 1, 2)), 2);
    assert.equal(await exec(driver.expr(null).default(1)), 1);
    assert.equal(await exec(driver.expr({ a: 1 })('b').default('none')), 'none');
    assert.equal(await exec(driver.expr(1).do((x: typeof R) => x.add(1))), 2);
    assert.deepEqual(await exec(driver.range(3)), [0, 1, 2]);
    assert.deepEqual(await exec(driver.range(2, 4)), [2, 3]);
    // rethinkdb-ts refuses r.range() with no argument client-side.
    if (driver === R) assert.deepEqual(await exec(driver.range().limit(2)), [0, 1]);
    assert.equal((await exec(driver.range(2000)) as unknown[]).length, 2000);
    assert.deepEqual(await exec(driver.expr([1]).union([2])), [1, 2]);
    assert.deepEqual(await exec(driver.expr({ a: 1 }).coerceTo('array')), [['a', 1]]);
    assert.equal(await exec(driver.expr('12').coerceTo('number')), 12);
    assert.ok((await exec(driver.now())) instanceof Date);
    assert.match(await exec(driver.uuid()) as string, /^[0-9a-f-]{36}$/);
    assert.equal(await exec(driver.epochTime(0).typeOf()), 'PTYPE<TIME>');
  }
});

test('official: a Date round trip (sent as ISO8601) and a Buffer round trip', async () => {
  await run(R.tableCreate('things'));
  const when = new Date('2021-02-03T04:05:06.789Z');
  await run(r.table('things').insert({ id: 'd', when, bin: Buffer.from('hi') }));
  const row = await run(r.table('things').get('d')) as { when: Date; bin: Buffer };
  assert.ok(row.when instanceof Date);
  assert.equal(row.when.getTime(), when.getTime());
  assert.ok(Buffer.isBuffer(row.bin));
  assert.equal(row.bin.toString(), 'hi');
  assert.deepEqual(await run(r.expr(Buffer.from('hi'))), Buffer.from('hi'));
  const epoch = await run(R.epochTime(0)) as Date;
  assert.equal(epoch.getTime(), 0);
});

test('rethinkdb-ts: Date and Buffer round trips', async () => {
  const when = new Date('2021-02-03T04:05:06.789Z');
  await tsRun(rts.table('things').insert({ id: 'ts', when, bin: Buffer.from('yo') }));
  const row = await tsRun(rts.table('things').get('ts')) as { when: Date; bin: Buffer };
  assert.equal(row.when.getTime(), when.getTime());
  assert.equal(Buffer.from(row.bin).toString(), 'yo');
});

test('r.error(\'ping\') is a ReqlUserError in both drivers', async () => {
  const off = await rejects(run(R.error('ping')));
  assert.equal(off.name, 'ReqlUserError');
  assert.match(off.message, /^ping/);
  const ts = await rejects(tsRun(rts.error('ping')));
  assert.equal(ts.name, 'ReqlUserError');
  assert.equal(ts.msg ?? ts.message.split(' in:')[0], 'ping');
});

test('missing db and table errors name them, in both drivers', async () => {
  const off = await rejects(run(r.db('nope').table('t')));
  assert.equal(off.name, 'ReqlOpFailedError');
  assert.match(off.message, /^Database `nope` does not exist/);
  const offT = await rejects(run(r.table('missing')));
  assert.match(offT.message, /^Table `test.missing` does not exist/);
  const ts = await rejects(tsRun(rts.db('nope').table('t')));
  assert.equal(ts.name, 'ReqlOpFailedError');
  assert.match(ts.message, /Database `nope` does not exist/);
  const tsT = await rejects(tsRun(rts.table('missing')));
  assert.match(tsT.message, /Table `test.missing` does not exist/);
  const field = await rejects(run(r.expr({ a: 1 })('b')));
  assert.equal(field.name, 'ReqlNonExistenceError');
  const compile = await rejects(run(R.js('1+1')));
  assert.match(compile.message, /^Term JAVASCRIPT is not supported/);
  const div = await rejects(tsRun(rts.expr(1).div(0)));
  assert.equal(div.name, 'ReqlLogicError', 'rethinkdb-ts\' name for QUERY_LOGIC');
});

test('system tables through both drivers', async () => {
  const rows = await run(r.db('rethinkdb').table('server_status')) as Array<{ id: string; name: string; network: { reql_port: number; canonical_addresses: Array<{ host: string }>; time_connected: Date } }>;
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.id, server.id);
  assert.equal(rows[0]?.name, server.name);
  assert.equal(rows[0]?.network.reql_port, server.port);
  assert.ok(rows[0]?.network.time_connected instanceof Date);
  const cfg = await tsRun(rts.db('rethinkdb').table('server_config')) as Array<{ tags: string[] }>;
  assert.deepEqual(cfg[0]?.tags, ['default']);
  const users = await tsRun(rts.db('rethinkdb').table('users')) as Array<{ id: string }>;
  assert.ok(users.some((u) => u.id === 'admin'));
});

test('indexes, config, status, wait, sync through both drivers', async () => {
  await run(R.tableCreate('ix'));
  assert.deepEqual(await run(r.table('ix').indexCreate('a')), { created: 1 });
  const waited = await tsRun(rts.table('ix').indexWait()) as Array<{ index: string; ready: boolean }>;
  assert.deepEqual(waited.map((w) => [w.index, w.ready]), [['a', true]]);
  assert.deepEqual(await tsRun(rts.table('ix').indexList()), ['a']);
  assert.deepEqual(await run(r.table('ix').indexDrop('a')), { dropped: 1 });
  assert.equal((await run(R.table('ix').config()) as { name: string }).name, 'ix');
  assert.equal((await tsRun(rts.table('ix').status()) as { name: string }).name, 'ix');
  assert.deepEqual(await run(R.table('ix').wait()), { ready: 1 });
  assert.deepEqual(await tsRun(rts.table('ix').sync()), { synced: 1 });
});
