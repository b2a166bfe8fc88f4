// The scanSeed option: unordered table scans come back shuffled, reproducibly, so that
// code relying on a table's scan order fails against the test server as it would against
// a real RethinkDB (which returns such scans in an order of its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { startTestServer, Store } from '../../../src/testing/index.js';
import { plain } from './live.js';

const ROWS = Array.from({ length: 40 }, (_, i) => ({ id: `k${String(i).padStart(2, '0')}`, n: i }));

/** The ids of a table scan (and of a filtered scan) on a fresh server with these options. */
async function scanIds(options: Parameters<typeof startTestServer>[0], extra: object[] = []): Promise<{
  scan: string[]; filtered: string[]; sorted: string[];
}> {
  const server = await startTestServer({ port: 0, ...options });
  const conn = await r.connect({ host: server.host, port: server.port });
  try {
    await r.db('test').tableCreate('t').run(conn);
    await r.table('t').insert(ROWS).run(conn);
    if (extra.length > 0) await r.table('t').insert(extra).run(conn);
    const ids = async (q: r.Sequence) => (plain(await (await q.run(conn)).toArray()) as Array<{ id: string }>).map((x) => x.id);
    return {
      scan: await ids(r.table('t')),
      filtered: await ids(r.table('t').filter(r.row('n').mod(2).eq(0))),
      sorted: (plain(await r.table('t').orderBy('id').run(conn)) as Array<{ id: string }>).map((x) => x.id),
    };
  } finally {
    await conn.close({ noreplyWait: false });
    await server.stop();
  }
}

const inserted = ROWS.map((x) => x.id);

test('by default a table scan returns rows in insertion order', async () => {
  const { scan } = await scanIds({});
  assert.deepEqual(scan, inserted);
});

test('with scanSeed the scan is shuffled, the same for the same seed, different for another', async () => {
  const a = await scanIds({ scanSeed: 7 });
  const b = await scanIds({ scanSeed: 7 });
  const c = await scanIds({ scanSeed: 8 });
  assert.notDeepEqual(a.scan, inserted, 'not insertion order');
  assert.deepEqual([...a.scan].sort(), [...inserted].sort(), 'every row exactly once');
  assert.deepEqual(a.scan, b.scan, 'reproducible');
  assert.notDeepEqual(a.scan, c.scan, 'another seed, another order');
  // A filter keeps the scan's order; orderBy is unaffected.
  assert.deepEqual(a.filtered, a.scan.filter((id) => Number(id.slice(1)) % 2 === 0));
  assert.deepEqual(a.sorted, [...inserted].sort());
});

test('rows keep their relative places when other rows are inserted', async () => {
  const before = await scanIds({ scanSeed: 3 });
  const after = await scanIds({ scanSeed: 3 }, [{ id: 'new1', n: 100 }, { id: 'new2', n: 101 }]);
  assert.deepEqual(after.scan.filter((id) => !id.startsWith('new')), before.scan);
});

test('a Store takes the seed too; bad values are refused with a TypeError naming the option', async () => {
  const server = await startTestServer({ port: 0, store: new Store({ scanSeed: 7 }) });
  const conn = await r.connect({ host: server.host, port: server.port });
  try {
    await r.db('test').tableCreate('t').run(conn);
    await r.table('t').insert(ROWS).run(conn);
    const ids = (plain(await (await r.table('t').run(conn)).toArray()) as Array<{ id: string }>).map((x) => x.id);
    assert.deepEqual(ids, (await scanIds({ scanSeed: 7 })).scan, 'the same order as the server option');
  } finally {
    await conn.close({ noreplyWait: false });
    await server.stop();
  }
  assert.throws(() => new Store({ scanSeed: 1.5 }), /Option `scanSeed` must be a safe integer/);
  assert.throws(() => new Store({ seed: 1 } as never), /Unknown Store option `seed`/);
  await assert.rejects(startTestServer({ scanSeed: 'x' as never }), /Option `scanSeed` must be a safe integer/);
  await assert.rejects(startTestServer({ scanSeed: 1, store: new Store() }), /goes on the Store/);
});
