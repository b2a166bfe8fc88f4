// cursor(): pins its connection until the cursor is closed or exhausted.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, makePool, r, startServer, type Conn } from './helpers.js';

const RANGE = Array.from({ length: 1000 }, (_, i) => i);

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

function fakeCursor(rows: number[]) {
  let i = 0;
  return {
    closed: 0,
    async next() {
      if (i >= rows.length) throw new Error('No more rows in the cursor.');
      return rows[i++]!;
    },
    async toArray() {
      return rows.slice(i);
    },
    async close() {
      this.closed++;
    },
  };
}

it('pins the connection until close()', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const raw = fakeCursor([1, 2]);
  const cursor = await pool.cursor({ run: async (_c: Conn) => raw });
  assert.equal(pool.stats().inFlight, 1);
  assert.equal(await cursor.next(), 1);
  assert.equal(pool.stats().inFlight, 1);
  await cursor.close();
  await cursor.close();
  assert.equal(raw.closed, 2);
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

it('unpins when exhausted (next() rejects, or toArray())', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const c1 = await pool.cursor({ run: async (_c: Conn) => fakeCursor([1]) });
  await c1.next();
  await assert.rejects(c1.next(), /No more rows/);
  assert.equal(pool.stats().inFlight, 0);
  const c2 = await pool.cursor({ getCursor: async (_c: Conn) => fakeCursor([1, 2]) });
  assert.deepEqual(await c2.toArray(), [1, 2]);
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

it('is disposable with await using', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const raw = fakeCursor([1]);
  {
    await using cursor = await pool.cursor({ run: async (_c: Conn) => raw });
    assert.equal(pool.stats().inFlight, 1);
    void cursor;
  }
  assert.equal(pool.stats().inFlight, 0);
  assert.equal(raw.closed, 1);
  await pool.releasePool();
});

it('rejects a query that yields a single value, and unpins', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  await assert.rejects(pool.cursor({ run: async (_c: Conn) => 1 } as never), /use run\(\)/);
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

// Real cursors over r.range(1000) (several batches), with both drivers: the cursor pins its
// connection (inFlight 1) until it is closed early or read to the end.
type Range = { range(n: number): r.Operation<r.Cursor> };

it('official: a real cursor, closed early or read to the end, pins then frees its connection', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const early = await pool.cursor((r as unknown as Range).range(1000));
  assert.equal(pool.stats().inFlight, 1);
  assert.equal(await early.next(), 0);
  assert.equal(await early.next(), 1);
  assert.equal(pool.stats().inFlight, 1, 'still pinned while open');
  await early.close();
  assert.equal(pool.stats().inFlight, 0);
  const whole = await pool.cursor((r as unknown as Range).range(1000));
  assert.equal(pool.stats().inFlight, 1);
  assert.deepEqual(await whole.toArray(), RANGE);
  assert.equal(pool.stats().inFlight, 0);
  const stepped = await pool.cursor((r as unknown as Range).range(1000));
  const seen: number[] = [];
  await assert.rejects(async () => {
    for (;;) seen.push(await stepped.next() as number);
  }, /No more rows/);
  assert.deepEqual(seen, RANGE);
  assert.equal(pool.stats().inFlight, 0);
  // The connection is usable again (nothing left pinned on it).
  assert.equal(await pool.run(r.expr(1)), 1);
  await pool.releasePool();
});

it('rethinkdb-ts: a real cursor, closed early or read to the end, pins then frees its connection', async () => {
  const pool = new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1 });
  await pool.initPool();
  const early = await pool.cursor(rts.range(1000));
  assert.equal(pool.stats().inFlight, 1);
  assert.equal(await early.next(), 0);
  assert.equal(pool.stats().inFlight, 1, 'still pinned while open');
  await early.close();
  assert.equal(pool.stats().inFlight, 0);
  const whole = await pool.cursor(rts.range(1000));
  assert.deepEqual(await whole.toArray(), RANGE);
  assert.equal(pool.stats().inFlight, 0);
  const iterated = await pool.cursor(rts.range(1000));
  const seen: number[] = [];
  for await (const row of iterated) seen.push(row as number);
  assert.deepEqual(seen, RANGE);
  assert.equal(pool.stats().inFlight, 0);
  assert.equal(await pool.run(rts.expr(1)), 1);
  await pool.releasePool();
});
