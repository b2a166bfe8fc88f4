// Chaos: dozens of clients run mixed work through the fault proxy and the pool while a seeded
// fault plan drops, resets, stalls, slows and restarts. Replay a failure with the seed it
// prints:  CHAOS_SEED=<n> npm test -- chaos
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolError } from '../../src/index.js';
import { chaosSeed, runFaultPlan } from './chaos-plan.js';
import { monitorConnections } from './chaos-monitor.js';
import { errorKey, LEASE_QUERY_DEADLINE_MS, startWorkload, tally, type Op } from './chaos-workload.js';

const seed = chaosSeed();
const REPLAY = `CHAOS_SEED=${seed} npm test -- chaos`;
const CLIENTS = 40;
const FAULT_MS = 20_000;
/** The official driver's connect `timeout` option, in seconds. */
const CONNECT_TIMEOUT_S = 2;
const OPTIONS = {
  poolSize: 6,
  acquireTimeoutMs: 1_500,
  pingTimeoutMs: 300,
  validateAfterIdleMs: 200,
  keepaliveMs: 250,
  backoff: { baseMs: 10, maxMs: 200 },
};

// Recorded for the whole file: no promise of the pool may be left rejected with nobody listening.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

let server: TestServer | undefined;
let proxy: FaultProxy | undefined;
let pool: AsyncConnectionPool<r.Connection> | undefined;
after(async () => {
  await pool?.releasePool({ timeoutMs: 0 });
  await proxy?.stop();
  await server?.stop();
  process.off('unhandledRejection', onUnhandled);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `p` settles or after `ms`, whichever is first (the timer never outlives it). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const isExpected = (err: unknown) =>
  err instanceof PoolError || (typeof (err as Error)?.name === 'string' && (err as Error).name.startsWith('Reql'));

it(`survives a seeded fault plan (seed ${seed})`, async () => {
  try {
    await chaos();
  } catch (err) {
    console.error(`chaos failed with seed ${seed}; replay: ${REPLAY}`);
    throw err;
  }
});

async function chaos(): Promise<void> {
  server = await startTestServer({ port: 0 });
  proxy = await startFaultProxy({ target: server });
  const admin = await r.connect({ host: server.host, port: server.port });
  await r.db('test').tableCreate('chaos').run(admin);
  await admin.close();

  pool = new AsyncConnectionPool({ host: proxy.host, port: proxy.port, timeout: CONNECT_TIMEOUT_S }, OPTIONS);
  await pool.initPool();
  const monitor = monitorConnections(pool, server, proxy);
  const work = startWorkload(pool, CLIENTS, seed, 'chaos');
  const faults = await runFaultPlan(seed, FAULT_MS, server, proxy);
  const healedAt = Date.now();

  // Once healed, the pool must serve again within one backoff step (maxMs) plus one connect.
  // A connect attempt started during the fault may itself take the driver's whole connect
  // timeout to fail, hence two connect timeouts; pingTimeoutMs covers validating an idle one.
  const connectMs = CONNECT_TIMEOUT_S * 1000;
  const recoveryBound = connectMs + OPTIONS.backoff.maxMs + connectMs + OPTIONS.pingTimeoutMs;
  const conn = await pool.acquire({ timeoutMs: recoveryBound });
  const recoveredMs = Date.now() - healedAt;
  pool.release(conn);

  // Let the clients work on a healthy pool for a moment, then stop them. Each lease ends
  // within acquireTimeoutMs + the query deadline, so this wait is a bound, not a guess.
  await sleep(1_000);
  work.stop();
  await within(work.done, OPTIONS.acquireTimeoutMs + OPTIONS.pingTimeoutMs + LEASE_QUERY_DEADLINE_MS + 1_000);
  const beforeClose = pool.stats();
  const report = monitor.stop();

  // Only one kind of operation may still be pending: a multiplexed run() or cursor whose query
  // or answer the proxy discarded during a blackhole (unlike real TCP, bytes are not delivered
  // later). The driver has no query timeout and run() has no lease to discard; releasePool()
  // closes their connections, which rejects them.
  const pending = work.ops.filter((op) => op.end === undefined);
  const lastBlackholeEnd = Math.max(0, ...faults.blackholes.map((b) => b.end));
  const unexplained = pending.filter((op) => op.kind.startsWith('lease') || op.kind === 'with-connection' || op.start > lastBlackholeEnd);
  assert.deepEqual(unexplained.map(describeOp), [], `operations that never settled (${REPLAY})`);

  assert.equal(beforeClose.leased, 0, `leases left after the clients stopped (${REPLAY})`);
  assert.equal(beforeClose.size, beforeClose.ready + beforeClose.leased + beforeClose.opening);
  assert.deepEqual(report.violations, [], `connection counts broke their bound (${REPLAY})`);

  await pool.releasePool({ timeoutMs: 1_000 });
  await within(work.done, 2_000);
  const settled = work.ops.filter((op) => op.end !== undefined);
  assert.equal(settled.length, work.ops.length, `operations still pending after releasePool() (${REPLAY})`);
  const failures = settled.filter((op) => op.error !== undefined);
  const odd = failures.filter((op) => !isExpected(op.error)).map((op) => `${op.kind}: ${String(op.error)}`);
  assert.deepEqual(odd.slice(0, 10), [], `failures that are neither PoolError nor Reql* errors (${REPLAY})`);
  assert.ok(settled.length > failures.length, 'some operations succeeded');

  // Every acknowledged write is in the table (read straight from the server, not the proxy).
  const check = await r.connect({ host: server.host, port: server.port });
  const ids = new Set(await r.table('chaos').getField('id').coerceTo('array').run(check) as string[]);
  await check.close();
  const lost = work.acked.filter((id) => !ids.has(id));
  assert.deepEqual(lost, [], `acknowledged writes missing from the table (${REPLAY})`);

  await sleep(10); // a rejection nobody handles is reported after the microtask queue drains
  assert.deepEqual(unhandled.map(String), [], `unhandled rejections (${REPLAY})`);

  const faultSummary = Object.entries(faults.counts).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(
    `chaos seed=${seed}: faults ${faultSummary}; ${settled.length} operations by ${CLIENTS} clients, ` +
      `${failures.length} failed (${tally(failures.map((op) => errorKey(op.error)))}); ` +
      `${pending.length} lost in a blackhole; ${work.acked.length} writes acknowledged, 0 lost; ` +
      `peak connections server=${report.peakServer} proxy=${report.peakProxy} poolSize=${OPTIONS.poolSize} ` +
      `(peak closing ${report.peakClosing}); serving again ${recoveredMs} ms after the faults stopped`,
  );
}

function describeOp(op: Op): string {
  return `${op.kind} started ${new Date(op.start).toISOString()}`;
}
