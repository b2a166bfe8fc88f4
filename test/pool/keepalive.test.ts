import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, nextEvent, sleep, spyConnector, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('pings idle connections every keepaliveMs', async () => {
  const spy = spyConnector();
  const pool = new AsyncConnectionPool(connectOptions(server), { driver: spy.connector, poolSize: 2, keepaliveMs: 30 });
  await pool.initPool();
  await waitFor(() => spy.pings >= 4, 5_000, 'keepalive pings');
  assert.equal(pool.stats().ready, 2);
  await pool.releasePool();
});

it('does not ping when keepaliveMs is 0', async () => {
  const spy = spyConnector();
  const pool = new AsyncConnectionPool(connectOptions(server), { driver: spy.connector, poolSize: 1, keepaliveMs: 0, idleTimeoutMs: 20, minIdle: 1 });
  await pool.initPool();
  await sleep(80);
  assert.equal(spy.pings, 0);
  await pool.releasePool();
});

it('a failed keepalive ping closes (broken) and replaces the connection', async () => {
  const spy = spyConnector();
  const pool = new AsyncConnectionPool(connectOptions(server), { driver: spy.connector, poolSize: 1, keepaliveMs: 20 });
  await pool.initPool();
  spy.failPing = true;
  const closed = await nextEvent(pool, 'close');
  assert.equal(closed.reason, 'broken');
  spy.failPing = false;
  await waitFor(() => pool.stats().idle === 1 && pool.stats().created === 2, 5_000, 'replacement');
  await pool.releasePool();
});
