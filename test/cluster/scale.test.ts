// What a large cluster or a long queue costs, on a fake clock and in-memory connections: a
// timeout error reads counts kept by the queue (it never walks the queue), and discovery
// listing hundreds of unreachable servers adds a bounded number of sub-pools and opens a
// bounded number of connections at once.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, PoolTimeoutError, type Connector } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { memoryConnector, type MemConn } from '../support/memory-connector.js';

it('20 000 waiting calls on two servers all time out at their deadline, each error with the counts', async () => {
  const clock = createFakeClock();
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, {
    driver, clock, poolSize: 1, acquireTimeoutMs: 300, servers: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }],
  });
  await pool.initPool();
  const held = [await pool.acquire(), await pool.acquire()];
  const N = 20_000;
  let timedOut = 0;
  const waits = Array.from({ length: N }, () => pool.acquire().catch((e: unknown) => {
    if (e instanceof PoolTimeoutError) timedOut++;
  }));
  assert.equal(pool.stats().waiting, N);
  await clock.advance(300);
  await Promise.all(waits);
  assert.equal(timedOut, N);
  assert.equal(pool.stats().waiting, 0);
  assert.equal(pool.stats().timeouts, N);
  for (const c of held) pool.release(c);
  await pool.releasePool();
});

it('discovery listing 300 unreachable servers adds at most 64 and opens few at once', async () => {
  const clock = createFakeClock();
  const base = memoryConnector();
  let connecting = 0;
  let peak = 0;
  let attempts = 0;
  const rows = Array.from({ length: 300 }, (_, i) => ({
    id: `id-${i}`, network: { canonical_addresses: [{ host: `10.0.${i >> 8}.${i & 255}` }], reql_port: 28015 },
  }));
  const driver: Connector<MemConn, unknown> & { serverStatus(conn: MemConn): Promise<unknown[]> } = {
    ...base,
    async connect(options, signal) {
      const host = (options as { host?: string }).host;
      if (host === 'seed') return base.connect(options, signal);
      attempts++;
      connecting++;
      peak = Math.max(peak, connecting);
      try {
        await new Promise((_, reject) => clock.setTimeout(() => reject(new Error('connect ETIMEDOUT (memory)')), 1_000));
        throw new Error('unreachable');
      } finally {
        connecting--;
      }
    },
    serverStatus: async () => [{ id: 'seed-id', network: { canonical_addresses: [{ host: 'seed' }], reql_port: 28015 } }, ...rows],
  };
  const errors: unknown[] = [];
  const pool = new AsyncConnectionPool<MemConn, unknown>({ host: 'seed', port: 28015 }, {
    driver, clock, poolSize: 2, discovery: true, discoveryIntervalMs: 60_000, backoff: { baseMs: 1_000, maxMs: 30_000 },
  });
  pool.on('discoveryError', ({ error }) => errors.push(error));
  const init = pool.initPool();
  for (let i = 0; i < 40; i++) await clock.advance(1_000);
  await init;
  assert.equal(pool.stats().servers.length, 65, 'the seed and 64 discovered');
  assert.ok(errors.some((e) => /236 more servers/.test(String(e))), errors.map(String).join('; '));
  assert.ok(peak <= 8, `connects at once: ${peak}`);
  const before = attempts;
  await clock.advance(10_000);
  // Down servers probe one at a time each, with backoff: at most one attempt per server per second here.
  assert.ok(attempts - before <= 64 * 10, `attempts in 10 s: ${attempts - before}`);
  await pool.releasePool();
});

it('maxWaiters: 0 refuses the caller but still opens a connection for the next one', async () => {
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, poolSize: 1, minIdle: 0, maxWaiters: 0 });
  await assert.rejects(pool.acquire(), /maxWaiters/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(driver.connects, 1);
  const conn = await pool.acquire();
  pool.release(conn);
  await pool.releasePool();
});
