// run(): no lease; the least-busy connection that is not leased; cursors read to an array.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, makePool, r, startServer, type Conn } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

/** A query the pool cannot tell from a driver query: it only calls run(conn, options). */
function fakeQuery<T>(result: (conn: Conn) => T | Promise<T>, seen?: Conn[]) {
  return {
    run: async (conn: Conn) => {
      seen?.push(conn);
      return result(conn);
    },
  };
}

it('runs a real query without a lease', async () => {
  const pool = makePool(server, { poolSize: 2 });
  await pool.initPool();
  assert.equal(await pool.run(r.expr('hello')), 'hello');
  assert.equal(pool.stats().acquired, 0);
  await pool.releasePool();
});

it('multiplexes queries of one turn in batches of 4 per connection, never on a leased one', async () => {
  // No validation ping: a connection unused for validateAfterIdleMs would be pinged and skipped.
  const pool = makePool(server, { poolSize: 3, validateAfterIdleMs: 600_000 });
  await pool.initPool();
  const leased = await pool.acquire();
  const seen: Conn[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const runs = Array.from({ length: 6 }, () => pool.run(fakeQuery(() => gate.then(() => 1), seen)));
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.stats().leased, 1);
  assert.equal(pool.stats().inFlight, 6);
  assert.ok(!seen.includes(leased));
  const perConn = new Map<Conn, number>();
  for (const c of seen) perConn.set(c, (perConn.get(c) ?? 0) + 1);
  assert.deepEqual([...perConn.values()].sort(), [2, 4], 'four on one connection (one write), the rest on the next');
  release();
  assert.deepEqual(await Promise.all(runs), [1, 1, 1, 1, 1, 1]);
  assert.equal(pool.stats().inFlight, 0);
  pool.release(leased);
  await pool.releasePool();
});

it('queries of different turns go to the least busy connection', async () => {
  const pool = makePool(server, { poolSize: 3, validateAfterIdleMs: 600_000 });
  await pool.initPool();
  const seen: Conn[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const runs: Promise<unknown>[] = [];
  for (let turn = 0; turn < 6; turn++) {
    runs.push(pool.run(fakeQuery(() => gate.then(() => turn), seen)));
    await new Promise((r) => setImmediate(r));
  }
  const perConn = new Map<Conn, number>();
  for (const c of seen) perConn.set(c, (perConn.get(c) ?? 0) + 1);
  assert.deepEqual([...perConn.values()].sort(), [2, 2, 2], 'spread evenly over the three connections');
  release();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4, 5]);
  await pool.releasePool();
});

it('reads a cursor result to an array and closes it', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  let closed = 0;
  const cursor = { toArray: async () => [1, 2, 3], close: async () => void closed++ };
  assert.deepEqual(await pool.run(fakeQuery(() => cursor)), [1, 2, 3]);
  assert.equal(closed, 1);
  await pool.releasePool();
});

it('a failing query releases its slot and rejects', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  await assert.rejects(pool.run(fakeQuery(() => Promise.reject(new Error('boom')))), /boom/);
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

it('waits for a connection when all are leased, then runs', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const held = await pool.acquire();
  const running = pool.run(r.expr(9));
  assert.equal(pool.stats().waiting, 1);
  pool.release(held);
  assert.equal(await running, 9);
  await pool.releasePool();
});

it('releasePool() waits for queries in flight', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  let finish!: () => void;
  const running = pool.run(fakeQuery(() => new Promise<number>((resolve) => (finish = () => resolve(5)))));
  await new Promise((r) => setImmediate(r));
  const closing = pool.releasePool();
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.stats().retiring, 1, 'retiring, not closed, under a running query');
  assert.equal(pool.stats().closed, 0);
  finish();
  assert.equal(await running, 5);
  await closing;
  assert.equal(pool.stats().size, 0);
});

// The official driver returns array results as an ArrayResult that close() empties; run()
// used to resolve to that emptied array. r.range(1000) is a real multi-batch cursor.
const RANGE = Array.from({ length: 1000 }, (_, i) => i);

it('official: array results and multi-batch cursors come back whole', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  assert.deepEqual(await pool.run(r.expr([1, 2, 3])), [1, 2, 3]);
  // @types/rethinkdb lacks r.range(); the driver has it.
  const range = await pool.run((r as unknown as { range(n: number): r.Operation<r.Cursor> }).range(1000));
  assert.deepEqual(range, RANGE);
  const dbs = await pool.run(r.dbList());
  assert.ok(Array.isArray(dbs) && dbs.includes('rethinkdb'), `dbList: ${JSON.stringify(dbs)}`);
  // What a leased connection reads, copied before anything can close it.
  const leased = await pool.withConnection(async (c) => [...await r.dbList().run(c)]);
  assert.deepEqual([...dbs], leased);
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

it('rethinkdb-ts: array results and multi-batch cursors come back whole', async () => {
  const pool = new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1 });
  await pool.initPool();
  assert.deepEqual(await pool.run(rts.expr([1, 2, 3])), [1, 2, 3]);
  assert.deepEqual(await pool.run(rts.range(1000)), RANGE);
  const dbs = await pool.run(rts.dbList());
  assert.ok(Array.isArray(dbs) && dbs.includes('rethinkdb'), `dbList: ${JSON.stringify(dbs)}`);
  assert.deepEqual(dbs, await pool.withConnection((c) => rts.dbList().run(c)));
  assert.equal(pool.stats().inFlight, 0);
  await pool.releasePool();
});

/** Counts the system-call-level writes of a socket (each _write or _writev is one). */
function countWrites(socket: Socket): { readonly count: number } {
  const counter = { count: 0 };
  const s = socket as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const write = s._write.bind(s);
  const writev = s._writev.bind(s);
  s._write = (...a) => {
    counter.count++;
    return write(...a);
  };
  s._writev = (...a) => {
    counter.count++;
    return writev(...a);
  };
  return counter;
}

it('official: the queries run() sends in one tick leave in one write, and the socket is left uncorked', async () => {
  const pool = makePool(server, { poolSize: 1, validateAfterIdleMs: 60_000 });
  await pool.initPool();
  const conn = await pool.acquire();
  pool.release(conn);
  const socket = (conn as unknown as { rawSocket: Socket }).rawSocket;
  const writes = countWrites(socket);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run(r.expr(i))));
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
  assert.equal(writes.count, 1, '20 queries (60 driver writes) in one system call');
  assert.equal(socket.writableCorked, 0);
  // A leased connection's query: the driver's three writes of one frame leave together.
  const leased = await pool.acquire();
  assert.equal(await r.expr('x').run(leased), 'x');
  assert.equal(writes.count, 2);
  assert.equal(socket.writableCorked, 0);
  pool.release(leased);
  await pool.releasePool();
});
