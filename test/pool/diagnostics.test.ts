// node:diagnostics_channel tracing: acquire, release, open, close, and a tracing channel
// around run() and cursor(). Nothing is published to a channel nobody subscribes to.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import type { TestServer } from '../../src/testing/index.js';
import {
  channels, PoolQueryTimeoutError, type AcquireMessage, type CloseMessage, type OpenMessage, type QueryContext,
  type ReleaseMessage,
} from '../../src/index.js';
import { makePool, r, startServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

type Range = { range(n: number): r.Operation<r.Cursor> };

it('exports the channel names', () => {
  assert.deepEqual({ ...channels }, {
    acquire: 'async-repool:acquire',
    release: 'async-repool:release',
    open: 'async-repool:open',
    close: 'async-repool:close',
    query: 'async-repool:query',
  });
});

it('publishes acquire, release, open and close messages while subscribed', async () => {
  const seen: { channel: string; message: unknown }[] = [];
  const listeners = (['acquire', 'release', 'open', 'close'] as const).map((name) => {
    const fn = (message: unknown) => seen.push({ channel: name, message });
    diagnostics.subscribe(channels[name], fn);
    return () => diagnostics.unsubscribe(channels[name], fn);
  });
  const pool = makePool(server, { poolSize: 1 });
  try {
    await pool.initPool();
    const conn = await pool.acquire();
    pool.release(conn, { discard: true });
    await pool.releasePool();
  } finally {
    for (const off of listeners) off();
  }
  const mine = seen.filter((s) => (s.message as { pool: unknown }).pool === pool);
  const server1 = `${server.host}:${server.port}`;
  const open = mine.filter((s) => s.channel === 'open').map((s) => s.message as OpenMessage);
  assert.ok(open.length >= 1);
  assert.deepEqual(open[0], { pool, id: 1, server: server1 });
  const acquire = mine.find((s) => s.channel === 'acquire')!.message as AcquireMessage;
  assert.equal(acquire.id, 1);
  assert.equal(typeof acquire.waitedMs, 'number');
  const release = mine.find((s) => s.channel === 'release')!.message as ReleaseMessage;
  assert.equal(release.id, 1);
  assert.equal(typeof release.heldMs, 'number');
  const closes = mine.filter((s) => s.channel === 'close').map((s) => s.message as CloseMessage);
  assert.equal(closes.find((c) => c.id === 1)?.reason, 'discarded');
  for (const c of closes) if (c.id !== 1) assert.equal(c.reason, 'shutdown', 'its replacement closes at shutdown');
  assert.equal(closes.length, open.length, 'every connection opened was closed');
  // The order of one connection's life.
  const order = mine.filter((s) => (s.message as { id: number }).id === 1).map((s) => s.channel);
  assert.deepEqual(order, ['open', 'acquire', 'release', 'close']);
});

it('traces run() and cursor() from start to settlement, with their connection', async () => {
  const events: { kind: string; context: QueryContext }[] = [];
  const handlers = {
    start: (context: QueryContext) => events.push({ kind: 'start', context: { ...context } }),
    end: (context: QueryContext) => events.push({ kind: 'end', context: { ...context } }),
    asyncStart: (context: QueryContext) => events.push({ kind: 'asyncStart', context: { ...context } }),
    asyncEnd: (context: QueryContext) => events.push({ kind: 'asyncEnd', context: { ...context } }),
    error: (context: QueryContext) => events.push({ kind: 'error', context: { ...context } }),
  };
  const tracing = diagnostics.tracingChannel<unknown, QueryContext>(channels.query);
  tracing.subscribe(handlers);
  const pool = makePool(server, { poolSize: 1 });
  try {
    await pool.initPool();
    const query = r.expr(42);
    assert.equal(await pool.run(query), 42);
    const done = events.splice(0);
    assert.deepEqual(done.map((e) => e.kind), ['start', 'end', 'asyncStart', 'asyncEnd']);
    assert.equal(done[0]!.context.kind, 'run');
    assert.equal(done[0]!.context.query, query);
    assert.equal(done[0]!.context.pool, pool);
    assert.equal(done[3]!.context.result, 42);
    assert.equal(done[3]!.context.id, 1, 'the connection it ran on');
    assert.equal(done[3]!.context.server, `${server.host}:${server.port}`);

    // @types/rethinkdb lacks r.error(); the driver has it.
    await assert.rejects(pool.run((r as unknown as { error(m: string): r.Expression<never> }).error('boom')), /boom/);
    const failed = events.splice(0);
    assert.deepEqual(failed.map((e) => e.kind), ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    assert.match(String(failed[2]!.context.error), /boom/);

    const cursor = await pool.cursor((r as unknown as Range).range(10));
    const opened = events.splice(0);
    assert.deepEqual(opened.map((e) => e.kind), ['start', 'end', 'asyncStart', 'asyncEnd']);
    assert.equal(opened[0]!.context.kind, 'cursor');
    await cursor.close();
  } finally {
    tracing.unsubscribe(handlers);
  }
  // Unsubscribed: nothing more is published.
  assert.equal(await pool.run(r.expr(1)), 1);
  assert.deepEqual(events, []);
  await pool.releasePool();
});

it('traces a query that misses queryTimeoutMs as an error', async () => {
  const errors: unknown[] = [];
  const tracing = diagnostics.tracingChannel<unknown, QueryContext>(channels.query);
  const ignore = () => {};
  const handlers = {
    start: ignore, end: ignore, asyncStart: ignore, asyncEnd: ignore,
    error: (context: QueryContext) => void errors.push(context.error),
  };
  tracing.subscribe(handlers);
  const pool = makePool(server, { poolSize: 1, queryTimeoutMs: 50, pingTimeoutMs: 50 });
  try {
    await pool.initPool();
    server.pause();
    await assert.rejects(pool.run(r.expr(1)), PoolQueryTimeoutError);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PoolQueryTimeoutError);
  } finally {
    server.resume();
    tracing.unsubscribe(handlers);
    await pool.releasePool();
  }
});
