// The fault proxy against a plain TCP echo server (real sockets on 127.0.0.1), one test per
// control, and stop(). Latency is observed through the order in which events arrive, never by
// timing. fault-proxy-drivers.test.ts runs the real drivers through it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startFaultProxy, type FaultProxy } from '../../src/testing/fault-proxy.js';
import { Client, closeOf, event, settle, startEcho, within, type Echo } from './fault-proxy-helpers.js';

describe('fault proxy over a TCP echo server', () => {
  let echo: Echo;
  let proxy: FaultProxy;
  const clients: Client[] = [];
  const connect = async (): Promise<Client> => {
    const c = new Client(proxy.port);
    clients.push(c);
    await event(c.socket, 'connect');
    return c;
  };

  before(async () => {
    echo = await startEcho();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: echo.port } });
  });
  after(async () => {
    for (const c of clients) c.socket.destroy();
    await proxy.stop();
    await echo.close();
  });

  it('rejects bad options with a TypeError naming the option', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /options must be/],
      [{}, /options\.target must be/],
      [{ target: { port: 1 } }, /options\.target\.host/],
      [{ target: { host: 'h', port: 0 } }, /options\.target\.port/],
      [{ target: { host: 'h', port: 1 }, port: -1 }, /options\.port/],
      [{ target: { host: 'h', port: 1 }, host: '' }, /options\.host/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(startFaultProxy(options as never), (e: unknown) => {
        return e instanceof TypeError && message.test(e.message);
      });
    }
    assert.throws(() => proxy.setLatency(-1), TypeError);
    assert.throws(() => proxy.blackhole('yes' as never), TypeError);
    assert.throws(() => proxy.refuse(1 as never), TypeError);
  });

  it('forwards both ways and counts connections and bytes', async () => {
    const before = proxy.stats();
    const c = await connect();
    c.socket.write('hello');
    assert.equal(await c.received(5), 'hello');
    const s = proxy.stats();
    assert.equal(s.accepted, before.accepted + 1);
    assert.equal(s.connections, before.connections + 1);
    assert.equal(s.bytesUp, before.bytesUp + 5);
    assert.equal(s.bytesDown, before.bytesDown + 5);
    // A client's clean close ends the target side; the count drops before that reaches it.
    const serverSide = echo.accepted.at(-1)!;
    c.socket.end();
    await closeOf(serverSide);
    assert.equal(proxy.stats().connections, before.connections);
  });

  it('delays each chunk by the latency set when it arrived, keeping order', async () => {
    const slow = await connect();
    const fast = await connect();
    proxy.setLatency(300);
    slow.socket.write('a');
    await settle(); // the proxy has read 'a' and holds it
    proxy.setLatency(0);
    fast.socket.write('x');
    slow.socket.write('b'); // due at once, but must not overtake 'a'
    assert.equal(await fast.received(1), 'x');
    assert.equal(slow.text(), '', 'the slow echo is still held when the fast one arrives');
    assert.equal(await slow.received(2), 'ab');
  });

  it('delivers each chunk whole under latency (a handshake message is never cut)', async () => {
    const c = await connect();
    proxy.setLatency(20);
    try {
      // Request/response like a handshake: each reply is one chunk and must arrive as one.
      let total = 0;
      for (const size of [1, 200, 4000]) {
        const start = c.chunks.length;
        total += size;
        c.socket.write('m'.repeat(size));
        await c.received(total);
        assert.deepEqual(c.chunks.slice(start).map((b) => b.length), [size]);
      }
    } finally {
      proxy.setLatency(0);
    }
  });

  it('resetAll resets every connection on both sides', async () => {
    const a = await connect();
    const b = await connect();
    a.socket.write('1');
    b.socket.write('2');
    await a.received(1);
    await b.received(1);
    const serverSides = echo.accepted.slice(-2);
    proxy.resetAll();
    await Promise.all([a.closeEvent(), b.closeEvent(), ...serverSides.map(closeOf)]);
    for (const c of [a, b]) {
      // An RST surfaces as ECONNRESET; the close alone is also what a reset looks like.
      if (c.error !== undefined) assert.equal(c.error.code, 'ECONNRESET');
    }
    assert.equal(proxy.stats().connections, 0);
  });

  for (const how of ['hold', 'drop'] as const) {
    it(`blackhole (${how}): holds connections, forwards and delivers nothing meanwhile, then ${how === 'hold' ? 'delivers what arrived, in order' : 'has dropped it'}`, async () => {
      const a = await connect();
      a.socket.write('before');
      await a.received(6);
      const up = proxy.stats().bytesUp;
      const acceptedBefore = proxy.stats().accepted;
      proxy.blackhole(true, how);
      const b = await connect(); // a new connection is accepted and held
      try {
        a.socket.write('-held');
        b.socket.write('held too');
        await settle();
        assert.equal(a.text(), 'before');
        assert.equal(b.text(), '');
        assert.equal(a.closed || b.closed, false);
        assert.equal(proxy.stats().bytesUp, up);
        assert.equal(proxy.stats().accepted, acceptedBefore + 1);
      } finally {
        proxy.blackhole(false);
      }
      a.socket.write('+after');
      b.socket.write('+again');
      if (how === 'hold') {
        // As TCP across a partition that heals: late, but whole and in order.
        assert.equal(await a.received(17), 'before-held+after');
        assert.equal(await b.received(14), 'held too+again');
      } else {
        assert.equal(await a.received(12), 'before+after');
        assert.equal(await b.received(6), '+again');
      }
    });
  }

  it('blackhole hides a target close until it is turned off', async () => {
    const c = await connect();
    c.socket.write('x');
    await c.received(1);
    proxy.blackhole(true);
    try {
      echo.accepted.at(-1)!.destroy();
      await settle();
      assert.equal(c.closed, false);
    } finally {
      proxy.blackhole(false);
    }
    await c.closeEvent();
  });

  it('refuse closes new connections at once and leaves open ones alone', async () => {
    const open = await connect();
    const refusedBefore = proxy.stats().refused;
    proxy.refuse(true);
    try {
      const c = new Client(proxy.port);
      clients.push(c);
      await c.closeEvent();
      assert.equal(c.text(), '');
      assert.equal(proxy.stats().refused, refusedBefore + 1);
      open.socket.write('still');
      assert.equal(await open.received(5), 'still');
    } finally {
      proxy.refuse(false);
    }
    const c = await connect();
    c.socket.write('ok');
    assert.equal(await c.received(2), 'ok');
  });

  it('closes the client when the target closes, resets or refuses', async () => {
    const ended = await connect();
    const reset = await connect();
    ended.socket.write('e');
    reset.socket.write('r');
    await ended.received(1);
    await reset.received(1);
    const [endedServer, resetServer] = echo.accepted.slice(-2);
    endedServer!.end();
    await ended.closeEvent();
    assert.equal(ended.error, undefined, 'a clean close stays clean');
    resetServer!.resetAndDestroy();
    await reset.closeEvent();

    // A target with nothing listening: take a free port, then release it.
    const free = net.createServer().listen(0, '127.0.0.1');
    await event(free, 'listening');
    const port = (free.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const dead = await startFaultProxy({ target: { host: '127.0.0.1', port } });
    try {
      const c = new Client(dead.port);
      clients.push(c);
      await c.closeEvent();
      assert.equal(c.text(), '');
    } finally {
      await dead.stop();
    }
  });
});

