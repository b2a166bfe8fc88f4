// Query frames after the handshake: every query type, streams, noreply, protocol errors and
// hostile clients, through raw sockets and both real drivers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { Session } from '../../src/testing/server/session.js';
import type { EvalContext } from '../../src/testing/server/reql/types.js';
import { Store } from '../../src/testing/server/store.js';
import { RawClient, frame, openSocket, readToClose } from './raw-client.js';

/** What the official driver has but @types/rethinkdb leaves out. */
const official = r as unknown as { range(n: number): r.Operation<r.Cursor> };
type OfficialConn = r.Connection & { noreplyWait(): Promise<void> };
const noreply = { noreply: true } as unknown as r.OperationOptions;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Proves a connection still answers, and that other clients still get served. */
async function stillServing(): Promise<void> {
  const client = await RawClient.connect(server.port);
  assert.deepEqual(await client.ask(1, '[1,42]'), { t: 1, r: [42] });
  client.close();
}

test('raw: atom, profile and SERVER_INFO bodies are exact', async () => {
  const client = await RawClient.connect(server.port);
  try {
    await client.ask(1, '[1,1]');
    await client.ask(2, '[1,"x",{"profile":true}]');
    await client.ask(3, '[5]');
    assert.deepEqual(client.arrivals, [
      { token: 1, body: '{"t":1,"r":[1]}' },
      { token: 2, body: '{"t":1,"r":["x"],"p":[]}' },
      { token: 3, body: `{"t":5,"r":[{"id":"${server.id}","name":"${server.name}","proxy":false}]}` },
    ]);
  } finally {
    client.close();
  }
});

test('raw: noreply queries (even failing ones) never get a frame; NOREPLY_WAIT gets t 4', async () => {
  const client = await RawClient.connect(server.port);
  try {
    client.send(1, '[1,1,{"noreply":true}]');
    client.send(2, '[1,"x",{"noreply":[1,true]}]');
    client.send(3, '[1,[999999,[]],{"noreply":true}]');
    client.send(4, '[1,[173,[1000]],{"noreply":true}]');
    assert.deepEqual(await client.ask(5, '[4]'), { t: 4, r: [] });
    assert.deepEqual(await client.ask(6, '[1,2]'), { t: 1, r: [2] });
    assert.deepEqual(client.arrivals.map((a) => a.token), [5, 6]);
  } finally {
    client.close();
  }
});

test('raw: CONTINUE and STOP of an unknown token', async () => {
  const client = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await client.ask(7, '[2]'), { t: 16, r: ['Token 7 not in stream cache.'], b: [] });
    assert.deepEqual(await client.ask(8, '[3]'), { t: 16, r: ['Token 8 not in stream cache.'], b: [] });
  } finally {
    client.close();
  }
});

test('raw: malformed queries get CLIENT_ERROR with b, and the connection stays usable', async () => {
  const client = await RawClient.connect(server.port);
  const cases: Array<[string, string]> = [
    ['{"t":', 'Client is buggy (failed to deserialize query).'],
    ['{"a":1}', 'Server could not parse query: Expected a query to be an array, but found OBJECT.'],
    ['[]', 'Server could not parse query: Expected 1 to 3 elements in the top-level query, but found 0.'],
    ['[1,1,{},4]', 'Server could not parse query: Expected 1 to 3 elements in the top-level query, but found 4.'],
    ['["x"]', 'Server could not parse query: Expected a query type as a number, but found STRING.'],
    ['[9]', 'Server could not parse query: Unrecognized QueryType: 9.'],
    ['[1,1,[]]', 'Server could not parse query: Expected global optargs as an object, but found ARRAY.'],
  ];
  try {
    let token = 1;
    for (const [query, message] of cases) {
      assert.deepEqual(await client.ask(token++, query), { t: 16, r: [message], b: [] }, query);
    }
    assert.deepEqual(await client.ask(token, '[1,"ok"]'), { t: 1, r: ['ok'] });
  } finally {
    client.close();
  }
});

