// Behind a TCP proxy (a load balancer, Docker, a Kubernetes Service), a server restart with a
// down gap looks like "accept, then close": the official driver's connect() then hangs until
// its own timeout (20 s). The pool's connectTimeoutMs ends each such attempt, so the pool
// serves again within downMs + backoff.maxMs (+ one connect) of the server's return. Time is
// the fake clock's: the gap ends when the test says, and the test measures in clock time.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool } from '../../src/index.js';
import { createFakeClock, startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';

let server: TestServer;
let proxy: FaultProxy;
before(async () => {
  server = await startTestServer({ port: 0 });
  proxy = await startFaultProxy({ target: server });
});
after(async () => {
  await proxy.stop();
  await server.stop();
});

const DOWN_MS = 2_000;
const OPTIONS = { poolSize: 2, connectTimeoutMs: 500, backoff: { baseMs: 100, maxMs: 1_000 }, acquireTimeoutMs: 60_000 };

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  it(`${driver}: after a restart with a ${DOWN_MS} ms gap behind the proxy, serving again within downMs + backoff.maxMs`, async () => {
    const clock = createFakeClock(Date.now());
    const ts = driver === 'rethinkdb-ts';
    const pool = ts
      ? new AsyncConnectionPool({ host: proxy.host, port: proxy.port, silent: true }, { ...OPTIONS, clock, driver: rts })
      : new AsyncConnectionPool({ host: proxy.host, port: proxy.port }, { ...OPTIONS, clock });
    await pool.initPool();
    let up!: () => void;
    const closed = new Promise<void>((resolve) => {
      let n = 0;
      pool.on('close', () => ++n === OPTIONS.poolSize && resolve());
    });
    const restart = server.restart({ delay: () => new Promise<void>((resolve) => (up = resolve)) });
    await closed;
    const serving = pool.run((ts ? rts.expr('back') : r.expr('back')) as never);
    // The gap: every attempt meets "accept, then close"; each ends at connectTimeoutMs.
    for (let t = 0; t < DOWN_MS; t += 100) await clock.advance(100);
    assert.ok(proxy.stats().targetDown > 0, 'the proxy accepted and closed while the server was down');
    assert.ok(pool.stats().connectErrors > 0);
    up();
    await restart;
    const back = clock.now();
    let served: unknown;
    void serving.then((v) => (served = v));
    const bound = OPTIONS.backoff.maxMs + OPTIONS.connectTimeoutMs;
    while (served === undefined && clock.now() - back <= bound) await clock.advance(50);
    assert.equal(served, 'back', `not served within backoff.maxMs + connectTimeoutMs (${bound} ms of clock time) of the server's return`);
    await pool.releasePool();
  });
}
