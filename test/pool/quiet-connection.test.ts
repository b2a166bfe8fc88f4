// A connection that goes mute while its server still answers on other connections (a
// proxy's flow that forwards nothing; here: the client stops reading that socket) is busy or
// mute, never known dead: the heartbeat fences it `quiet`. Its work goes on, new work waits
// for (or goes to) another connection, and it takes work again once anything arrives on it;
// if its work ends and it still answers nothing, it is closed as broken. One that carries
// only feeds is mute for sure (a feed holds no ping back): it closes, and its feed resumes.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { TestServer } from '../../src/testing/index.js';
import { makePool, nextEvent, r, startServer, type Conn } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

// pingTimeoutMs well above a ping's time on a loaded machine: the heartbeat's check on a
// connection of its own must not find the server down.
const FAST = { poolSize: 1, heartbeatMs: 50, pingTimeoutMs: 1_000, acquireTimeoutMs: 60_000 };

/** The socket under the pool's only connection. */
async function onlySocket(pool: ReturnType<typeof makePool>): Promise<Socket> {
  const conn = await pool.acquire();
  const socket = (conn as Conn & { rawSocket: Socket }).rawSocket;
  pool.release(conn);
  return socket;
}

/**
 * Resolves once the heartbeat has confirmed on a connection of its own that the server
 * answers: that connection opened and closed again (the fence is set before its close
 * reaches the server).
 */
async function confirmedElsewhere(handshakesBefore: number): Promise<void> {
  while (server.stats().handshakes <= handshakesBefore || server.stats().connections > 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('a mute busy connection takes no new work until it is heard from, then takes it again', async () => {
  const pool = makePool(server, FAST);
  await pool.initPool();
  const socket = await onlySocket(pool);
  const handshakes = server.stats().handshakes;
  socket.pause(); // the server answers; the pool hears nothing on this connection
  try {
    const first = pool.run(r.expr(1));
    await confirmedElsewhere(handshakes);
    // Fenced: the next query waits instead of joining the first on the mute connection.
    const second = pool.run(r.expr(2));
    assert.equal(pool.stats().waiting, 1, JSON.stringify(pool.stats()));
    assert.equal(pool.stats().inFlight, 1);
    socket.resume(); // the answers arrive: it works after all
    assert.equal(await first, 1);
    assert.equal(await second, 2);
    assert.equal(pool.stats().created, 1, 'the same connection serves again');
  } finally {
    socket.resume();
    await pool.releasePool();
  }
});

it('a mute connection whose work ended is pinged, and closed as broken when it still answers nothing', async () => {
  const pool = makePool(server, FAST);
  await pool.initPool();
  const socket = await onlySocket(pool);
  const handshakes = server.stats().handshakes;
  const closed = nextEvent(pool, 'close');
  socket.pause();
  try {
    const controller = new AbortController();
    const first = pool.run(r.expr(1), { signal: controller.signal }).then(() => 'answered', (e: unknown) => e);
    await confirmedElsewhere(handshakes);
    const next = pool.run(r.expr(3));
    assert.equal(pool.stats().waiting, 1, 'the fenced connection takes no new work');
    // The first query's caller gives up: the work on the mute connection ends, it is pinged.
    controller.abort(new Error('gave up'));
    assert.equal(((await first) as Error).message, 'gave up');
    assert.equal((await closed).reason, 'broken');
    assert.equal(await next, 3, 'served on a new connection');
  } finally {
    socket.resume();
    await pool.releasePool();
  }
});

it('a mute connection that carries only feeds is closed at once, and its feed resumes on another', async () => {
  const pool = makePool(server, FAST);
  await pool.initPool();
  await pool.run(r.db('test').tableCreate('quiet_feed'));
  const socket = await onlySocket(pool);
  const feed = pool.changes<{ new_val: { id: number } }>(r.db('test').table('quiet_feed').changes() as never);
  try {
    await feed.ready;
    const closed = nextEvent(pool, 'close');
    const resumed = nextEvent(pool, 'feedResumed');
    const next = feed.next(); // a reader waits (a feed resumes as it is read)
    socket.pause(); // nothing changes, so the feed's connection is silent; its pings go unanswered
    assert.equal((await closed).reason, 'broken');
    await resumed;
    await pool.run(r.db('test').table('quiet_feed').insert({ id: 1 }));
    assert.deepEqual((await next).value?.new_val, { id: 1 });
  } finally {
    socket.resume();
    await feed.close();
    await pool.releasePool();
  }
});
