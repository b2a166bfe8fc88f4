// Per-call options of run() and cursor(): the pool's keys (timeoutMs, signal, retry) are
// consumed, the rest go to the driver unchanged; a deadline or an abort sends STOP for the
// query and rejects; a misspelled key of the pool's is a TypeError, as for every method.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolQueryTimeoutError } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { connectOptions, makePool, r, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  const ts = driver === 'rethinkdb-ts';
  const make = () => ts
    ? new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1 })
    : makePool(server, { poolSize: 1 });
  const one = () => (ts ? rts.expr(1) : r.expr(1)) as never;

  it(`${driver}: timeoutMs rejects with PoolQueryTimeoutError and sends STOP for the query`, async () => {
    const pool = make();
    await pool.initPool();
    const before = server.stats().queries;
    server.setLatency(100);
    try {
      const err = await pool.run(one(), { timeoutMs: 20 }).then(() => 'resolved', (e: unknown) => e);
      assert.ok(err instanceof PoolQueryTimeoutError, String(err));
      assert.equal(err.timeoutMs, 20);
      // The START and the STOP both reach the server.
      await waitFor(() => server.stats().queries >= before + 2, 5_000, 'the STOP frame');
    } finally {
      server.setLatency(0);
    }
    assert.equal(await pool.run(one(), { timeoutMs: 5_000 }), 1, 'the connection serves on');
    await pool.releasePool();
  });

  it(`${driver}: an abort signal rejects with its reason and sends STOP`, async () => {
    const pool = make();
    await pool.initPool();
    const before = server.stats().queries;
    server.setLatency(100);
    try {
      const controller = new AbortController();
      const running = pool.run(one(), { signal: controller.signal }).then(() => 'resolved', (e: unknown) => e);
      controller.abort(new Error('caller gave up'));
      assert.equal(String(await running), 'Error: caller gave up');
      await waitFor(() => server.stats().queries >= before + 2, 5_000, 'the STOP frame');
    } finally {
      server.setLatency(0);
    }
    const already = AbortSignal.abort(new Error('too late'));
    await assert.rejects(pool.run(one(), { signal: already }), /too late/);
    await pool.releasePool();
  });
}

it('the driver gets every key that is not the pool\'s', async () => {
  const pool = makePool(server, { poolSize: 1 });
  const profiled = await pool.run(r.expr(5), { profile: true, timeoutMs: 5_000 }) as unknown as { profile: unknown; value: number };
  assert.equal(profiled.value, 5);
  assert.ok(profiled.profile !== undefined);
  await pool.releasePool();
});

it('a misspelled per-call key is a TypeError, and every async method rejects rather than throws', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await assert.rejects(pool.run(r.expr(1), { timeuotMs: 5 } as never), /unknown run\(\) option timeuotMs; did you mean timeoutMs\?/);
  await assert.rejects(pool.run(r.expr(1), { retyr: true } as never), /did you mean retry\?/);
  await assert.rejects(pool.acquire({ timeuotMs: 5 } as never), /unknown acquire\(\) option timeuotMs; did you mean timeoutMs\?/);
  await assert.rejects(pool.releasePool({ timeout: 100 } as never), /unknown releasePool\(\) option timeout; did you mean timeoutMs\?/);
  const conn = await pool.acquire();
  assert.throws(() => pool.release(conn, { discrad: true } as never), /unknown release\(\) option discrad; did you mean discard\?/);
  pool.release(conn);
  await assert.rejects(pool.run({} as never), /run\(\): expected a query, such as r\.table/);
  await assert.rejects(pool.run(undefined as never), /expected a query/);
  await assert.rejects(pool.cursor(42 as never), /cursor\(\): expected a query/);
  await assert.rejects(pool.withConnection(undefined as never), /fn must be a function/);
  const returned = pool.acquire({ timeoutMs: -1 });
  assert.ok(returned instanceof Promise);
  await assert.rejects(returned, TypeError);
  await pool.releasePool();
});

it('cursor() and changes() refuse retry with a TypeError that says why (never silently ignored)', async () => {
  const pool = makePool(server, { poolSize: 1 });
  const table = r.table('retry_refused') as unknown as Parameters<typeof pool.cursor>[0];
  await assert.rejects(pool.cursor(table, { retry: true }), (e: unknown) => e instanceof TypeError && /cursor\(\): retry is for run\(\) only/.test(e.message));
  const feed = r.table('retry_refused').changes() as unknown as Parameters<typeof pool.changes>[0];
  assert.throws(() => pool.changes(feed, { retry: false }), (e: unknown) => e instanceof TypeError && /a feed resumes by itself/.test(e.message));
  assert.equal(pool.stats().size, 0, 'nothing was opened for the refused calls');
  await pool.releasePool();
});

it('run() with its own timeoutMs longer than acquireTimeoutMs waits that long for a connection', async () => {
  const clock = createFakeClock();
  const pool = makePool(server, { poolSize: 1, acquireTimeoutMs: 100, clock });
  const held = await pool.acquire();
  const running = pool.run(r.expr(1), { timeoutMs: 1_000 });
  await clock.advance(999); // past acquireTimeoutMs, within the call's deadline
  pool.release(held);
  assert.equal(await running, 1);
  await pool.releasePool();
});
