// restart({ downMs }): every connection and the listener close, connects are refused for the
// downtime, then the server listens again on its port with its data, id and name. The
// downtime is held by a gate the test opens (the `delay` option), never raced by a sleep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { createClusterMembership, startTestServer, type TestServer } from '../../src/testing/index.js';
import { assertNoMoreHandles, assertRefused, gate, handleCounts, serverInfo } from './lifecycle-helpers.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { tableCreate(name: string): r.Operation<unknown> };

async function withServer(fn: (server: TestServer) => Promise<void>, options = {}): Promise<void> {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

test('restart({ downMs }) refuses connections while down, then serves the same data, id and name', async () => {
  const cluster = createClusterMembership();
  await withServer(async (server) => {
    const { port, id, name } = server;
    const conn = await r.connect({ host: '127.0.0.1', port });
    conn.on('error', () => {});
    await official.tableCreate('kept').run(conn);
    await r.table('kept').insert({ id: 1, v: 'x' }).run(conn);
    const closed = new Promise((resolve) => conn.on('close', resolve));
    const down = gate();
    const restarted = server.restart({ downMs: 2_000, delay: down.delay });
    assert.equal(await down.entered, 2_000, 'delay() is called with downMs');
    await closed;
    await assertRefused(port);
    await assert.rejects(r.connect({ host: '127.0.0.1', port }), /ECONNREFUSED/);
    await assert.rejects(rts.connect({ host: '127.0.0.1', port, silent: true }), /ECONNREFUSED/);
    assert.deepEqual(cluster.list(), [], 'a server that is down is not listed');
    assert.equal(server.stats().connections, 0);
    down.open();
    await restarted;
    assert.equal(server.port, port);
    assert.deepEqual(await serverInfo(port), { id, name });
    assert.deepEqual(cluster.list().map((d) => d.id), [id]);
    const again = await rts.connect({ host: '127.0.0.1', port });
    assert.deepEqual(await rts.table('kept').get(1).run(again), { id: 1, v: 'x' });
    await again.close();
  }, { cluster });
});

test('restart({ downMs }) with its own timer listens again by itself', () =>
  withServer(async (server) => {
    await server.restart({ downMs: 20 });
    assert.deepEqual(await serverInfo(server.port), { id: server.id, name: server.name });
    await server.restart({ downMs: 0 });
    await server.restart({});
    assert.equal((await serverInfo(server.port)).id, server.id);
  }));

test('stop() during the downtime ends it at once: the server stays stopped and restart() rejects', async () => {
  const baseline = handleCounts();
  const server = await startTestServer();
  const down = gate();
  const held = server.restart({ delay: down.delay });
  await down.entered;
  // Its own timer too: a downtime of a minute must not keep a timer (or the test) alive.
  const server2 = await startTestServer();
  const timed = server2.restart({ downMs: 60_000 });
  await Promise.all([server.stop(), server2.stop()]);
  await assert.rejects(held, /stays stopped/);
  await assert.rejects(timed, /stays stopped/);
  await assertRefused(server.port);
  await assertRefused(server2.port);
  down.open(); // a gate opened late changes nothing
  await new Promise((resolve) => setImmediate(resolve));
  await assertRefused(server.port);
  await assert.rejects(server.restart(), /stopped/);
  await assertNoMoreHandles(baseline);
});

test('stop() while restart() is still closing skips the downtime altogether', async () => {
  const baseline = handleCounts();
  const server = await startTestServer();
  const timed = server.restart({ downMs: 60_000 });
  // A few microtask turns: the restart step has begun closing the listener, not yet its gap.
  for (let i = 0; i < 3; i++) await Promise.resolve();
  await server.stop();
  await assert.rejects(timed, /stays stopped/);
  await assertRefused(server.port);
  await assertNoMoreHandles(baseline);
});

test('restarts run one after the other; a delay that rejects still ends the downtime', () =>
  withServer(async (server) => {
    const first = gate();
    const one = server.restart({ delay: first.delay });
    const two = server.restart({ delay: () => Promise.reject(new Error('gate broke')) });
    await first.entered;
    first.open();
    await Promise.all([one, two]);
    assert.equal((await serverInfo(server.port)).id, server.id);
  }));

test('restart() with bad options is a TypeError naming the option; the server keeps serving', () =>
  withServer(async (server) => {
    const cases: Array<[unknown, RegExp]> = [
      [{ downMs: -1 }, /downMs/], [{ downMs: Number.NaN }, /downMs/], [{ downMs: Infinity }, /downMs/],
      [{ downMs: '5' }, /downMs/], [{ delay: 5 }, /delay/], [{ gapMs: 5 }, /gapMs/], [null, /options/], [[], /options/],
    ];
    for (const [options, pattern] of cases) {
      await assert.rejects(server.restart(options as never), (err: unknown) => err instanceof TypeError && pattern.test(err.message));
    }
    assert.equal((await serverInfo(server.port)).id, server.id);
  }));
