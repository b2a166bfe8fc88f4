// The lean path (src/drivers/rethinkdb-lean.ts) against the official driver's own run(), over
// a corpus of queries and run options: the frames each writes are the same bytes, and the
// answers are the same values, cursors, errors. Two fresh connections take the same queries
// in the same order, so even the tokens match.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { startLean } from '../../src/drivers/rethinkdb-lean.js';
import { AsyncConnectionPool } from '../../src/index.js';

type Conn = r.Connection;
/** The driver's terms, loosely typed (its @types lack r.time, r.binary, r.range, r.error). */
type Method = 'expr' | 'time' | 'epochTime' | 'binary' | 'db' | 'dbCreate' | 'table' | 'tableCreate' | 'range' | 'error' |
  'insert' | 'get' | 'orderBy' | 'filter' | 'eq' | 'count' | 'update' | 'mul' | 'add';
type Loose = { (field: string): Loose } & { [M in Method]: (...args: unknown[]) => Loose };
const rr = r as unknown as Loose;
type Term = { run(conn: Conn, options?: object): Promise<unknown> };
const q = (term: unknown): Term => term as Term;

let server: TestServer;
before(async () => {
  server = await startTestServer({ port: 0 });
  const conn = await r.connect({ host: server.host, port: server.port });
  await q(rr.dbCreate('corpus')).run(conn);
  await q(rr.db('corpus').tableCreate('people')).run(conn);
  await q(rr.db('test').tableCreate('things')).run(conn);
  await q(rr.db('corpus').table('people').insert([
    { id: 1, name: 'Ada', born: rr.time(1815, 12, 10, 'Z'), tags: ['math'] },
    { id: 2, name: 'Zoë ✓', born: rr.epochTime(0), photo: rr.binary(Buffer.from([0, 1, 2, 255])) },
  ])).run(conn);
  await q(rr.db('test').table('things').insert({ id: 'x', n: 1 })).run(conn);
  await conn.close();
});
after(() => server.stop());

/** Each case: a query and the run options (one term for both paths: a function's variable ids are the driver's global counter). */
const corpus: { name: string; query: () => unknown; options?: object }[] = [
  { name: 'number', query: () => rr.expr(1) },
  { name: 'string with multi-byte characters', query: () => rr.expr('héllo wörld ✓ 𝄞') },
  { name: 'nested object and array', query: () => rr.expr({ a: [1, { b: null, c: true }], d: 'e' }) },
  { name: 'array result (an ArrayResult)', query: () => rr.expr([1, 2, 3]) },
  { name: 'a large body (over 64 KiB)', query: () => rr.expr('x'.repeat(100_000)) },
  { name: 'arithmetic', query: () => rr.expr(2).mul(21) },
  { name: 'time, native', query: () => rr.time(2020, 1, 2, 3, 4, 5, 'Z') },
  { name: 'time, raw', query: () => rr.time(2020, 1, 2, 3, 4, 5, 'Z'), options: { timeFormat: 'raw' } },
  { name: 'binary, native', query: () => rr.binary(Buffer.from('bytes')) },
  { name: 'binary, raw', query: () => rr.binary(Buffer.from('bytes')), options: { binaryFormat: 'raw' } },
  { name: 'point get with a time and binary field', query: () => rr.db('corpus').table('people').get(2) },
  { name: 'table read (a sequence)', query: () => rr.db('corpus').table('people').orderBy('id') },
  { name: 'range over several batches', query: () => rr.range(3000) },
  { name: 'filter with a function', query: () => rr.db('corpus').table('people').filter((p: Loose) => p('id').eq(1)) },
  { name: 'table of the connection default db', query: () => rr.table('things').get('x') },
  { name: 'db option', query: () => rr.table('people').get(1), options: { db: 'corpus' } },
  { name: 'several options, camel-cased', query: () => rr.table('people').count(), options: { db: 'corpus', readMode: 'outdated', arrayLimit: 5000 } },
  { name: 'profile', query: () => rr.expr(5), options: { profile: true } },
  { name: 'profile false', query: () => rr.expr(5), options: { profile: false } },
  { name: 'an object option', query: () => rr.expr(1), options: { timeFormat: 'native', durability: 'soft' } },
  { name: 'noreply', query: () => rr.db('test').table('things').insert({ id: 'y' }), options: { noreply: true } },
  { name: 'write result', query: () => rr.db('test').table('things').get('x').update({ n: 1 }) },
  { name: 'runtime error', query: () => rr.error('boom') },
  { name: 'type error', query: () => rr.expr(1).add('a') },
  { name: 'missing table', query: () => rr.db('corpus').table('nope') },
  { name: 'missing db from the option', query: () => rr.table('people'), options: { db: 'nope' } },
  { name: 'an option rr.expr() refuses', query: () => rr.expr(1), options: { readMode: undefined } },
];

