// The official `rethinkdb` driver and `rethinkdb-ts` through the fault proxy, in front of the
// embedded test server: the handshake must survive the proxy (with latency too), and a reset
// must close the drivers' connections without crashing the process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startFaultProxy, type FaultProxy } from '../../src/testing/fault-proxy.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { within } from './fault-proxy-helpers.js';

describe('fault proxy in front of the test server, with the real drivers', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  const target = () => ({ host: '127.0.0.1', port: proxy.port });

  before(async () => {
    server = await startTestServer({ port: 0 });
    proxy = await startFaultProxy({ target: server });
  });
  after(async () => {
    await proxy.stop();
    await server.stop();
  });

  for (const latency of [0, 20]) {
    it(`both drivers connect and query through it (latency ${latency} ms)`, async () => {
      proxy.setLatency(latency);
      try {
        // Under latency the official driver only connects if handshake chunks stay whole.
        const official = await r.connect(target());
        official.on('error', () => {});
        assert.equal(await r.expr(1).run(official), 1);
        await official.close({ noreplyWait: false });
        const ts = await rts.connect(target());
        assert.equal(await rts.expr(1).run(ts), 1);
        await ts.close();
      } finally {
        proxy.setLatency(0);
      }
    });
  }

  it('resetAll closes the drivers\' connections; new ones work', async () => {
    const official = await r.connect(target());
    const errors: Error[] = [];
    // The official driver re-emits the socket's ECONNRESET: without a listener Node would crash.
    official.on('error', (e: Error) => errors.push(e));
    const ts = await rts.connect(target());
    const closed = [
      within(new Promise((resolve) => official.on('close', resolve)), 'official close'),
      within(new Promise((resolve) => ts.on('close', resolve)), 'rethinkdb-ts close'),
    ];
    proxy.resetAll();
    await Promise.all(closed);
    assert.equal(official.open, false);
    assert.equal(ts.open, false);
    for (const e of errors) assert.match(e.message, /ECONNRESET/);
    const again = await r.connect(target());
    again.on('error', () => {});
    assert.equal(await r.expr(2).run(again), 2);
    await again.close({ noreplyWait: false });
  });
});
