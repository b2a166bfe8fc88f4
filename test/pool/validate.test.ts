// An idle connection past validateAfterIdleMs is pinged (SERVER_INFO) before hand-out.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, nextEvent, sleep, spyConnector, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('pings a connection idle longer than validateAfterIdleMs, not a fresh one', async () => {
  const spy = spyConnector();
  const pool = new AsyncConnectionPool(connectOptions(server), { driver: spy.connector, poolSize: 1, validateAfterIdleMs: 30 });
  await pool.initPool();
  pool.release(await pool.acquire());
  assert.equal(spy.pings, 0, 'a fresh connection is not pinged');
  await sleep(60);
  const queries = server.stats().queries;
  pool.release(await pool.acquire());
  assert.equal(spy.pings, 1);
  assert.equal(server.stats().queries, queries + 1, 'one round trip (SERVER_INFO)');
  await pool.releasePool();
});

it('a failed ping closes the connection (broken) and the caller gets another', async () => {
  const spy = spyConnector();
  const pool = new AsyncConnectionPool(connectOptions(server), { driver: spy.connector, poolSize: 1, validateAfterIdleMs: 10 });
  await pool.initPool();
  const first = await pool.acquire();
  pool.release(first);
  await sleep(30);
  spy.failPing = true;
  const closed = nextEvent(pool, 'close');
  const conn = pool.acquire();
  assert.equal((await closed).reason, 'broken');
  spy.failPing = false;
  const got = await conn;
  assert.notEqual(got, first);
  assert.equal(got.open, true);
  pool.release(got);
  await pool.releasePool();
});

it('a ping that never answers is cut at pingTimeoutMs', async () => {
  const pool = new AsyncConnectionPool(connectOptions(server), { poolSize: 1, validateAfterIdleMs: 10, pingTimeoutMs: 50, acquireTimeoutMs: 60_000 });
  await pool.initPool();
  pool.release(await pool.acquire());
  await sleep(30);
  server.pause(); // the connection looks open but never answers
  const closed = nextEvent(pool, 'close');
  const waiting = pool.acquire();
  const event = await closed;
  assert.equal(event.reason, 'broken');
  assert.match(String(event.error), /did not answer/);
  server.resume();
  pool.release(await waiting);
  await pool.releasePool();
});
