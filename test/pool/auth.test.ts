// Wrong credentials: PoolAuthError, never retried in a loop, never a crash later.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolAuthError, PoolConnectError } from '../../src/index.js';
import { sleep, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('a wrong password is a PoolAuthError, and the pool does not retry it in a loop', async () => {
  // timeout: 1 s, so the official driver's stray connect timer would fire during this test.
  const pool = new AsyncConnectionPool(
    { host: server.host, port: server.port, user: 'bob', password: 'wrong-pw', timeout: 1 },
    { poolSize: 3, backoff: { baseMs: 5, maxMs: 10 }, acquireTimeoutMs: 60_000 },
  );
  const err = await pool.initPool().then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolAuthError);
  assert.ok(err instanceof PoolConnectError);
  assert.equal(err.code, 'REPOOL_AUTH');
  assert.equal((err.cause as Error).name, 'ReqlAuthError');
  assert.match(err.message, /password/);
  assert.doesNotMatch(err.message, /wrong-pw/);
  const attempts = pool.stats().connectErrors;
  assert.ok(attempts <= 3);
  await sleep(1_300); // past the driver's 1 s connect timer: no stray error may crash us
  assert.equal(pool.stats().connectErrors, attempts, 'no background retries');
  assert.equal(server.stats().handshakes, 0);
  // Demand tries once more and fails fast with the same kind of error, not a timeout.
  await assert.rejects(pool.acquire(), PoolAuthError);
  assert.equal(pool.stats().connectErrors, attempts + 1);
  await pool.releasePool();
});

it('rethinkdb-ts: a wrong password is a PoolAuthError too', async () => {
  const pool = new AsyncConnectionPool(
    { host: server.host, port: server.port, user: 'bob', password: 'wrong-pw', silent: true },
    { driver: rts, poolSize: 2, acquireTimeoutMs: 60_000 },
  );
  await assert.rejects(pool.initPool(), PoolAuthError);
  await assert.rejects(pool.acquire(), PoolAuthError);
  await pool.releasePool();
});
