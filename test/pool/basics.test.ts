import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

describe('official rethinkdb driver (default)', () => {
  it('opens poolSize (3) connections at init, leases, runs, releases, closes', async () => {
    const pool = new AsyncConnectionPool(connectOptions(server));
    await pool.initPool();
    assert.equal(pool.stats().idle, 3);
    assert.equal(pool.stats().poolSize, 3);
    const conn = await pool.acquire();
    assert.equal(pool.stats().leased, 1);
    assert.equal(await r.expr(42).run(conn), 42);
    pool.release(conn);
    assert.equal(pool.stats().leased, 0);
    assert.equal(await pool.withConnection((c) => r.expr('w').run(c)), 'w');
    assert.equal(await pool.run(r.expr(7)), 7);
    {
      await using c = await pool.connect();
      assert.equal(await r.expr(1).run(c), 1);
      assert.equal(pool.stats().leased, 1);
    }
    assert.equal(pool.stats().leased, 0);
    await pool.releasePool();
    assert.equal(pool.stats().size, 0);
    assert.equal(conn.open, false);
  });
});

describe('rethinkdb-ts (driver: r)', () => {
  it('leases, runs and releases rethinkdb-ts connections', async () => {
    const pool = new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 2 });
    await pool.initPool();
    assert.equal(pool.stats().idle, 2);
    const conn = await pool.acquire();
    assert.equal(conn.open, true);
    assert.equal(await rts.expr(42).run(conn), 42);
    pool.release(conn);
    assert.equal(await pool.withConnection((c) => rts.expr('w').run(c)), 'w');
    assert.equal(await pool.run(rts.expr(5)), 5);
    {
      await using c = await pool.connect();
      assert.equal(await rts.expr(1).run(c), 1);
    }
    await pool.releasePool();
    assert.equal(pool.stats().size, 0);
    assert.equal(conn.open, false);
  });
});
