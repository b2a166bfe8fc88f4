// A hostile server's SCRAM iteration count is refused before the driver hashes with it: the
// official driver runs PBKDF2 synchronously (5 000 000 iterations froze the event loop for
// seconds), rethinkdb-ts on the thread pool (blocking file I/O). Both get a connect error
// that says why.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool, PoolConnectError } from '../../src/index.js';

let server: Server;
let port = 0;
before(async () => {
  // Speaks the first half of the handshake, with a hostile iteration count.
  server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(0, 4);
      if (end < 0) return;
      const first = JSON.parse(buffered.subarray(4, end).toString()) as { authentication: string };
      const nonce = /r=([^,]+)/.exec(first.authentication)![1]!;
      socket.write(`${JSON.stringify({ max_protocol_version: 0, min_protocol_version: 0, server_version: '2.4.4', success: true })}\0`);
      socket.write(`${JSON.stringify({ authentication: `r=${nonce}hostile,s=${Buffer.from('salt').toString('base64')},i=5000000`, success: true })}\0`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  it(`${driver}: 5 000 000 SCRAM iterations are refused before hashing`, async () => {
    const ts = driver === 'rethinkdb-ts';
    const pool = new AsyncConnectionPool<unknown, unknown>(
      { host: '127.0.0.1', port, user: 'admin', password: 'pw', ...(ts ? { silent: true } : {}) },
      { ...(ts ? { driver: rts } : {}), poolSize: 1, backoff: { baseMs: 60_000, maxMs: 60_000 } },
    );
    const err = await pool.initPool().then(() => assert.fail('opened'), (e: unknown) => e);
    assert.ok(err instanceof PoolConnectError, String(err));
    const why = `${err.message} ${String((err.cause as { cause?: unknown } | undefined)?.cause ?? '')}`;
    assert.match(why, /5000000 SCRAM iterations; more than 1000000 is refused/);
    await pool.releasePool();
  });
}
