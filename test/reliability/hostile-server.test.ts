// Hostile or broken servers: garbage replies, partial frames, silence, resets, handshakes that
// never finish. The process must not crash, every call must settle, poisoned connections
// must be dropped, and the pool must work again once the server behaves.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import {
  AsyncConnectionPool, PoolConnectError, PoolTimeoutError, type CloseReason, type Connector, type PoolOptions,
} from '../../src/index.js';
import { PASSWORD, USER, startHostileServer, type HandshakeMode, type HostileServer, type Script } from './hostile-server.js';
import { rethinkdbConnector } from '../../src/drivers/rethinkdb.js';
import {
  CallerDeadline, OFFICIAL_POISON, deadline, isExpectedError, opsArb, recordCrashes, scriptArb, settle, type Outcome,
} from './hostile-frames.js';

const crashes = recordCrashes();
after(() => crashes.stop());

/** Hang guard: far above every deadline in play (acquire 300, ping 200, query 300 ms). */
const HANG_MS = 4_000;
const QUERY_MS = 300;

type DriverName = 'official' | 'rethinkdb-ts';
const query = (d: DriverName) => (d === 'rethinkdb-ts' ? rts.expr(1) : r.expr(1)) as unknown as {
  run(conn: unknown): Promise<unknown>;
};

function makePool(server: HostileServer, d: DriverName, options: PoolOptions<unknown> = {}) {
  return new AsyncConnectionPool<unknown>(
    { host: server.host, port: server.port, user: USER, password: PASSWORD, timeout: 1, ...(d === 'rethinkdb-ts' ? { silent: true } : {}) },
    {
      ...(d === 'rethinkdb-ts' ? { driver: rts } : {}),
      // keepaliveMs pings idle connections, heartbeatMs busy ones (a run() on a stalled one).
      acquireTimeoutMs: 300, pingTimeoutMs: 200, validateAfterIdleMs: 0, keepaliveMs: 100, heartbeatMs: 100,
      backoff: { baseMs: 5, maxMs: 50 },
      ...options,
    },
  );
}

function assertExpected(o: Outcome<unknown>, d: DriverName, what: string): void {
  if (o.state !== 'rejected') return;
  assert.ok(isExpectedError(o.error, d), `${what} failed with an unexpected error: ${String((o.error as Error)?.stack ?? o.error)}`);
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * acquire → query with the caller's deadline → release. A query that got an answer (even an
 * error) is released plainly, so the pool must judge the connection itself; one that missed
 * the caller's deadline is discarded, as a caller should (a plain release of it is the
 * todo test 'validateAfterIdleMs: 0 ...' below).
 */
async function leaseOnce(pool: AsyncConnectionPool<unknown>, d: DriverName, timeoutMs?: number): Promise<unknown> {
  const conn = await pool.acquire(timeoutMs === undefined ? undefined : { timeoutMs });
  let discard = false;
  try {
    return await deadline(query(d).run(conn), QUERY_MS);
  } catch (err) {
    discard = err instanceof CallerDeadline;
    throw err;
  } finally {
    pool.release(conn, { discard });
  }
}

