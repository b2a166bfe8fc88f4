// The database is down or unreachable (HikariCP's contract): acquire() fails with
// PoolTimeoutError at its deadline, never earlier and never hanging, and the pool retries
// with a bounded, jittered backoff instead of a connect storm.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolTimeoutError, type PoolOptions } from '../../src/index.js';
import { backoffCeiling } from '../../src/core/lifetime.js';

const ACQUIRE_TIMEOUT_MS = 200;
/** Purely a hang guard: how late a timeout may come on a loaded machine. Not a performance claim. */
const HANG_GUARD_MS = 2_000;
/** The official driver's connect timeout, in seconds: a blackholed connect hangs this long. */
const CONNECT_TIMEOUT_S = 1;

let server: TestServer;
let proxy: FaultProxy;
const pools: AsyncConnectionPool[] = [];
before(async () => {
  server = await startTestServer({ port: 0 });
  proxy = await startFaultProxy({ target: server });
});
after(async () => {
  await Promise.all(pools.map((p) => p.releasePool({ timeoutMs: 0 })));
  await proxy.stop();
  await server.stop();
});

function makePool(options: PoolOptions): AsyncConnectionPool {
  const pool = new AsyncConnectionPool({ host: proxy.host, port: proxy.port, timeout: CONNECT_TIMEOUT_S }, options);
  pools.push(pool);
  return pool;
}

/**
 * Node's timers count whole milliseconds of libuv's clock (hrtime truncated to ms), so a
 * 200 ms timer armed at x.99 ms may fire at x+200.0: 199.01 ms of real time. That millisecond
 * is the clock's granularity, not the pool firing early; more than that would be.
 */
const TIMER_GRANULARITY_MS = 1;

/** Calls acquire() and checks it rejects with PoolTimeoutError within [deadline, deadline + guard). */
async function timesOut(pool: AsyncConnectionPool, what: string): Promise<number> {
  const start = performance.now();
  const err = await pool.acquire().then(
    (conn) => {
      pool.release(conn);
      return assert.fail(`${what}: acquire() resolved while the server is unreachable`);
    },
    (e: unknown) => e,
  );
  const elapsed = performance.now() - start;
  assert.ok(err instanceof PoolTimeoutError, `${what}: expected PoolTimeoutError, got ${String(err)}`);
  assert.ok(elapsed >= ACQUIRE_TIMEOUT_MS - TIMER_GRANULARITY_MS,
    `${what}: rejected after ${elapsed.toFixed(2)} ms, before the ${ACQUIRE_TIMEOUT_MS} ms deadline`);
  assert.ok(elapsed < ACQUIRE_TIMEOUT_MS + HANG_GUARD_MS, `${what}: rejected only after ${elapsed.toFixed(0)} ms`);
  return elapsed;
}

/** Sequential calls, then a burst of concurrent ones: each times out at its own deadline. */
async function everyCallTimesOut(pool: AsyncConnectionPool, what: string): Promise<void> {
  for (let i = 0; i < 4; i++) await timesOut(pool, `${what}, call ${i + 1}`);
  await Promise.all(Array.from({ length: 8 }, (_, i) => timesOut(pool, `${what}, concurrent call ${i + 1}`)));
}

it('blackholed before the pool opens: every acquire() times out at acquireTimeoutMs', async () => {
  proxy.blackhole(true);
  try {
    const pool = makePool({ poolSize: 2, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, backoff: { baseMs: 10, maxMs: 100 } });
    await everyCallTimesOut(pool, 'blackholed from the start');
    // Released here, not in after(): its retries would count as attempts in the next tests.
    await pool.releasePool({ timeoutMs: 0 });
  } finally {
    proxy.blackhole(false);
  }
});

it('blackholed after the pool was healthy: every acquire() times out, then the pool serves again', async () => {
  // validateAfterIdleMs 0: every hand-out is pinged. With the default (1 s), a connection used
  // a moment ago is handed out unchecked, as documented: the pool cannot know it went silent.
  const pool = makePool({
    poolSize: 2, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, validateAfterIdleMs: 0, pingTimeoutMs: 50,
    backoff: { baseMs: 10, maxMs: 100 },
  });
  await pool.initPool();
  const conn = await pool.acquire();
  pool.release(conn);
  // Idle for longer than validateAfterIdleMs (0: any full millisecond), so it is validated.
  await new Promise((resolve) => setTimeout(resolve, 5));
  proxy.blackhole(true);
  try {
    await everyCallTimesOut(pool, 'blackholed after healthy');
  } finally {
    proxy.blackhole(false);
  }
  // Healed: served again; the bound is one connect timeout (an attempt under way may hang that
  // long) plus one backoff step plus one more connect, plus the hang guard.
  const conn2 = await pool.acquire({ timeoutMs: 2 * CONNECT_TIMEOUT_S * 1000 + 100 + HANG_GUARD_MS });
  pool.release(conn2);
  await pool.releasePool();
});

