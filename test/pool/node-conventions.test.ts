// What Node users expect of a resource: node:events' once() and on() work on the pool,
// `await using pool` releases it, onConnect sets a connection up before it takes work (a
// throw is a connect error), and allowExitOnIdle lets a forgotten pool's process exit.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { on, once, type EventEmitter } from 'node:events';
import type { TestServer } from '../../src/testing/index.js';
import { PoolConnectError } from '../../src/index.js';
import { makePool, r, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('events.once() and events.on() from node:events work on the pool', async () => {
  const pool = makePool(server, { poolSize: 1 });
  // (The pool is not an EventEmitter to TypeScript; at run time the helpers need only on/off.)
  const opened = once(pool as unknown as EventEmitter, 'open');
  await pool.initPool();
  const [event] = await opened;
  assert.equal((event as { id: number }).id, 1);
  const ac = new AbortController();
  const acquired = (async () => {
    for await (const [e] of on(pool as unknown as EventEmitter, 'acquire', { signal: ac.signal })) return e as { id: number };
    return undefined;
  })();
  pool.release(await pool.acquire());
  assert.equal((await acquired)?.id, 1);
  ac.abort();
  assert.equal(pool.listenerCount('error'), 0, 'the helpers removed their error listeners');
  await pool.releasePool();
});

it('await using releases the pool at the end of the block', async () => {
  let outside: ReturnType<typeof makePool> | undefined;
  {
    await using pool = makePool(server, { poolSize: 1 });
    assert.equal(await pool.run(r.expr(1)), 1);
    outside = pool;
  }
  assert.equal(outside?.closed, true);
  assert.equal(outside?.stats().size, 0);
});

it('onConnect runs on every new connection before it takes work; a throw is a connect error', async () => {
  const seen: unknown[] = [];
  const pool = makePool(server, { poolSize: 2, onConnect: async (conn) => void seen.push(conn) });
  await pool.initPool();
  assert.equal(seen.length, 2);
  await pool.releasePool();
  const failing = makePool(server, { poolSize: 1, onConnect: () => { throw new Error('setup failed'); }, backoff: { baseMs: 60_000, maxMs: 60_000 } });
  const err = await failing.initPool().then(() => assert.fail('opened'), (e: unknown) => e);
  assert.ok(err instanceof PoolConnectError, String(err));
  assert.match(err.message, /setup failed/);
  await failing.releasePool();
});

it('allowExitOnIdle: a program that never calls releasePool() still exits once the pool is idle', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/pool/fixtures/exit-on-idle.ts', server.host, String(server.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000); // a hang guard
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  assert.equal(signal, null, `the idle pool kept the process alive:\n${out}`);
  assert.equal(code, 0, out);
  assert.match(out, /queried 42, pool left open/);
});
