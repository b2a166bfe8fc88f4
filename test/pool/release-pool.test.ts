// releasePool(): waiters rejected, leases awaited up to a deadline, nothing left behind.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { TestServer } from '../../src/testing/index.js';
import { PoolClosedError } from '../../src/index.js';
import { makePool, sleep, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('rejects waiters with PoolClosedError and later acquire() calls too', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const waiting = pool.acquire();
  const closing = pool.releasePool();
  const err = await waiting.then(() => assert.fail('resolved'), (e: unknown) => e);
  assert.ok(err instanceof PoolClosedError);
  assert.equal(err.code, 'REPOOL_CLOSED');
  await assert.rejects(pool.acquire(), PoolClosedError);
  await assert.rejects(pool.run({ run: async () => 1 } as never), PoolClosedError);
  pool.release(held);
  await closing;
  assert.equal(pool.closed, true);
  await assert.rejects(pool.initPool(), PoolClosedError);
});

it('waits for leases to come back, then closes everything', async () => {
  const pool = makePool(server, { poolSize: 2 });
  await pool.initPool();
  const held = await pool.acquire();
  let done = false;
  const closing = pool.releasePool().then(() => {
    done = true;
  });
  await sleep(30);
  assert.equal(done, false, 'still waiting for the lease');
  assert.equal(pool.stats().idle, 0, 'idle connections are closed at once');
  assert.equal(held.open, true);
  pool.release(held);
  await closing;
  assert.equal(held.open, false);
  assert.equal(pool.stats().size, 0);
  assert.equal(pool.stats().closing, 0);
});

it('at the deadline, leases still out are closed', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const reasons: string[] = [];
  pool.on('close', (e) => reasons.push(e.reason));
  await pool.releasePool({ timeoutMs: 20 });
  assert.equal(held.open, false);
  assert.deepEqual(reasons, ['shutdown']);
  assert.equal(pool.stats().size, 0);
});

it('a program whose pool is released exits by itself', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/pool/fixtures/exit-child.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  assert.equal(signal, null, `the child did not exit by itself:\n${out}`);
  assert.equal(code, 0, out);
  assert.match(out, /released/);
});
