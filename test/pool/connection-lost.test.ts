// Connection loss is a typed error: work on a pooled connection that dies rejects with
// PoolConnectionLostError (code, server, sent, cause), never a bare driver error, with both
// drivers; a cursor whose connection dies always rejects, even where rethinkdb-ts would end
// it as if complete; and run(query, { retry }) retries once when that is safe.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolConnectionLostError } from '../../src/index.js';
import { connectOptions, makePool, nextEvent, r, startServer } from './helpers.js';
import { memoryConnector, type MemConn } from '../support/memory-connector.js';

type Range = { range(n: number): r.Operation<r.Cursor> };
const range = (n: number) => (r as unknown as Range).range(n);

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

function lost(e: unknown, sent: boolean): void {
  assert.ok(e instanceof PoolConnectionLostError, `not a PoolConnectionLostError: ${String(e)}`);
  assert.equal(e.code, 'REPOOL_CONNECTION_LOST');
  assert.equal(e.sent, sent);
  assert.equal(e.server, `${server.host}:${server.port}`);
  assert.ok(e.cause !== undefined, 'the driver error is the cause');
  assert.match(e.message, /retry/);
}

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  const ts = driver === 'rethinkdb-ts';
  const makeFor = (options: object = {}) => ts
    ? new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1, ...options })
    : makePool(server, { poolSize: 1, ...options });

  it(`${driver}: a run() in flight when its connection dies rejects with PoolConnectionLostError (sent: true)`, async () => {
    const pool = makeFor();
    await pool.initPool();
    server.setLatency(100);
    try {
      const running = pool.run((ts ? rts.expr(1) : r.expr(1)) as never).then(() => assert.fail('resolved'), (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 10));
      server.dropConnections();
      lost(await running, true);
    } finally {
      server.setLatency(0);
    }
    await pool.releasePool();
  });

  it(`${driver}: a cursor whose connection dies rejects, never ends as if complete`, async () => {
    const pool = makeFor();
    await pool.initPool();
    // Before its first batch (rethinkdb-ts would resolve toArray() with 0 rows) ...
    server.setLatency(100);
    try {
      const early = await pool.cursor((ts ? rts.range(10_000) : range(10_000)) as never) as unknown as { toArray(): Promise<unknown[]> };
      const read = early.toArray().then(() => 'complete', (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 10));
      server.dropConnections();
      lost(await read, true);
    } finally {
      server.setLatency(0);
    }
    // ... and in the middle of the stream.
    await nextEvent(pool, 'open');
    const mid = await pool.cursor((ts ? rts.range(100_000) : range(100_000)) as never) as unknown as { next(): Promise<unknown>; toArray(): Promise<unknown[]> };
    await mid.next();
    server.dropConnections();
    lost(await mid.toArray().then(() => 'complete', (e: unknown) => e), true);
    await pool.releasePool();
  });

  it(`${driver}: a run() reading a cursor when its connection dies rejects, never resolves with part of the rows`, async () => {
    const pool = makeFor();
    await pool.initPool();
    server.setLatency(50);
    try {
      const running = pool.run((ts ? rts.range(100_000) : range(100_000)) as never).then((rows) => rows, (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 60));
      server.dropConnections();
      lost(await running, true);
    } finally {
      server.setLatency(0);
    }
    await pool.releasePool();
  });
}

it('retry: true runs the query once more on another connection after a loss', async () => {
  // Two servers: only the connection carrying the query dies, so the retry's connection is
  // known to be alive (with one server, its other connections die at the same moment).
  const other = await startServer();
  const pool = new AsyncConnectionPool<r.Connection>({ user: 'admin', password: '' }, {
    servers: [server, other].map((s) => ({ host: s.host, port: s.port })), poolSize: 1, backoff: { baseMs: 20, maxMs: 200 },
  });
  await pool.initPool();
  server.setLatency(100);
  other.setLatency(100);
  try {
    const running = pool.run(r.expr('again'), { retry: true });
    const carrying = pool.stats().servers.find((s) => s.inFlight === 1);
    assert.ok(carrying !== undefined, 'the query is on one server');
    const dropped = carrying.server === `${server.host}:${server.port}` ? server : other;
    dropped.dropConnections();
    server.setLatency(0);
    other.setLatency(0);
    assert.equal(await running, 'again');
  } finally {
    server.setLatency(0);
    other.setLatency(0);
  }
  await pool.releasePool();
  await other.stop();
});

it('a query not yet sent when its connection is found dead is retried on another, even without retry', async () => {
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, poolSize: 2, validateAfterIdleMs: 60_000 });
  await pool.initPool();
  const [a, b] = driver.made;
  // Both look ready to the pool, but the first is closed in the driver (its close event is late).
  a!.open = false;
  const seen: MemConn[] = [];
  const query = {
    run: async (conn: MemConn) => {
      seen.push(conn);
      return 'ran';
    },
  };
  // Two at once go to the two connections: the one given the dead connection goes again.
  assert.deepEqual(await Promise.all([pool.run(query), pool.run(query)]), ['ran', 'ran']);
  assert.deepEqual(seen, [b, b], 'each sent once, on the live connection');
  await pool.releasePool();
});

it('a loss after the query was sent is not retried without retry: true', async () => {
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, poolSize: 2, validateAfterIdleMs: 60_000 });
  await pool.initPool();
  let sends = 0;
  const err = await pool.run({
    run: (conn: MemConn) => {
      sends++;
      driver.kill(conn); // dies with the query on the wire
      return Promise.reject(new Error('Connection is closed.'));
    },
  }).then(() => 'resolved', (e: unknown) => e);
  assert.ok(err instanceof PoolConnectionLostError && err.sent, String(err));
  assert.equal(sends, 1);
  await pool.releasePool();
});
