// cursor(): pins its connection until the cursor is closed or exhausted.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, startServer, type Conn } from './helpers.js';

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
