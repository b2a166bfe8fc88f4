// Release is strict: double, foreign and after-close releases are PoolReleaseError.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { PoolReleaseError } from '../../src/index.js';
import { makePool, nextEvent, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('releasing twice is a PoolReleaseError and does not corrupt the counts', async () => {
  const pool = makePool(server, { poolSize: 2 });
  await pool.initPool();
  const conn = await pool.acquire();
  pool.release(conn);
  assert.throws(() => pool.release(conn), (e: unknown) => e instanceof PoolReleaseError && e.code === 'REPOOL_RELEASE' && /released already/.test(e.message));
  assert.deepEqual([pool.stats().idle, pool.stats().leased], [2, 0]);
  await pool.releasePool();
});

it('releasing a connection the pool does not own is a PoolReleaseError', async () => {
  const a = makePool(server, { poolSize: 1 });
  const b = makePool(server, { poolSize: 1 });
  await a.initPool();
  await b.initPool();
  const conn = await a.acquire();
  assert.throws(() => b.release(conn), PoolReleaseError);
  assert.throws(() => a.release({} as never), PoolReleaseError);
  a.release(conn);
  await a.releasePool();
  await b.releasePool();
});

it('a lease closed by releasePool()\'s deadline is released quietly, once', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const conn = await pool.acquire();
  await pool.releasePool({ timeoutMs: 10 });
  assert.equal(conn.open, false);
  pool.release(conn); // the lessee was slow, not wrong: no error in its finally block
  assert.throws(() => pool.release(conn), PoolReleaseError);
});

it('release(conn, { discard: true }) closes it (reason discarded)', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const conn = await pool.acquire();
  const closed = nextEvent(pool, 'close');
  pool.release(conn, { discard: true });
  assert.equal((await closed).reason, 'discarded');
  await pool.releasePool();
});
