// The chaos run (not a test file; chaos-official.test.ts and chaos-ts.test.ts run it): dozens
// of clients run mixed work through the fault proxy and a pool with DEFAULT options while a
// seeded fault plan drops, resets, blackholes (bytes held, as TCP across a partition that
// heals), pauses, slows and restarts the server with a down gap. Every operation must
// settle; failures are counted by class, and those of work the pool carries (run(), cursors)
// must be the pool's typed errors. Replay a failure with CHAOS_SEED=<n>.
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolError } from '../../src/index.js';
import { chaosSeed, runFaultPlan } from './chaos-plan.js';
import { monitorConnections } from './chaos-monitor.js';
import { errorKey, LEASE_QUERY_DEADLINE_MS, POOL_MEDIATED, startWorkload, tally, type Dialect, type Op } from './chaos-workload.js';

const CLIENTS = 40;
const FAULT_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `p` settles or after `ms`, whichever is first (the timer never outlives it). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The failure's class: the pool's typed errors by code; anything else by name, marked bare. */
function failureClass(op: Op): string {
  const key = errorKey(op.error);
  return op.error instanceof PoolError ? key : `${key} (${op.kind}: the lessee's own query)`;
}

export async function chaos(dialect: Dialect): Promise<void> {
  const seed = chaosSeed();
  const replay = `CHAOS_SEED=${seed} npm test -- chaos-${dialect.name === 'official' ? 'official' : 'ts'}`;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let server: TestServer | undefined;
  let proxy: FaultProxy | undefined;
  let pool: AsyncConnectionPool<unknown, unknown> | undefined;
  try {
    server = await startTestServer({ port: 0 });
    proxy = await startFaultProxy({ target: server });
    const admin = await r.connect({ host: server.host, port: server.port });
    await r.db('test').tableCreate('chaos').run(admin);
    await admin.close();

    // Default pool options: no deadline, heartbeat, backoff or timeout of the test's own.
    pool = dialect.name === 'official'
      ? new AsyncConnectionPool({ host: proxy.host, port: proxy.port }) as AsyncConnectionPool<unknown, unknown>
      : new AsyncConnectionPool({ host: proxy.host, port: proxy.port, silent: true }, { driver: rts }) as unknown as AsyncConnectionPool<unknown, unknown>;
    await pool.initPool();
    const monitor = monitorConnections(pool, server, proxy);
    const work = startWorkload(pool, CLIENTS, seed, 'chaos', dialect);
    const faults = await runFaultPlan(seed, FAULT_MS, server, proxy);
    const healedAt = Date.now();

    // Serving again: within one backoff step of the server's return, plus one connect (the
    // acquire's own deadline is the bound, not a measurement).
    const conn = await pool.acquire({ timeoutMs: 10_000 + 10_000 + 5_000 });
    const recoveredMs = Date.now() - healedAt;
    pool.release(conn);

    await sleep(1_000);
    work.stop();
    // Each operation ends within acquireTimeoutMs plus a lease's query deadline.
    await within(work.done, 30_000 + LEASE_QUERY_DEADLINE_MS + 5_000);
    const pending = work.ops.filter((op) => op.end === undefined);
    assert.deepEqual(pending.map((op) => `${op.kind} started ${new Date(op.start).toISOString()}`), [],
      `operations that never settled with default options (${replay})`);
    const beforeClose = pool.stats();
    const report = monitor.stop();
    assert.equal(beforeClose.leased, 0, `leases left after the clients stopped (${replay})`);
    assert.equal(beforeClose.size, beforeClose.ready + beforeClose.leased + beforeClose.opening);
    assert.deepEqual(report.violations, [], `connection counts broke their bound (${replay})`);

    await pool.releasePool({ timeoutMs: 1_000 });
    const failures = work.ops.filter((op) => op.error !== undefined);
    const untyped = failures.filter((op) => POOL_MEDIATED.has(op.kind) && !(op.error instanceof PoolError));
    assert.deepEqual(untyped.slice(0, 10).map((op) => `${op.kind}: ${String(op.error)}`), [],
      `run() and cursor failures that are not the pool's typed errors (${replay})`);
    const odd = failures.filter((op) => !(op.error instanceof PoolError) && !/^Reql|^RethinkDBError/.test(String((op.error as Error)?.name)));
    assert.deepEqual(odd.slice(0, 10).map((op) => `${op.kind}: ${String(op.error)}`), [], `failures of no known class (${replay})`);
    assert.ok(work.ops.length > failures.length, 'some operations succeeded');

    // Every acknowledged write is in the table (read straight from the server, not the proxy).
    const check = await r.connect({ host: server.host, port: server.port });
    const ids = new Set(await r.table('chaos').getField('id').coerceTo('array').run(check) as string[]);
    await check.close();
    const lost = work.acked.filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], `acknowledged writes missing from the table (${replay})`);

    await sleep(10); // a rejection nobody handles is reported after the microtask queue drains
    assert.deepEqual(unhandled.map(String), [], `unhandled rejections (${replay})`);

    const faultSummary = Object.entries(faults.counts).map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(
      `chaos ${dialect.name} seed=${seed}: faults ${faultSummary} (restart gaps ${faults.restartGaps.join(', ') || 'none'} ms); ` +
        `${work.ops.length} operations by ${CLIENTS} clients, all settled; ${failures.length} failed: ` +
        `${tally(failures.map(failureClass))}; ${work.acked.length} writes acknowledged, 0 lost; ` +
        `peak connections server=${report.peakServer} proxy=${report.peakProxy} (poolSize 3, peak retiring+closing ${report.peakClosing}); ` +
        `serving again ${recoveredMs} ms after the faults stopped`,
    );
  } catch (err) {
    console.error(`chaos failed; replay: ${replay}`);
    throw err;
  } finally {
    process.off('unhandledRejection', onUnhandled);
    if (pool && !pool.closed) await pool.releasePool({ timeoutMs: 0 });
    await proxy?.stop();
    await server?.stop();
  }
}
