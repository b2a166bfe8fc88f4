// The pool's own lifecycle against its callers: initPool() racing releasePool(), the outcome
// of withConnection() when releasePool()'s deadline closed the connection, cursors packed so
// that long-lived ones never take every connection, and a cursor's close() after its
// connection died.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { PoolClosedError } from '../../src/index.js';
import { makePool, r, startServer } from './helpers.js';

type Range = { range(n: number): r.Operation<r.Cursor> };
const range = (n: number) => (r as unknown as Range).range(n);

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('initPool() racing releasePool() rejects with PoolClosedError, not a connect error', async () => {
  for (const poolSize of [1, 3]) {
    const pool = makePool(server, { poolSize });
    const init = pool.initPool();
    const release = pool.releasePool();
    const err = await init.then(() => undefined, (e: unknown) => e);
    // It may have opened in time; if it did not, the reason is the release.
    if (err !== undefined) assert.ok(err instanceof PoolClosedError, String(err));
    await release;
    assert.equal(pool.stats().size, 0);
  }
});

it('withConnection() gives back fn\'s own result or error when releasePool()\'s deadline closed the connection', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  let proceed!: () => void;
  const gate = new Promise<void>((resolve) => (proceed = resolve));
  const result = pool.withConnection(async () => {
    await gate;
    return 'fn result';
  });
  const failure = pool.withConnection(async () => {
    await gate;
    throw new Error('fn error');
  }).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await pool.releasePool({ timeoutMs: 0 }); // closes the lease under fn, and fails the waiter
  proceed();
  assert.equal(await result, 'fn result');
  const err = await failure;
  assert.ok(err instanceof PoolClosedError || (err instanceof Error && err.message === 'fn error'), String(err));
});

it('long-lived cursors are packed: as many cursors as connections still leave acquire() a connection', async () => {
  const pool = makePool(server, { poolSize: 3 });
  await pool.initPool();
  const cursors = await Promise.all([1, 2, 3].map(() => pool.cursor(range(100_000))));
  assert.equal(pool.stats().cursors, 3);
  const conn = await pool.acquire({ timeoutMs: 1_000 });
  const conn2 = await pool.acquire({ timeoutMs: 1_000 });
  pool.release(conn);
  pool.release(conn2);
  for (const c of cursors) await c.close();
  assert.equal(pool.stats().cursors, 0);
  await pool.releasePool();
});

it('close() of a cursor whose connection died resolves, and reads reject with PoolConnectionLostError', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const cursor = await pool.cursor(range(100_000));
  await cursor.next();
  server.dropConnections();
  const read = await cursor.toArray().then(() => 'resolved', (e: unknown) => e);
  assert.equal((read as { code?: string }).code, 'REPOOL_CONNECTION_LOST', String(read));
  await cursor.close();
  await cursor.close();
  assert.equal(pool.stats().cursors, 0);
  await pool.releasePool();
});