test('raw: a frame split into single bytes, many frames in one write, tokens above 2^32', async () => {
  const client = await RawClient.connect(server.port);
  try {
    const bytes = frame(1, '[1,"split"]');
    const answer = client.response(1);
    for (const byte of bytes) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await answer, { t: 1, r: ['split'] });
    const big = 2 ** 40 + 5;
    const answers = [client.response(2), client.response(3), client.response(big)];
    client.write(Buffer.concat([frame(2, '[1,2]'), frame(3, '[1,3]'), frame(big, '[1,"big"]')]));
    assert.deepEqual(await Promise.all(answers), [{ t: 1, r: [2] }, { t: 1, r: [3] }, { t: 1, r: ['big'] }]);
  } finally {
    client.close();
  }
});

test('raw: a huge length prefix gets CLIENT_ERROR, then the server closes; others are served', async () => {
  const client = await RawClient.connect(server.port);
  const head = Buffer.alloc(12);
  head.writeUInt32LE(9, 0);
  head.writeUInt32LE(0xffffffff, 8);
  const answer = client.response(9);
  client.write(head);
  assert.deepEqual(await answer, { t: 16, r: ['Query size (4294967295) greater than maximum (134217727).'], b: [] });
  await client.closed;
  await stillServing();
});

test('raw: garbage bytes and invalid UTF-8 never hurt the server', async () => {
  const client = await RawClient.connect(server.port);
  const garbage = Buffer.concat([frame(1, 'xx'), Buffer.from([0x0c, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xfe, 0x00, 0x80])]);
  const answers = [client.response(1), client.response(12)];
  client.write(garbage);
  for (const a of await Promise.all(answers)) assert.deepEqual(a, { t: 16, r: ['Client is buggy (failed to deserialize query).'], b: [] });
  client.close();
  const preHandshake = await openSocket(server.port);
  preHandshake.write(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
  await readToClose(preHandshake);
  await stillServing();
});

test('raw: a client vanishing mid-query (open stream, half a frame) leaves the server fine', async () => {
  const client = await RawClient.connect(server.port);
  client.send(1, '[1,[173,[10000]]]');
  await client.response(1);
  client.write(frame(2, '[1,"never finished"]').subarray(0, 15));
  client.close();
  await client.closed;
  await stillServing();
});

test('raw: a stream comes in batches of 125 then 500 (t 3), the last one t 2; STOP; duplicate token', async () => {
  const client = await RawClient.connect(server.port);
  try {
    const first = await client.ask(1, '[1,[173,[2000]]]');
    assert.equal(first.t, 3);
    assert.deepEqual(first.r, range(125));
    assert.deepEqual(first.n, []);
    const sizes = [first.r.length];
    for (;;) {
      const next = await client.ask(1, '[2]');
      sizes.push(next.r.length);
      if (next.t === 2) break;
      assert.equal(next.t, 3);
    }
    assert.deepEqual(sizes, [125, 500, 500, 500, 375]);
    assert.equal((await client.ask(1, '[2]')).t, 16);

    assert.equal((await client.ask(2, '[1,[173,[1000]]]')).t, 3);
    assert.deepEqual(await client.ask(2, '[1,1]'), { t: 16, r: ['ERROR: duplicate token 2'], b: [] });
    assert.deepEqual(await client.ask(2, '[3]'), { t: 2, r: [], n: [] });
    assert.deepEqual(await client.ask(2, '[2]'), { t: 16, r: ['Token 2 not in stream cache.'], b: [] });
    assert.deepEqual(await client.ask(3, '[1,[173,[0]]]'), { t: 2, r: [], n: [] });
    assert.deepEqual(await client.ask(4, '[1,[173,[3]]]'), { t: 2, r: [0, 1, 2], n: [] });
  } finally {
    client.close();
  }
});

test('official driver: r.range(10000) through a cursor, an early close, SERVER_INFO', async () => {
  const conn = await r.connect({ host: '127.0.0.1', port: server.port });
  try {
    const cursor = await official.range(10000).run(conn);
    assert.deepEqual(await cursor.toArray(), range(10000));
    const early = await official.range(10000).run(conn);
    assert.equal(await early.next(), 0);
    assert.equal(await early.next(), 1);
    await early.close();
    assert.equal(await r.expr('after').run(conn), 'after');
    const info = await (conn as unknown as { server(): Promise<{ id: string; name: string }> }).server();
    assert.deepEqual(info, { id: server.id, name: server.name, proxy: false });
  } finally {
    await conn.close();
  }
});

test('rethinkdb-ts: r.range(10000) drained, a cursor closed early', async () => {
  const conn = await rts.connect({ host: '127.0.0.1', port: server.port });
  try {
    assert.deepEqual(await rts.range(10000).run(conn), range(10000));
    const cursor = await rts.range(10000).getCursor(conn);
    assert.equal(await cursor.next(), 0);
    await cursor.close();
    assert.equal(await rts.expr('after').run(conn), 'after');
  } finally {
    await conn.close();
  }
});

test('500 concurrent queries on one connection, both drivers', async () => {
  const conn = await r.connect({ host: '127.0.0.1', port: server.port });
  const ts = await rts.connect({ host: '127.0.0.1', port: server.port });
  try {
    const ids = range(500);
    assert.deepEqual(await Promise.all(ids.map((i) => r.expr(i).run(conn))), ids);
    assert.deepEqual(await Promise.all(ids.map((i) => rts.expr(i).run(ts))), ids);
  } finally {
    await conn.close();
    await ts.close();
  }
});

test('noreply followed by noreplyWait, both drivers', async () => {
  const conn = (await r.connect({ host: '127.0.0.1', port: server.port })) as OfficialConn;
  const ts = await rts.connect({ host: '127.0.0.1', port: server.port });
  try {
    await r.expr(1).run(conn, noreply);
    await conn.noreplyWait();
    await rts.expr(1).run(ts, { noreply: true });
    await ts.noreplyWait();
    assert.equal(await r.expr(3).run(conn), 3);
  } finally {
    await conn.close();
    await ts.close();
  }
});

test('session: an evaluator bug becomes RUNTIME_ERROR INTERNAL, silent under noreply', () => {
  const ctx: EvalContext = {
    store: new Store(),
    self: { id: 'id', name: 'n', host: '127.0.0.1', port: 1, pid: 1, timeStarted: 0 },
    servers: () => [],
  };
  const sent: string[] = [];
  const counters = { queries: 0, feeds: 0 };
  const failing = new Session(ctx, (b) => sent.push(b.subarray(12).toString()), counters, () => {
    throw new TypeError('boom');
  });
  failing.handleFrame(1, Buffer.from('[1,1]'));
  failing.handleFrame(2, Buffer.from('[1,1,{"noreply":true}]'));
  const unserialisable = new Session(ctx, (b) => sent.push(b.subarray(12).toString()), counters, () => ({
    kind: 'atom', value: 10n,
  }));
  unserialisable.handleFrame(3, Buffer.from('[1,1]'));
  const undefinedValue = new Session(ctx, (b) => sent.push(b.subarray(12).toString()), counters, () => ({
    kind: 'atom', value: undefined,
  }));
  undefinedValue.handleFrame(4, Buffer.from('[1,1]'));
  assert.equal(sent.length, 3);
  assert.deepEqual(JSON.parse(sent[0] as string), { t: 18, e: 1000000, r: ['Internal error in the test server: boom'], b: [] });
  assert.equal(JSON.parse(sent[1] as string).e, 1000000);
  assert.equal(sent[2], '{"t":1,"r":[null]}');
  assert.equal(counters.queries, 4);
});

test('session: stream batches are 125 rows, then 500, t 3 until the last (t 2)', () => {
  const ctx = { store: new Store(), self: { id: 'i', name: 'n', host: 'h', port: 1, pid: 1, timeStarted: 0 }, servers: () => [] };
  const sent: Array<{ t: number; r: unknown[]; n: unknown[]; p?: unknown }> = [];
  const session = new Session(ctx, (b) => sent.push(JSON.parse(b.subarray(12).toString())), { queries: 0, feeds: 0 }, () => ({
    kind: 'stream', rows: range(1125),
  }));
  session.handleFrame(1, Buffer.from('[1,1,{"profile":true}]'));
  session.handleFrame(1, Buffer.from('[2]'));
  session.handleFrame(1, Buffer.from('[2]'));
  session.handleFrame(1, Buffer.from('[2]'));
  assert.deepEqual(sent.map((s) => [s.t, s.r.length, s.r[0]]), [[3, 125, 0], [3, 500, 125], [2, 500, 625], [16, 1, 'Token 1 not in stream cache.']]);
  assert.deepEqual(sent[0]?.p, []);
  assert.deepEqual(sent[0]?.n, []);
});
