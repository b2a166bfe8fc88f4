// connect() + await using, and withConnection(): released at block end, even on throw.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, r, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('await using releases the connection when the block ends, even on throw', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  {
    await using conn = await pool.connect();
    assert.equal(await r.expr(1).run(conn), 1);
    assert.equal(typeof conn[Symbol.asyncDispose], 'function');
    assert.equal(pool.stats().leased, 1);
  }
  assert.equal(pool.stats().leased, 0);
  await assert.rejects(
    (async () => {
      await using conn = await pool.connect();
      void conn;
      throw new Error('inside');
    })(),
    /inside/,
  );
  assert.equal(pool.stats().leased, 0);
  await pool.releasePool();
});

it('disposing after a manual release does nothing (no double release)', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  {
    await using conn = await pool.connect();
    pool.release(conn);
    const other = await pool.acquire(); // the same connection, leased again
    assert.equal(other, conn);
    await conn[Symbol.asyncDispose](); // a stale dispose must not end the new lease
    assert.equal(pool.stats().leased, 1);
    pool.release(other);
  }
  await pool.releasePool();
});

it('withConnection releases on throw and returns the value', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  await assert.rejects(pool.withConnection(async () => {
    throw new Error('fn failed');
  }), /fn failed/);
  assert.equal(pool.stats().leased, 0);
  assert.equal(await pool.withConnection(async (c) => r.expr(3).run(c)), 3);
  await pool.releasePool();
});