/** Code for a child process: a proxy with a live connection and a held chunk, then stop(). */
const stopScript = `
import * as net from 'node:net';
import { startFaultProxy } from ${JSON.stringify(new URL('../../src/testing/fault-proxy.ts', import.meta.url).href)};
const echo = net.createServer((s) => { s.on('error', () => {}); s.on('data', (c) => s.write(c)); });
await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: echo.address().port } });
const c = net.connect(proxy.port, '127.0.0.1');
c.on('error', () => {});
c.write('x');
await new Promise((resolve) => c.once('data', resolve));
proxy.setLatency(60000);
c.write('held'); // will wait on a latency timer
await new Promise((resolve) => setTimeout(resolve, 50));
await proxy.stop();
echo.close();
// Nothing else: the process must now exit by itself.
`;

describe('fault proxy stop', () => {
  it('closes the listener and every connection, and is idempotent', async () => {
    const echo = await startEcho();
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: echo.port } });
    try {
      const c = new Client(proxy.port);
      await event(c.socket, 'connect');
      c.socket.write('x');
      await c.received(1);
      proxy.setLatency(60_000);
      c.socket.write('held'); // a chunk waiting on a latency timer
      await settle();
      const first = proxy.stop();
      assert.equal(proxy.stop(), first);
      await first;
      await c.closeEvent();
      await closeOf(echo.accepted[0]!);
      assert.equal(proxy.stats().connections, 0);
      const late = new Client(proxy.port);
      await late.closeEvent();
      assert.equal(late.error?.code, 'ECONNREFUSED');
    } finally {
      await proxy.stop();
      await echo.close();
    }
  });

  it('leaves no socket or timer behind: a process that used it exits by itself', async () => {
    // Handle counts in this process are not reliable (closed handles linger in
    // getActiveResourcesInfo), so the proof is a child process that must exit on its own.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', stopScript], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const [code] = await within(once(child, 'exit'), 'the child process to exit', 20_000);
      assert.equal(code, 0, stderr);
    } finally {
      child.kill();
    }
  });
});
