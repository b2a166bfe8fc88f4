// stop() then start(): a stopped server listens again on its port with its data, id, name
// and controls; stop() stays idempotent, start() on a running server does nothing, and a
// port taken meanwhile makes start() reject with the server still stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { createClusterMembership, startTestServer } from '../../src/testing/index.js';
import { assertNoMoreHandles, assertRefused, handleCounts, serverInfo } from './lifecycle-helpers.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { tableCreate(name: string): r.Operation<unknown> };

test('stop() then start() serves again on the same port with the same data, id and name', async () => {
  const baseline = handleCounts();
  const cluster = createClusterMembership();
  const server = await startTestServer({ cluster, name: 'phoenix' });
  const { port, id } = server;
  const conn = await r.connect({ host: '127.0.0.1', port });
  conn.on('error', () => {});
  await official.tableCreate('kept').run(conn);
  await r.table('kept').insert({ id: 1, v: 'x' }).run(conn);
  const closed = new Promise((resolve) => conn.on('close', resolve));
  await server.stop();
  await closed;
  await assertRefused(port);
  assert.deepEqual(cluster.list(), []);
  for (let cycle = 0; cycle < 2; cycle++) {
    await server.start();
    assert.equal(server.port, port);
    assert.deepEqual(await serverInfo(port), { id, name: 'phoenix' });
    assert.deepEqual(cluster.list().map((d) => [d.id, d.port]), [[id, port]]);
    const ts = await rts.connect({ host: '127.0.0.1', port });
    assert.deepEqual(await rts.table('kept').get(1).run(ts), { id: 1, v: 'x' });
    await ts.close();
    await server.stop();
    await assertRefused(port);
  }
  assert.equal(server.stats().handshakes, 5, 'counters are kept across stop() and start()');
  await assertNoMoreHandles(baseline);
});

test('stop() is idempotent until the next start(); start() on a running server does nothing', async () => {
  const server = await startTestServer();
  try {
    const conn = await r.connect({ host: '127.0.0.1', port: server.port });
    conn.on('error', () => {});
    await server.start(); // running: nothing happens, the connection lives on
    assert.equal(await r.expr('still open').run(conn), 'still open');
    const first = server.stop();
    assert.equal(server.stop(), first);
    await first;
    assert.equal(server.stop(), first);
    await server.start();
    const second = server.stop();
    assert.notEqual(second, first, 'a stop() after start() stops again');
    await second;
    await assertRefused(server.port);
  } finally {
    await server.stop();
  }
});

test('calls take effect in call order: stop, start, stop, start ends listening', async () => {
  const server = await startTestServer();
  try {
    const steps = [server.stop(), server.start(), server.stop(), server.start()];
    await Promise.all(steps);
    assert.equal((await serverInfo(server.port)).id, server.id);
    await Promise.all([server.start(), server.stop()]);
    await assertRefused(server.port);
    await assert.rejects(server.restart(), /stopped/, 'restart() on a stopped server is refused');
    await Promise.all([server.start(), server.restart()]);
    assert.equal((await serverInfo(server.port)).id, server.id);
  } finally {
    await server.stop();
  }
});

test('pause() and latency survive stop() and start()', async () => {
  const server = await startTestServer();
  try {
    server.pause();
    await server.stop();
    await server.start();
    let connected = false;
    const late = r.connect({ host: '127.0.0.1', port: server.port }).then((c) => {
      connected = true;
      return c;
    });
    // The handshake is held: the server answers nothing while paused. The connection is
    // accepted, which is all that can be waited for without a sleep.
    while (server.stats().connections === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(connected, false);
    server.resume();
    const conn = await late;
    assert.equal(await r.expr(1).run(conn), 1);
    await conn.close({ noreplyWait: false });
  } finally {
    server.resume();
    await server.stop();
  }
});

test('start() rejects when the port was taken meanwhile; the server stays stopped', async () => {
  const server = await startTestServer();
  const { port } = server;
  await server.stop();
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    await assert.rejects(server.start(), { code: 'EADDRINUSE' });
    await assert.rejects(server.restart(), /stopped/);
    await server.stop();
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
  await server.start();
  try {
    assert.equal((await serverInfo(port)).id, server.id);
  } finally {
    await server.stop();
  }
});