/** Every frame written on `conn` while `fn` runs, as one buffer. */
async function written(conn: Conn, fn: () => Promise<unknown>): Promise<{ bytes: Buffer; result: unknown }> {
  const socket = (conn as unknown as { rawSocket: { write(chunk: Buffer): boolean } }).rawSocket;
  const chunks: Buffer[] = [];
  const write = socket.write;
  socket.write = function (this: unknown, chunk: Buffer) {
    chunks.push(Buffer.from(chunk));
    return write.call(this, chunk);
  };
  try {
    const result = await fn().then(settle, (error: unknown) => ({ error: describe(error) }));
    return { bytes: Buffer.concat(chunks), result };
  } finally {
    socket.write = write;
  }
}

/** What a caller sees of a result: cursors read to the end, arrays as arrays. */
async function settle(value: unknown): Promise<unknown> {
  const v = value as { toArray?: () => Promise<unknown[]>; close?: () => unknown } | null;
  if (v !== null && typeof v === 'object' && typeof v.toArray === 'function' && !Array.isArray(v)) {
    return { cursor: String(v), rows: await v.toArray() };
  }
  if (Array.isArray(v)) return { array: [...v], iterable: typeof (v as { toArray?: unknown }).toArray === 'function' };
  return { value: v };
}

function describe(error: unknown): object {
  const e = error as Error & { msg?: string };
  return { name: e.name, message: e.message, msg: e.msg, type: e.constructor.name };
}

it('writes the same frames as the driver and answers the same, over the corpus', async () => {
  const opts = { host: server.host, port: server.port, db: 'test' };
  const viaDriver = await r.connect(opts);
  const viaLean = await r.connect(opts);
  try {
    for (const c of corpus) {
      const term = c.query();
      const driver = await written(viaDriver, () => q(term).run(viaDriver, c.options));
      const lean = await written(viaLean, () => {
        const started = startLean(viaLean, term, c.options);
        assert.ok(started !== undefined, `${c.name}: the lean path takes it`);
        return started;
      });
      assert.deepEqual(lean.result, driver.result, `${c.name}: same answer`);
      assert.ok(lean.bytes.equals(driver.bytes), `${c.name}: same bytes\n${lean.bytes.toString('latin1')}\n${driver.bytes.toString('latin1')}`);
    }
    assert.equal((viaLean as unknown as { nextToken: number }).nextToken, (viaDriver as unknown as { nextToken: number }).nextToken);
  } finally {
    await Promise.all([viaDriver.close(), viaLean.close()]);
  }
});

it('takes only plain terms of the driver on an open connection', async () => {
  const conn = await r.connect({ host: server.host, port: server.port });
  const custom = { run: (c: Conn) => q(r.expr(1)).run(c) };
  assert.equal(startLean(conn, custom, undefined), undefined, 'a custom runnable goes through its own run()');
  const overridden = r.expr(1) as unknown as { run: unknown };
  overridden.run = () => Promise.resolve(2);
  assert.equal(startLean(conn, overridden, undefined), undefined, 'a term whose run() was replaced keeps it');
  await conn.close();
  assert.equal(startLean(conn, r.expr(1), undefined), undefined, 'a closed connection gets the driver\'s own error');
});

it('a lean query in flight when the connection closes fails as the driver\'s does', async () => {
  const conn = await r.connect({ host: server.host, port: server.port });
  conn.on('error', () => {}); // the reset, which the driver re-emits
  server.setLatency(200);
  try {
    const inFlight = startLean(conn, r.expr(1), undefined)!.then(() => 'answered', describe);
    const viaDriver = q(r.expr(1)).run(conn).then(() => 'answered', describe);
    server.dropConnections();
    assert.deepEqual(await inFlight, await viaDriver);
  } finally {
    server.setLatency(0);
  }
});

it('pool.run() answers as the driver on a leased connection, over the corpus', async () => {
  const pool = new AsyncConnectionPool({ host: server.host, port: server.port, db: 'test' }, { poolSize: 2 });
  try {
    for (const c of corpus) {
      const viaRun = await pool.run(q(c.query()), c.options as never).then(settle, (e: unknown) => ({ error: describe(e) }));
      const viaLease = await pool.withConnection((conn) => q(c.query()).run(conn, c.options).then(settle, (e: unknown) => ({ error: describe(e) })));
      // run() reads a cursor to an array: compare rows.
      const rows = (v: unknown) => (v as { cursor?: string; rows?: unknown }).cursor !== undefined ? { array: (v as { rows: unknown }).rows, iterable: false } : v;
      const plain = (v: unknown) => (v as { array?: unknown[] }).array !== undefined ? { array: (v as { array: unknown[] }).array } : v;
      assert.deepEqual(plain(rows(viaRun)), plain(rows(viaLease)), c.name);
    }
  } finally {
    await pool.releasePool();
  }
});
