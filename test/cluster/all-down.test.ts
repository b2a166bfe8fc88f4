// Every server down: acquire() fails only then, with a typed error that names every server
// and its last error, within its deadline; no password anywhere.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, PoolTimeoutError, PoolUnavailableError, type PoolOptions } from '../../src/index.js';
import { startTestServer } from '../../src/testing/index.js';
import type { Conn } from './helpers.js';

async function deadPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startTestServer({ port: 0 });
    ports.push(s.port);
    await s.stop();
  }
  return ports;
}

const HANG_GUARD_MS = 5_000;

function pool(ports: number[], options: PoolOptions = {}) {
  return new AsyncConnectionPool<Conn>({ user: 'admin', password: 'hunter2-secret' }, {
    servers: ports.map((port) => ({ host: '127.0.0.1', port })),
    backoff: { baseMs: 20, maxMs: 100 },
    ...options,
  });
}

it('initPool() rejects with PoolUnavailableError naming every server', async () => {
  const ports = await deadPorts(3);
  const p = pool(ports);
  const err = await p.initPool().then(() => assert.fail('initPool() resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolUnavailableError, String(err));
  assert.equal(err.code, 'REPOOL_CONNECT');
  assert.equal(err.servers.length, 3);
  for (const port of ports) assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}: [^;]*connect`, 'i'));
  for (const s of err.servers) assert.ok(s.lastError !== undefined && !s.healthy);
  assert.doesNotMatch(err.message, /hunter2/);
  await p.releasePool();
});

it('acquire() times out with every server and its last error in the message', async () => {
  const ports = await deadPorts(3);
  const acquireTimeoutMs = 300;
  const p = pool(ports, { acquireTimeoutMs, minIdle: 0 });
  const downs = new Set<string>();
  p.on('serverDown', ({ server }) => downs.add(server));
  const started = Date.now();
  const err = await p.acquire().then(() => assert.fail('acquire() resolved'), (e: unknown) => e);
  const elapsed = Date.now() - started;
  assert.ok(err instanceof PoolTimeoutError, String(err));
  assert.ok(elapsed < acquireTimeoutMs + HANG_GUARD_MS, `settled after ${elapsed} ms (hang guard)`);
  assert.equal(err.servers.length, 3);
  for (const port of ports) {
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}: [^;]*connect`, 'i'));
  }
  assert.ok(err.servers.every((s) => s.lastError !== undefined));
  assert.doesNotMatch(err.message + JSON.stringify(p.stats()), /hunter2/);
  assert.equal(downs.size, 3, 'serverDown for each server');
  assert.equal(p.stats().healthy, false);
  await p.releasePool();
});

it('with failFast, acquire() rejects at once once every server is known down', async () => {
  const ports = await deadPorts(2);
  const p = pool(ports, { failFast: true, acquireTimeoutMs: 20_000 });
  await p.initPool().catch(() => undefined);
  const err = await p.acquire().then(() => assert.fail('acquire() resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolUnavailableError, String(err));
  assert.deepEqual(err.servers.map((s) => s.server), ports.map((port) => `127.0.0.1:${port}`));
  await p.releasePool();
});

it('waiters queued while one server is up are not failed when another goes down', async () => {
  const up = await startTestServer({ port: 0 });
  const [dead] = await deadPorts(1);
  const p = new AsyncConnectionPool<Conn>({}, {
    servers: [{ host: up.host, port: up.port }, { host: '127.0.0.1', port: dead! }],
    poolSize: 1, failFast: true, backoff: { baseMs: 20, maxMs: 100 },
  });
  await p.initPool();
  const held = await p.acquire();
  const waiting = p.acquire();
  // The dead server keeps failing (it probes in the background) while the waiter waits.
  await new Promise<void>((resolve) => p.once('connectError', () => resolve()));
  assert.equal(p.stats().waiting, 1);
  p.release(held);
  const conn = await waiting;
  p.release(conn);
  await p.releasePool();
  await up.stop();
});
