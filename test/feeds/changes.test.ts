// pool.changes() through both real drivers against the test server: items as RethinkDB sends
// them (initial rows, changes, states when asked), point and limit feeds, a dropped table ends
// the feed with its error, a dropped connection is resumed, feeds are counted and packed so
// that leases still get connections, and releasePool() ends every feed.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool, type PoolEvents } from '../../src/index.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

let server: TestServer;
let admin: r.Connection;
before(async () => {
  server = await startTestServer({ port: 0 });
  admin = await r.connect({ host: server.host, port: server.port });
});
after(async () => {
  await admin.close();
  await server.stop();
});

let tables = 0;
async function freshTable(rows: object[] = []): Promise<string> {
  const name = `feed_${++tables}`;
  await r.db('test').tableCreate(name).run(admin);
  if (rows.length > 0) await r.table(name).insert(rows).run(admin);
  return name;
}

type Change = { new_val?: { id: number; v?: number } | null; old_val?: { id: number; v?: number } | null; state?: string; type?: string };

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  const ts = driver === 'rethinkdb-ts';
  const R = (ts ? rts : r) as unknown as typeof r;
  const pool = () => (ts
    ? new AsyncConnectionPool({ host: server.host, port: server.port, silent: true }, { driver: rts, poolSize: 2 })
    : new AsyncConnectionPool({ host: server.host, port: server.port }, { poolSize: 2 })) as unknown as AsyncConnectionPool<unknown, unknown>;

  it(`${driver}: initial rows, then each change, in order`, async () => {
    const t = await freshTable([{ id: 1, v: 1 }]);
    const p = pool();
    const feed = p.changes<Change>(R.table(t).changes({ includeInitial: true } as never) as never);
    assert.deepEqual((await feed.next()).value, { new_val: { id: 1, v: 1 } });
    await r.table(t).insert({ id: 2, v: 2 }).run(admin);
    await r.table(t).get(1 as never).update({ v: 10 }).run(admin);
    await r.table(t).get(2 as never).delete().run(admin);
    assert.deepEqual((await feed.next()).value, { new_val: { id: 2, v: 2 }, old_val: null });
    assert.deepEqual((await feed.next()).value, { new_val: { id: 1, v: 10 }, old_val: { id: 1, v: 1 } });
    assert.deepEqual((await feed.next()).value, { new_val: null, old_val: { id: 2, v: 2 } });
    assert.equal(p.stats().feeds, 1);
    await feed.close();
    assert.equal(p.stats().feeds, 0);
    await p.releasePool();
  });

  it(`${driver}: states and types when the query asks for them; a point feed`, async () => {
    const t = await freshTable([{ id: 1, v: 1 }]);
    const p = pool();
    const feed = p.changes<Change>(R.table(t).changes({ includeInitial: true, includeStates: true, includeTypes: true } as never) as never);
    const got: Change[] = [];
    for (let i = 0; i < 3; i++) got.push((await feed.next()).value);
    assert.deepEqual(got, [
      { state: 'initializing', type: 'state' }, { new_val: { id: 1, v: 1 }, type: 'initial' }, { state: 'ready', type: 'state' },
    ]);
    const point = p.changes<Change>((R.table(t).get(1 as never) as unknown as { changes(options: object): unknown }).changes({ includeInitial: true }) as never);
    // Live once its initial row came.
    assert.deepEqual((await point.next()).value, { new_val: { id: 1, v: 1 } });
    await r.table(t).get(1 as never).update({ v: 5 }).run(admin);
    assert.deepEqual((await point.next()).value, { new_val: { id: 1, v: 5 }, old_val: { id: 1, v: 1 } });
    assert.deepEqual((await feed.next()).value, { new_val: { id: 1, v: 5 }, old_val: { id: 1, v: 1 }, type: 'change' });
    await p.releasePool();
    assert.equal((await feed.next()).done, true, 'releasePool() ends every feed');
    assert.equal((await point.next()).done, true);
  });

  it(`${driver}: a dropped table ends the feed with ReqlOpFailedError; a dropped connection is resumed`, async () => {
    const t = await freshTable();
    const p = pool();
    const resumed: PoolEvents['feedResumed'][] = [];
    p.on('feedResumed', (e) => resumed.push(e));
    const feed = p.changes<Change>(R.table(t).changes() as never, { markers: true });
    await feed.ready; // live on the server: writes from now on reach it
    await r.table(t).insert({ id: 0 }).run(admin);
    assert.deepEqual((await feed.next()).value, { new_val: { id: 0 }, old_val: null });
    server.dropConnections();
    admin = await r.connect({ host: server.host, port: server.port });
    const first = await feed.next();
    assert.deepEqual(first.value, { state: 'resumed' });
    assert.deepEqual((await feed.next()).value, { state: 'ready' });
    assert.equal(resumed.length, 1);
    await r.table(t).insert({ id: 7 }).run(admin);
    assert.deepEqual((await feed.next()).value, { new_val: { id: 7 }, old_val: null });
    await r.db('test').tableDrop(t).run(admin);
    const err = await feed.next().then(() => 'read', (e: unknown) => e);
    assert.match(String(err), /Changefeed aborted \(unavailable\)/);
    assert.equal((err as Error).name, 'ReqlOpFailedError');
    assert.equal((await feed.next()).done, true);
    await p.releasePool();
  });

  it(`${driver}: 50 feeds on poolSize 2 leave acquire() able to lease`, async () => {
    const t = await freshTable();
    const p = pool();
    const feeds = Array.from({ length: 50 }, () => p.changes(R.table(t).changes({ includeStates: true } as never) as never));
    // Each is live once it says `ready`.
    for (const f of feeds) assert.deepEqual((await f.next()).value, { state: 'ready' });
    assert.equal(p.stats().feeds, 50);
    const conn = await p.acquire({ timeoutMs: 2_000 });
    p.release(conn);
    await r.table(t).insert({ id: 1 }).run(admin);
    for (const f of feeds) assert.deepEqual((await f.next()).value, { new_val: { id: 1 }, old_val: null });
    await p.releasePool();
    assert.equal(p.stats().feeds, 0);
  });
}

it('run() refuses a changefeed (it never ends); cursor() can read one', async () => {
  const t = await freshTable();
  const p = new AsyncConnectionPool({ host: server.host, port: server.port }, { poolSize: 1 });
  await assert.rejects(p.run(r.table(t).changes() as never), /changefeed never ends: use pool\.changes\(\)/);
  assert.equal(p.stats().inFlight, 0);
  assert.equal(await p.run(r.expr(1)), 1);
  await p.releasePool();
});
