// Closed sockets (driver close events) are removed at once and replaced.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, makePool, r, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('dropped idle connections are removed at once (broken) and replaced', async () => {
  const pool = makePool(server, { poolSize: 3, validateAfterIdleMs: 100_000 });
  await pool.initPool();
  const reasons: string[] = [];
  pool.on('close', (e) => reasons.push(e.reason));
  const before = new Set([await pool.acquire()]);
  for (const c of before) pool.release(c);
  server.dropConnections();
  await waitFor(() => reasons.length === 3, 5_000, 'close events');
  assert.deepEqual(reasons, ['broken', 'broken', 'broken']);
  await waitFor(() => pool.stats().idle === 3, 5_000, 'replacements');
  assert.equal(pool.stats().created, 6);
  // Validation is off (validateAfterIdleMs is large): only the close event protects us.
  const conn = await pool.acquire();
  assert.ok(!before.has(conn));
  assert.equal(await r.expr(1).run(conn), 1);
  pool.release(conn);
  await pool.releasePool();
});

it('a leased connection that breaks leaves the pool; its release is accepted', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const conn = await pool.acquire();
  server.dropConnections();
  await waitFor(() => pool.stats().leased === 0, 5_000, 'removal');
  pool.release(conn); // no PoolReleaseError: the holder did nothing wrong
  const next = await pool.acquire();
  assert.notEqual(next, conn);
  pool.release(next);
  await pool.releasePool();
});

it('works the same with rethinkdb-ts', async () => {
  const pool = new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 2 });
  await pool.initPool();
  server.dropConnections();
  await waitFor(() => pool.stats().closed === 2, 5_000, 'close events');
  await waitFor(() => pool.stats().idle === 2, 5_000, 'replacements');
  assert.equal(await pool.run(rts.expr(3)), 3);
  await pool.releasePool();
});
