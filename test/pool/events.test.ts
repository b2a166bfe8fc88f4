import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolConnectError, type PoolEvents } from '../../src/index.js';
import { deadPort, makePool, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('emits open, acquire, release, close and healthy with typed payloads', async () => {
  const pool = makePool(server, { poolSize: 1 });
  const log: [string, unknown][] = [];
  for (const name of ['open', 'acquire', 'release', 'close', 'healthy'] as const) {
    pool.on(name, (p: PoolEvents[typeof name]) => log.push([name, p]));
  }
  await pool.initPool();
  const conn = await pool.acquire();
  pool.release(conn);
  await pool.releasePool();
  const names = log.map(([n]) => n);
  assert.deepEqual(names, ['open', 'healthy', 'acquire', 'release', 'close']);
  const server_ = `${server.host}:${server.port}`;
  assert.deepEqual(log[0]![1], { id: 1, server: server_ });
  assert.equal((log[2]![1] as PoolEvents['acquire']).id, 1);
  assert.equal(typeof (log[3]![1] as PoolEvents['release']).heldMs, 'number');
  assert.equal((log[4]![1] as PoolEvents['close']).reason, 'shutdown');
});

it('emits connectError and unhealthy when the server is down, then healthy when it is back', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { poolSize: 1, backoff: { baseMs: 5, maxMs: 10 } });
  const seen: string[] = [];
  let connectError: PoolEvents['connectError'] | undefined;
  pool.on('connectError', (e) => {
    connectError ??= e;
    seen.push('connectError');
  });
  pool.on('unhealthy', () => seen.push('unhealthy'));
  pool.on('healthy', () => seen.push('healthy'));
  await assert.rejects(pool.initPool());
  assert.ok(connectError?.error instanceof PoolConnectError);
  assert.equal(connectError.attempt, 1);
  assert.deepEqual(seen.slice(0, 2), ['connectError', 'unhealthy']);
  assert.equal(pool.stats().healthy, false);
  const { startTestServer } = await import('../../src/testing/index.js');
  const revived = await startTestServer({ port });
  await waitFor(() => seen.includes('healthy'), 10_000, 'healthy');
  assert.equal(seen.filter((s) => s === 'unhealthy').length, 1, 'unhealthy once per outage');
  assert.equal(pool.stats().healthy, true);
  await pool.releasePool();
  await revived.stop();
});

it('accepts error listeners (never called) and refuses unknown events', () => {
  const pool = makePool(server);
  assert.throws(() => pool.on('nope' as never, () => {}), TypeError);
  pool.on('error', () => assert.fail('the pool never emits error'));
  assert.equal(pool.listenerCount('error'), 1);
  const listener = () => {};
  pool.on('open', listener);
  assert.equal(pool.listenerCount('open'), 1);
  pool.off('open', listener);
  assert.equal(pool.listenerCount('open'), 0);
  let n = 0;
  pool.once('open', () => n++);
  assert.equal(pool.listenerCount('open'), 1);
  assert.equal(n, 0);
  const onceListener = () => {};
  pool.once('close', onceListener);
  pool.off('close', onceListener); // off() removes a once() registration too
  assert.equal(pool.listenerCount('close'), 0);
  return pool.releasePool();
});
