// A cursor holds its connection until it really ends, whatever style it is read in: next(),
// each() with and without a callback for the end, eachAsync(), toArray(), for await, events.
// releasePool() lets such a reader finish (within its deadline) instead of cutting it, and no
// style leaves a rejection unhandled.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, makePool, r, startServer } from './helpers.js';

const ROWS = 3_000; // several batches of the server (125, then 500 at a time)

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(async () => {
  server = await startServer();
  process.on('unhandledRejection', onUnhandled);
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.stop();
});

/** A reading style: reads every row, calling `first` after the first one. */
type Style = (cursor: any, first: () => void) => Promise<number[]>;

const official: Record<string, Style> = {
  'next()': async (c, first) => {
    const rows: number[] = [];
    for (;;) {
      try {
        rows.push(await c.next());
      } catch (e) {
        if (/No more rows/.test(String(e))) return rows;
        throw e;
      }
      if (rows.length === 1) first();
    }
  },
  'each(cb, onFinished)': (c, first) => new Promise((resolve, reject) => {
    const rows: number[] = [];
    c.each((err: unknown, row: number) => {
      if (err) return reject(err);
      rows.push(row);
      if (rows.length === 1) first();
      return true;
    }, () => resolve(rows));
  }),
  'each(cb) and the count': (c, first) => new Promise((resolve, reject) => {
    const rows: number[] = [];
    c.each((err: unknown, row: number) => {
      if (err) return reject(err);
      rows.push(row);
      if (rows.length === 1) first();
      if (rows.length === ROWS) resolve(rows);
      return true;
    });
  }),
  'eachAsync(handler)': async (c, first) => {
    const rows: number[] = [];
    await c.eachAsync(async (row: number) => {
      rows.push(row);
      if (rows.length === 1) first();
    });
    return rows;
  },
  'toArray()': async (c, first) => {
    first();
    return c.toArray();
  },
  'events (data)': (c, first) => new Promise((resolve, reject) => {
    const rows: number[] = [];
    c.on('error', reject);
    c.on('data', (row: number) => {
      rows.push(row);
      if (rows.length === 1) first();
      if (rows.length === ROWS) resolve(rows);
    });
  }),
};

const ts: Record<string, Style> = {
  'next()': official['next()']!,
  'each(cb, onFinished)': official['each(cb, onFinished)']!,
  'eachAsync(handler)': official['eachAsync(handler)']!,
  'toArray()': official['toArray()']!,
  'for await': async (c, first) => {
    const rows: number[] = [];
    for await (const row of c) {
      rows.push(row as number);
      if (rows.length === 1) first();
    }
    return rows;
  },
  'events (data, end)': (c, first) => new Promise((resolve, reject) => {
    const rows: number[] = [];
    c.on('error', reject);
    c.on('data', (row: number) => {
      rows.push(row);
      if (rows.length === 1) first();
    });
    c.on('end', () => resolve(rows));
  }),
};

const ALL = Array.from({ length: ROWS }, (_, i) => i);

for (const [driver, styles] of [['official', official], ['rethinkdb-ts', ts]] as const) {
  for (const [name, read] of Object.entries(styles)) {
    it(`${driver}, ${name}: holds its connection to the end, and releasePool() lets it finish`, async () => {
      const pool = driver === 'official'
        ? makePool(server, { poolSize: 1 })
        : new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1 });
      await pool.initPool();
      const query = driver === 'official' ? (r as unknown as { range(n: number): never }).range(ROWS) : rts.range(ROWS);
      const cursor = await pool.cursor(query as never);
      assert.equal(pool.stats().cursors, 1);
      let released: Promise<void> | undefined;
      const rows = await read(cursor, () => {
        // Still open on the server: the hold stays, and shutting down waits for it.
        assert.equal(pool.stats().cursors, 1, 'held while rows remain');
        released = pool.releasePool({ timeoutMs: 30_000 });
      });
      assert.deepEqual(rows, ALL, 'every row read, none cut');
      await released;
      assert.equal(pool.stats().cursors, 0);
      assert.equal(pool.stats().closed, 1);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });
  }
}

it('official: each() again on an exhausted cursor leaves no rejection unhandled', async () => {
  const pool = makePool(server, { poolSize: 1 });
  const cursor: any = await pool.cursor((r as unknown as { range(n: number): never }).range(3));
  const seen: unknown[] = [];
  await new Promise<void>((resolve) => cursor.each((_e: unknown, row: unknown) => void seen.push(row), () => resolve()));
  await new Promise<void>((resolve) => cursor.each(() => assert.fail('no more rows'), () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(pool.stats().cursors, 0);
  assert.deepEqual(unhandled, []);
  await pool.releasePool();
});
