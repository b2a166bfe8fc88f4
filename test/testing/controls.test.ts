// The test server's controls: drop, pause/resume, latency, restart, stop, stats, options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { createClusterMembership, startTestServer, Store, type TestServer } from '../../src/testing/index.js';
import { RawClient, openSocket } from './raw-client.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { tableCreate(name: string): r.Operation<unknown> };

/** Resolves on `close`; unlike events.once it does not reject if `error` comes first (a reset). */
function closeEvent(emitter: { on(event: string, fn: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => emitter.on('close', () => resolve()));
}

/** Polls a condition that settles through the event loop (server-side socket closes). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await delay(5);
  assert.ok(check(), what);
}

async function withServer(fn: (server: TestServer) => Promise<void>, options = {}): Promise<void> {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

test('dropConnections closes the drivers\' connections; new ones still open', () =>
  withServer(async (server) => {
    const official = await r.connect({ host: '127.0.0.1', port: server.port });
    official.on('error', () => {});
    const ts = await rts.connect({ host: '127.0.0.1', port: server.port });
    const closed = [closeEvent(official), closeEvent(ts)];
    server.dropConnections();
    await Promise.all(closed);
    assert.equal(official.open, false);
    assert.equal(ts.open, false);
    await eventually(() => server.stats().connections === 0, 'server-side sockets closed');
    const again = await r.connect({ host: '127.0.0.1', port: server.port });
    assert.equal(await r.expr(1).run(again), 1);
    await again.close();
  }));

test('pause holds answers and handshakes; resume delivers them in order', () =>
  withServer(async (server) => {
    const conn = await r.connect({ host: '127.0.0.1', port: server.port });
    const raw = await RawClient.connect(server.port);
    server.pause();
    let answered = false;
    const answer = r.expr(5).run(conn).then((v) => {
      answered = true;
      return v;
    });
    let connected = false;
    const late = r.connect({ host: '127.0.0.1', port: server.port }).then((c) => {
      connected = true;
      return c;
    });
    const rawAnswers = [1, 2, 3].map((t) => raw.response(t));
    for (const t of [1, 2, 3]) raw.send(t, `[1,${t}]`);
    await delay(100);
    assert.equal(answered, false);
    assert.equal(connected, false);
    assert.equal(raw.arrivals.length, 0);
    server.resume();
    assert.equal(await answer, 5);
    const lateConn = await late;
    assert.equal(await r.expr(6).run(lateConn), 6);
    await Promise.all(rawAnswers);
    assert.deepEqual(raw.arrivals.map((a) => a.token), [1, 2, 3]);
    raw.close();
    await conn.close();
    await lateConn.close();
  }));

test('setLatency delays every answer and keeps their order; 0 turns it off', () =>
  withServer(async (server) => {
    const conn = await r.connect({ host: '127.0.0.1', port: server.port });
    const raw = await RawClient.connect(server.port);
    server.setLatency(100);
    const started = performance.now();
    assert.equal(await r.expr(1).run(conn), 1);
    assert.ok(performance.now() - started >= 95, 'the answer came after the latency');
    const answers = [1, 2, 3, 4].map((t) => raw.response(t));
    for (const t of [1, 2, 3, 4]) raw.send(t, `[1,${t}]`);
    server.setLatency(0);
    await Promise.all(answers);
    assert.deepEqual(raw.arrivals.map((a) => a.token), [1, 2, 3, 4]);
    assert.equal(await r.expr(2).run(conn), 2);
    assert.throws(() => server.setLatency(-1), TypeError);
    raw.close();
    await conn.close();
  }));

test('restart keeps the port, the id and the data; connections are closed', async () => {
  const cluster = createClusterMembership();
  await withServer(async (server) => {
    const port = server.port;
    const before = cluster.list()[0];
    const conn = await r.connect({ host: '127.0.0.1', port });
    conn.on('error', () => {});
    const closed = closeEvent(conn);
    try {
      await official.tableCreate('kept').run(conn);
      await r.table('kept').insert({ id: 1, v: 'x' }).run(conn);
    } finally {
      await server.restart();
      await closed;
    }
    assert.equal(server.port, port);
    const after = cluster.list();
    assert.equal(after.length, 1);
    assert.equal(after[0]?.id, server.id);
    assert.notEqual(after[0], before);
    assert.ok((after[0]?.timeStarted ?? 0) >= (before?.timeStarted ?? Infinity));
    const again = await r.connect({ host: '127.0.0.1', port });
    assert.deepEqual(await r.table('kept').get<object>(1 as unknown as string).run(again), { id: 1, v: 'x' });
    await again.close();
  }, { cluster });
});

test('stop closes everything, is idempotent, and leaves no handle behind', async () => {
  const count = () => {
    const info = process.getActiveResourcesInfo();
    return ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'].map((k) => info.filter((x) => x === k).length);
  };
  const baseline = count();
  const server = await startTestServer();
  const conn = await r.connect({ host: '127.0.0.1', port: server.port });
  conn.on('error', () => {});
  const raw = await openSocket(server.port);
  raw.on('error', () => {});
  server.setLatency(50);
  const pending = r.expr(1).run(conn).catch((e: unknown) => e);
  const closed = [closeEvent(conn), closeEvent(raw)];
  await Promise.all([server.stop(), server.stop()]);
  await server.stop();
  await Promise.all(closed);
  assert.ok((await pending) instanceof Error);
  assert.equal(server.stats().connections, 0);
  await assert.rejects(openSocket(server.port), { code: 'ECONNREFUSED' });
  await assert.rejects(server.restart(), /stopped/);
  await delay(1);
  // Leftovers of earlier tests may still be closing, so this is "nothing more than before".
  for (const [i, n] of count().entries()) assert.ok(n <= (baseline[i] ?? 0), `resource ${i}: ${n} > ${baseline[i]}`);
});

test('stats counts open connections, completed handshakes and served queries', () =>
  withServer(async (server) => {
    assert.deepEqual(server.stats(), { connections: 0, handshakes: 0, queries: 0, ignoredHandshakes: 0, ignoredQueries: 0, feeds: 0 });
    const a = await r.connect({ host: '127.0.0.1', port: server.port });
    const b = await rts.connect({ host: '127.0.0.1', port: server.port });
    await r.expr(1).run(a);
    await r.expr(2).run(a);
    await rts.expr(3).run(b);
    assert.deepEqual(server.stats(), { connections: 2, handshakes: 2, queries: 3, ignoredHandshakes: 0, ignoredQueries: 0, feeds: 0 });
    await a.close({ noreplyWait: false });
    await b.close();
    await eventually(() => server.stats().connections === 0, 'connections back to 0');
    assert.equal(server.stats().handshakes, 2);
  }));

test('bad options are TypeErrors naming the option', async () => {
  const cases: Array<[object, RegExp]> = [
    [{ port: -1 }, /port/], [{ port: 1.5 }, /port/], [{ port: '1' }, /port/],
    [{ host: '' }, /host/], [{ users: { a: 1 } }, /users/], [{ users: [] }, /users/],
    [{ tls: { key: 'k' } }, /tls/], [{ name: 'has space' }, /name/], [{ store: {} }, /store/],
    [{ cluster: {} }, /cluster/], [{ colour: 'red' }, /colour/],
  ];
  for (const [options, pattern] of cases) {
    await assert.rejects(startTestServer(options as never), (err: unknown) => err instanceof TypeError && pattern.test(err.message));
  }
});

test('servers sharing a store and a membership list each other', async () => {
  const store = new Store();
  const cluster = createClusterMembership();
  const one = await startTestServer({ store, cluster, name: 'one' });
  const two = await startTestServer({ store, cluster, name: 'two' });
  try {
    assert.deepEqual(cluster.list().map((d) => [d.name, d.port]), [['one', one.port], ['two', two.port]]);
    await two.stop();
    assert.deepEqual(cluster.list().map((d) => d.name), ['one']);
  } finally {
    await one.stop();
    await two.stop();
  }
});

test('tls: the same protocol inside TLS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'repool-tls-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'),
        '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available to make a certificate');
      return;
    }
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    await withServer(async (server) => {
      const conn = await r.connect({ host: '127.0.0.1', port: server.port, ssl: { rejectUnauthorized: false } } as r.ConnectionOptions);
      assert.equal(await r.expr('secure').run(conn), 'secure');
      await conn.close();
    }, { tls });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
