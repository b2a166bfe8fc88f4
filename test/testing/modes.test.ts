// setMode(): a silent server accepts TCP but never answers a handshake; a zombie completes
// handshakes and then answers no query (SERVER_INFO included), on open connections too;
// 'normal' answers again from then on. Through both drivers and a raw socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { settle } from './fault-proxy-helpers.js';
import { track, until } from './lifecycle-helpers.js';
import { RawClient, magic, openSocket } from './raw-client.js';
import { Version } from '../../src/testing/server/protocol.js';

type Info = { id: string };
const serverOf = (conn: r.Connection): Promise<Info> => (conn as unknown as { server(): Promise<Info> }).server();

async function withServer(fn: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer();
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

test("silent: connections are accepted, handshakes never answered; established ones keep working", () =>
  withServer(async (server) => {
    const before = await r.connect({ host: '127.0.0.1', port: server.port });
    before.on('error', () => {});
    // Accepted before the mode changed, its handshake still to come: silenced too.
    const early = await openSocket(server.port);
    early.on('error', () => {});
    server.setMode('silent');
    early.write(magic(Version.V1_0));
    assert.equal(server.mode, 'silent');
    // A raw client: accepted, sends its handshake, hears nothing.
    const raw = await openSocket(server.port);
    const heard: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => heard.push(chunk));
    raw.on('error', () => {});
    raw.write(magic(Version.V1_0));
    // Both drivers give up only through their own connect timeout (1 s here).
    const official = r.connect({ host: '127.0.0.1', port: server.port, timeout: 1 }).catch((err: unknown) => err);
    const ts = rts.connect({ host: '127.0.0.1', port: server.port, timeout: 1, silent: true }).catch((err: unknown) => err);
    await until(() => server.stats().ignoredHandshakes === 4, 'four handshakes ignored');
    assert.equal(await r.expr('established').run(before), 'established');
    const [officialErr, tsErr] = await Promise.all([official, ts]);
    assert.ok(officialErr instanceof Error && officialErr.name === 'ReqlTimeoutError', String(officialErr));
    assert.ok(tsErr instanceof Error && /Failed to connect .* in less than 1s/.test(tsErr.message), String(tsErr));
    server.setMode('normal');
    // What was dropped stays unanswered: the silenced connection never completes.
    raw.write(Buffer.from('{}\0'));
    await settle();
    assert.equal(heard.length, 0);
    const after = await RawClient.connect(server.port);
    after.close();
    assert.equal(server.stats().handshakes, 2);
    raw.destroy();
    early.destroy();
    await before.close({ noreplyWait: false });
  }));

test('zombie: handshakes complete, then no query is answered, on open and new connections', () =>
  withServer(async (server) => {
    const open = await r.connect({ host: '127.0.0.1', port: server.port });
    open.on('error', () => {});
    const openTs = await rts.connect({ host: '127.0.0.1', port: server.port });
    const served = server.stats().queries;
    server.setMode('zombie');
    const query = track(r.expr(1).run(open));
    const info = track(serverOf(open));
    const tsQuery = track(rts.expr(2).run(openTs));
    // New connections complete their handshake (both drivers), then hear nothing.
    const fresh = await r.connect({ host: '127.0.0.1', port: server.port });
    fresh.on('error', () => {});
    const freshInfo = track(serverOf(fresh));
    const freshTs = await rts.connect({ host: '127.0.0.1', port: server.port });
    const freshTsQuery = track(rts.expr(3).run(freshTs));
    await until(() => server.stats().ignoredQueries === 5, 'five queries ignored');
    await settle();
    for (const pending of [query, info, tsQuery, freshInfo, freshTsQuery]) assert.equal(pending.settled, false);
    assert.equal(server.stats().queries, served);
    assert.equal(server.stats().handshakes, 4);
    server.setMode('normal');
    // From now on queries are answered, on the same connections; the dropped ones never are.
    assert.equal(await r.expr('again').run(open), 'again');
    assert.equal((await serverOf(fresh)).id, server.id);
    assert.equal(await rts.expr('again').run(freshTs), 'again');
    await settle();
    for (const pending of [query, info, tsQuery, freshInfo, freshTsQuery]) assert.equal(pending.settled, false);
    // Closing (without waiting for a NOREPLY_WAIT answer) rejects what was left hanging.
    await Promise.all([open, fresh].map((c) => c.close({ noreplyWait: false })));
    await Promise.all([openTs, freshTs].map((c) => c.close({ noreplyWait: false })));
    for (const pending of [query, info, tsQuery, freshInfo, freshTsQuery]) assert.ok((await pending.done) instanceof Error);
  }));

test('zombie keeps its sockets open: dropConnections() and restart() still close them', () =>
  withServer(async (server) => {
    server.setMode('zombie');
    const conn = await r.connect({ host: '127.0.0.1', port: server.port });
    conn.on('error', () => {});
    const pending = track(r.expr(1).run(conn));
    await until(() => server.stats().ignoredQueries === 1, 'the query ignored');
    const closed = new Promise((resolve) => conn.on('close', resolve));
    await server.restart();
    await closed;
    assert.ok((await pending.done) instanceof Error);
    assert.equal(server.mode, 'zombie', 'the mode survives restart()');
    const after = await r.connect({ host: '127.0.0.1', port: server.port });
    after.on('error', () => {});
    const late = track(r.expr(2).run(after));
    await until(() => server.stats().ignoredQueries === 2, 'the next query ignored');
    server.dropConnections();
    assert.ok((await late.done) instanceof Error);
    server.setMode('normal');
  }));

test('setMode() refuses anything but normal, silent and zombie', () =>
  withServer(async (server) => {
    for (const bad of ['dead', '', undefined, 1, 'Normal']) {
      assert.throws(() => server.setMode(bad as never), (err: unknown) => err instanceof TypeError && /setMode/.test(err.message));
    }
    assert.equal(server.mode, 'normal');
  }));