async function scenario(d: DriverName, script: Script, ops: readonly ('lease' | 'run')[], poolSize: number): Promise<void> {
  const server = await startHostileServer(script);
  const pool = makePool(server, d, { poolSize });
  const closes: CloseReason[] = [];
  pool.on('close', (e) => closes.push(e.reason));
  try {
    for (const op of ops) {
      if (op === 'lease') {
        const o = await settle(leaseOnce(pool, d), HANG_MS);
        assert.notEqual(o.state, 'pending', 'acquire → query → release hung');
        assertExpected(o, d, 'acquire → query → release');
      } else {
        // With a deadline, as a caller should give it: a connection that stays mute while
        // its server answers on another one counts as busy, not dead (a CPU-bound query
        // holds a ping back: PROTOCOL.md section 5), so a run() on it without a deadline
        // would wait for TCP keepalive or releasePool(). The deadline ends the run() and
        // makes the connection suspect: it is pinged before more work, and dropped.
        const o = await settle(pool.run(query(d), { timeoutMs: QUERY_MS }), HANG_MS);
        assert.notEqual(o.state, 'pending', 'pool.run() with a deadline hung');
        assertExpected(o, d, 'pool.run()');
      }
    }
    server.heal();
    {
      // A connection may have passed its last ping just before the heal left it mute; the
      // caller's deadline catches it and discards it, so allow one attempt per connection.
      const tries: Outcome<unknown>[] = [];
      for (let i = 0; i <= poolSize + 1 && !tries.some((o) => o.state === 'resolved' && o.value === 1); i++) {
        const o = await settle(leaseOnce(pool, d, 3_000), HANG_MS);
        assert.notEqual(o.state, 'pending', 'acquire → query → release hung');
        tries.push(o);
      }
      assert.ok(tries.some((o) => o.state === 'resolved' && o.value === 1), `a healed server serves the pool again: ${tries.map((o) => (o.state === 'rejected' ? String(o.error) : o.state)).join('; ')}`);
      // The pool, not the server, closes connections left waiting for the rest of a frame.
      await waitFor(() => server.counts().openStalled === 0, 3_000, 'stalled connections to be dropped');
      // Closed by a failed ping or by the driver ('broken'), or by the caller after its deadline;
      // or never opened: every new connection asks SERVER_INFO first, which may be the stalled reply.
      if (server.counts().stalls > 0) {
        assert.ok(closes.some((c) => c === 'broken' || c === 'discarded') || pool.stats().connectErrors > 0,
          `close reasons: ${closes.join(',')}, connect errors: ${pool.stats().connectErrors}`);
      }
    }
    const released = await settle(pool.releasePool({ timeoutMs: 200 }), HANG_MS);
    assert.equal(released.state, 'resolved', 'releasePool() settles');
    await waitFor(() => server.counts().open === 0, 3_000, 'every socket to be closed');
    assert.deepEqual(crashes.take(), [], 'no uncaught exception or unhandled rejection');
  } finally {
    if (!pool.closed) await pool.releasePool({ timeoutMs: 0 });
    await server.stop();
  }
}

const poolSizeArb = fc.integer({ min: 1, max: 2 });

describe('random hostile replies', { concurrency: true }, () => {
  // The official driver throws from its socket handler on the bodies in OFFICIAL_POISON and on
  // a short length prefix; the connector's socket guard turns that into a broken connection.
  it('official driver: every kind of garbage', () =>
    fc.assert(fc.asyncProperty(scriptArb(true), opsArb, poolSizeArb, (s, ops, n) => scenario('official', s, ops, n)), { numRuns: 20, includeErrorInReport: true }));

  it('rethinkdb-ts: every kind of garbage', () =>
    fc.assert(fc.asyncProperty(scriptArb(true), opsArb, poolSizeArb, (s, ops, n) => scenario('rethinkdb-ts', s, ops, n)), { numRuns: 20, includeErrorInReport: true }));
});

describe('a handshake that never completes is cut off by the connect timeout', { concurrency: true }, () => {
  const modes: HandshakeMode[] = ['silent', 'version-then-silent', 'close-after-magic'];
  for (const d of ['official', 'rethinkdb-ts'] as const) {
    for (const mode of modes) {
      it(`${d}: ${mode}`, async () => {
        const server = await startHostileServer({ handshake: mode, replies: [], dribbleMs: 0 });
        // No retry after the first failure, so the one attempt can be watched to its end.
        const pool = makePool(server, d, { poolSize: 1, acquireTimeoutMs: 3_000, backoff: { baseMs: 60_000, maxMs: 60_000 } });
        const failed = new Promise<PoolConnectError>((resolve) => pool.once('connectError', (e) => resolve(e.error)));
        try {
          const o = await settle(pool.acquire(), HANG_MS);
          assert.equal(o.state, 'rejected', 'acquire() must not hang or succeed');
          const err = (o as { error: unknown }).error;
          assert.ok(err instanceof PoolTimeoutError || err instanceof PoolConnectError, String(err));
          const connectError = await failed;
          assert.ok(connectError.cause instanceof Error && /^Reql/.test(connectError.cause.name), String(connectError.cause));
          assert.ok(pool.stats().connectErrors >= 1, 'the attempt is counted');
          await waitFor(() => server.counts().open === 0, 3_000, 'the half-open socket to be closed');
          assert.equal(server.counts().handshakes, 0);
          assert.deepEqual(crashes.take(), []);
        } finally {
          await pool.releasePool({ timeoutMs: 0 });
          await server.stop();
        }
      });
    }
  }
});