it('while connections are refused, attempts stay bounded (no storm) and jittered', async () => {
  const backoff = { baseMs: 10, maxMs: 100 };
  const poolSize = 3;
  const pool = makePool({ poolSize, acquireTimeoutMs: 100, backoff });
  const errors: { at: number; attempt: number; retryInMs: number | undefined }[] = [];
  pool.on('connectError', (e) => errors.push({ at: Date.now(), attempt: e.attempt, retryInMs: e.retryInMs }));
  proxy.refuse(true);
  const acceptedBefore = proxy.stats().accepted;
  const OUTAGE_MS = 1_000;
  const end = Date.now() + OUTAGE_MS;
  try {
    // Ten callers hammer acquire(): demand is there the whole time, so only backoff holds
    // the attempts back.
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (Date.now() < end) {
        await pool.acquire().then((c) => pool.release(c), (e: unknown) => assert.ok(e instanceof PoolTimeoutError, String(e)));
      }
    }));
  } finally {
    proxy.refuse(false);
  }
  const attempts = proxy.stats().accepted - acceptedBefore;
  await pool.releasePool();

  // The bound. The first failure may come from up to poolSize attempts opened together; after
  // that the pool sends one probe at a time, each after a delay drawn uniformly from
  // [0, min(maxMs, baseMs * 2^(n-1))]. Once the ceiling reaches maxMs the mean delay is
  // maxMs / 2, so about OUTAGE_MS / (maxMs / 2) = 20 probes fit in the outage. Three times
  // that plus poolSize (63) is missed by a correct pool with a probability below 1e-15
  // (it needs 60 uniform delays summing under 1 s, mean 3 s, 9 standard deviations away);
  // a pool without backoff makes hundreds of attempts against a port that resets at once.
  const bound = poolSize + 3 * Math.ceil(OUTAGE_MS / (backoff.maxMs / 2));
  assert.ok(attempts > poolSize, `the pool kept trying (${attempts} attempts)`);
  assert.ok(attempts <= bound, `${attempts} connect attempts in ${OUTAGE_MS} ms: a connect storm (bound ${bound})`);
  // Every attempt the proxy saw failed and was reported (the last may still be settling).
  assert.ok(errors.length >= attempts - 1 && errors.length <= attempts, `${errors.length} connectError events for ${attempts} attempts`);

  // Each scheduled delay is within its exponential ceiling, and they are jittered: neither the
  // delays the pool chose nor the gaps measured between failures are all the same.
  const delays = errors.flatMap((e) => (e.retryInMs === undefined ? [] : [e.retryInMs]));
  for (const e of errors) {
    if (e.retryInMs !== undefined) assert.ok(e.retryInMs <= backoffCeiling(e.attempt, backoff.baseMs, backoff.maxMs));
  }
  const gaps = errors.slice(poolSize).map((e, i) => e.at - errors[poolSize + i - 1]!.at);
  assert.ok(new Set(delays).size > 1, `backoff delays are all ${delays[0]} ms: no jitter`);
  assert.ok(new Set(gaps).size > 1, `gaps between attempts are all ${gaps[0]} ms: no jitter`);
});

it('with the server stopped, acquire() times out at its deadline and attempts stay bounded', async () => {
  const backoff = { baseMs: 10, maxMs: 100 };
  // Straight to a stopped server (no proxy): the OS refuses the connection.
  const down = await startTestServer({ port: 0 });
  const { host, port } = down;
  await down.stop();
  const pool = new AsyncConnectionPool({ host, port, timeout: CONNECT_TIMEOUT_S }, { poolSize: 3, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS, backoff });
  pools.push(pool);
  let attempts = 0;
  pool.on('connectError', () => attempts++);
  const start = Date.now();
  while (Date.now() - start < 1_000) await timesOut(pool, 'server stopped');
  const elapsed = Date.now() - start;
  await pool.releasePool();
  const bound = 3 + 3 * Math.ceil(elapsed / (backoff.maxMs / 2));
  assert.ok(attempts > 3 && attempts <= bound, `${attempts} connect attempts in ${elapsed} ms (bound ${bound})`);
});

// Regression: Maintenance.failed() used to count every failed attempt, so when the server
// vanished under a full pool the poolSize reconnects that start together and fail together
// counted as poolSize consecutive failures, and the very next probe already waited up to
// min(maxMs, baseMs * 2^poolSize) (with poolSize 10 and the default backoff, a 50 ms blip
// left the pool waiting up to 10 s for its second attempt). Attempts started together count
// as one failure.
it('a burst of reconnects that fail together counts as one failure for the backoff', async () => {
  const backoff = { baseMs: 100, maxMs: 10_000 };
  const pool = makePool({ poolSize: 8, acquireTimeoutMs: 1_000, backoff });
  await pool.initPool();
  const events: { attempt: number; retryInMs: number | undefined }[] = [];
  pool.on('connectError', (e) => events.push({ attempt: e.attempt, retryInMs: e.retryInMs }));
  proxy.refuse(true);
  proxy.resetAll(); // every connection breaks; the pool reopens them all at once, and all fail
  try {
    // The first failure schedules the retry (retryInMs set; the rest of the burst finds the
    // timer pending). The next event with retryInMs set is the probe the timer sent.
    const end = Date.now() + 3_000;
    while (events.filter((e) => e.retryInMs !== undefined).length < 2 && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const scheduled = events.filter((e) => e.retryInMs !== undefined);
    assert.ok(scheduled.length >= 2, `no probe after the burst (${events.length} failures)`);
    const probe = scheduled[1]!;
    assert.ok(probe.attempt <= 2,
      `the first probe after a burst of ${events.length - 1} failed reconnects counts as failure ${probe.attempt}: ` +
        `its next delay may be ${backoffCeiling(probe.attempt, backoff.baseMs, backoff.maxMs)} ms, not ${backoffCeiling(2, backoff.baseMs, backoff.maxMs)} ms`);
  } finally {
    proxy.refuse(false);
    await pool.releasePool({ timeoutMs: 0 });
  }
});
