// The fault proxy while its target is down: like HAProxy, Docker's port mapping or a
// Kubernetes Service, it accepts the connection and closes it at once. The official driver's
// connect hangs on that until its own timeout (the failure a pool must put a deadline on);
// rethinkdb-ts fails at once. Proved with bare sockets and with the real drivers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';
import { Client, event, settle, within } from './fault-proxy-helpers.js';
import { gate } from './lifecycle-helpers.js';

/** A client that connects through the proxy and records how it was closed. */
async function probe(port: number): Promise<{ connected: boolean; ended: boolean; error: string | undefined; bytes: number }> {
  const c = new Client(port);
  let connected = false;
  let ended = false;
  c.socket.once('connect', () => (connected = true));
  c.socket.once('end', () => (ended = true));
  await c.closeEvent();
  return { connected, ended, error: c.error?.code, bytes: c.text().length };
}

describe('fault proxy in front of a target that is down', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  const through = () => ({ host: '127.0.0.1', port: proxy.port });

  before(async () => {
    server = await startTestServer();
    proxy = await startFaultProxy({ target: server });
  });
  after(async () => {
    await proxy.stop();
    await server.stop();
  });

  it('accepts, then closes cleanly without a byte, and counts it', async () => {
    await server.stop();
    try {
      const before = proxy.stats();
      assert.deepEqual(await probe(proxy.port), { connected: true, ended: true, error: undefined, bytes: 0 });
      const after = proxy.stats();
      assert.equal(after.accepted, before.accepted + 1);
      assert.equal(after.targetDown, before.targetDown + 1);
      assert.equal(after.refused, before.refused);
    } finally {
      await server.start();
    }
    const c = await r.connect(through());
    c.on('error', () => {});
    assert.equal(await r.expr('back').run(c), 'back', 'the target is back: the proxy forwards again');
    await c.close({ noreplyWait: false });
  });

  it("the official driver's connect hangs until its own timeout; rethinkdb-ts fails at once", async () => {
    await server.stop();
    try {
      const before = proxy.stats().targetDown;
      let settled = false;
      // Its own timeout, in seconds: the only thing that ends this connect.
      const official = r.connect({ ...through(), timeout: 2 }).then(
        (conn) => ({ conn, err: undefined }),
        (err: unknown) => ({ conn: undefined, err }),
      );
      void official.then(() => (settled = true));
      // Accepted after the driver's connection, closed after it too: once this probe has seen
      // its close, the driver has had its own close delivered.
      assert.equal((await probe(proxy.port)).ended, true);
      assert.equal(proxy.stats().targetDown, before + 2, 'both connections were accepted, then closed');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, 'the official driver neither resolved nor rejected on the close');
      await assert.rejects(rts.connect({ ...through(), silent: true }), /closed/);
      const { conn, err } = await within(official, 'the driver timeout', 10_000);
      assert.equal(conn, undefined);
      assert.ok(err instanceof Error && err.name === 'ReqlTimeoutError', `got ${String(err)}`);
    } finally {
      await server.start();
    }
  });

  it('restart({ downMs }) behind the proxy: closed while down, forwarded when back', async () => {
    const down = gate();
    const restarted = server.restart({ downMs: 2_000, delay: down.delay });
    await down.entered;
    const before = proxy.stats().targetDown;
    assert.equal((await probe(proxy.port)).ended, true);
    assert.equal(proxy.stats().targetDown, before + 1);
    down.open();
    await restarted;
    const ts = await rts.connect(through());
    assert.equal(await rts.expr('up').run(ts), 'up');
    await ts.close();
  });
});

describe('fault proxy target-down variants', () => {
  /** A port with nothing listening: taken from the OS, then released. */
  async function deadPort(): Promise<number> {
    const free = net.createServer().listen(0, '127.0.0.1');
    await event(free, 'listening');
    const { port } = free.address() as net.AddressInfo;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    return port;
  }

  it("whenTargetDown: 'reset' resets instead of closing", async () => {
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: await deadPort() }, whenTargetDown: 'reset' });
    try {
      const seen = await probe(proxy.port);
      assert.equal(seen.error, 'ECONNRESET');
      assert.equal(proxy.stats().targetDown, 1);
    } finally {
      await proxy.stop();
    }
  });

  it('a blackhole hides the close until it is turned off', async () => {
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: await deadPort() } });
    try {
      proxy.blackhole(true);
      const c = new Client(proxy.port);
      await event(c.socket, 'connect');
      await settle();
      assert.equal(c.closed, false, 'held open while blackholed');
      assert.equal(proxy.stats().targetDown, 0);
      proxy.blackhole(false);
      await c.closeEvent();
      assert.equal(c.error, undefined);
      assert.equal(proxy.stats().targetDown, 1);
    } finally {
      await proxy.stop();
    }
  });

  it('rejects a bad whenTargetDown or an unknown option', async () => {
    const target = { host: '127.0.0.1', port: 1 };
    await assert.rejects(startFaultProxy({ target, whenTargetDown: 'drop' as never }), /whenTargetDown/);
    await assert.rejects(startFaultProxy({ target, latency: 5 } as never), /latency/);
  });
});