describe('official driver: garbage it cannot parse', () => {
  // Each OFFICIAL_POISON body throws inside rethinkdb/net.js's socket `data` handler
  // (Connection._data: JSON.parse, or reading a field of the reply). Unguarded, that is an
  // uncaughtException, and the bad frame stays in the driver's buffer, so the connection
  // stays "open" and nothing on it answers again. The connector's socket guard
  // (src/drivers/rethinkdb.ts) destroys the socket instead.
  it('is contained: the query fails, the connection closes as broken, the pool recovers', async () => {
    for (const text of OFFICIAL_POISON) {
      // Reply 0 answers the SERVER_INFO every new connection asks; reply 1 is the query's.
      const server = await startHostileServer({ handshake: 'ok', replies: [{ kind: 'ok' }, { kind: 'frame', text, token: 'same' }], dribbleMs: 0 });
      const pool = makePool(server, 'official', { poolSize: 1, validateAfterIdleMs: 60_000 });
      const broken = new Promise<void>((resolve) => pool.on('close', (e) => e.reason === 'broken' && resolve()));
      try {
        await pool.initPool();
        const o = await settle(pool.run(query('official')), 1_000);
        assert.equal(o.state, 'rejected', `run() answered by ${text} must fail, not hang`);
        assert.equal((await settle(broken, 1_000)).state, 'resolved', `${text}: closed as broken`);
        server.heal();
        const again = await settle(pool.run(query('official')), 3_000);
        assert.deepEqual(again.state === 'resolved' ? again.value : again, 1, `recovery after ${text}`);
      } finally {
        await pool.releasePool({ timeoutMs: 0 });
        await server.stop();
      }
      assert.deepEqual(crashes.take().map((c) => `${c.kind}: ${String(c.error)}`), [], text);
    }
  });
});

describe('validation gaps', () => {
  // Regression: needsValidation() used `>`, so a re-acquire in the millisecond of the release
  // was not pinged.
  it('validateAfterIdleMs: 0 pings on every hand-out', async () => {
    const server = await startHostileServer();
    let pings = 0;
    const base = rethinkdbConnector();
    const ping = (c: never) => {
      pings++;
      return base.ping(c);
    };
    const pool = makePoolWith(server, { ...base, ping });
    try {
      for (let i = 0; i < 20; i++) pool.release(await pool.acquire());
      // (19: a connection fresh from its handshake may skip its first ping.)
      assert.ok(pings >= 19, `one ping per hand-out, got ${pings} for 20`);
    } finally {
      await pool.releasePool({ timeoutMs: 0 });
      await server.stop();
    }
  });

  // A connection stalled under a pending pool.run() (the rest of a frame never comes) is
  // found by the heartbeat and closed; a lease, which never takes a busy connection, is served
  // by its replacement.
  it('a connection stalled under a pending pool.run() is closed by the heartbeat, and a lease gets another', async () => {
    // Reply 0 answers SERVER_INFO at open; reply 1 (run's query) stalls the connection.
    const server = await startHostileServer({ handshake: 'ok', replies: [{ kind: 'ok' }, { kind: 'huge-length' }], dribbleMs: 0 });
    const pool = makePool(server, 'official', { poolSize: 1, validateAfterIdleMs: 60_000, heartbeatMs: 100 });
    try {
      await pool.initPool();
      const run = settle(pool.run(query('official')), 3_000);
      await waitFor(() => server.counts().stalls > 0, 3_000, 'the query to stall its connection');
      server.heal();
      const o = await settle(leaseOnce(pool, 'official', 3_000), HANG_MS);
      assert.deepEqual(o.state === 'resolved' ? o.value : o, 1);
      const ran = await run;
      assert.equal(ran.state, 'rejected', 'the stalled run() fails with its connection');
      assert.equal((ran as { error: { code?: string } }).error.code, 'REPOOL_CONNECTION_LOST');
    } finally {
      await pool.releasePool({ timeoutMs: 0 });
      await server.stop();
      crashes.take();
    }
  });
});

function makePoolWith<C>(server: HostileServer, driver: Connector<C>) {
  return new AsyncConnectionPool(
    { host: server.host, port: server.port, user: USER, password: PASSWORD, timeout: 1 },
    { driver, poolSize: 1, acquireTimeoutMs: 300, pingTimeoutMs: 200, validateAfterIdleMs: 0 },
  );
}
