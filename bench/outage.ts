// Outage benchmark: how many connection attempts does the pool make during a 10 s outage,
// with the DEFAULT backoff ({ baseMs: 100, maxMs: 10 000 }) and callers hammering acquire()?
// The server sits behind the fault proxy, which refuses (resets) every new connection during
// the outage after resetting the open ones. Prints every attempt's time and the totals.
//
//   npx tsx bench/outage.ts [--outage-ms 10000] [--callers 50] [--pool-size 10]
import r from 'rethinkdb';
import { parseArgs } from 'node:util';
import { startFaultProxy, startTestServer } from '../src/testing/index.js';
import { pool as repool } from './lib/package.js';

const { AsyncConnectionPool, PoolTimeoutError } = repool;

const { values } = parseArgs({
  options: {
    'outage-ms': { type: 'string', default: '10000' },
    callers: { type: 'string', default: '50' },
    'pool-size': { type: 'string', default: '10' },
  },
});
const OUTAGE_MS = Number(values['outage-ms']);
const CALLERS = Number(values.callers);
const POOL_SIZE = Number(values['pool-size']);
/** Short, so that the callers keep coming back during the outage (a hammering client). */
const ACQUIRE_TIMEOUT_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const server = await startTestServer({ port: 0 });
const proxy = await startFaultProxy({ target: server });
// Default backoff: only poolSize and acquireTimeoutMs are set.
const pool = new AsyncConnectionPool({ host: proxy.host, port: proxy.port }, { poolSize: POOL_SIZE, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS });
await pool.initPool();

let t0 = 0;
const attempts: { at: number; attempt: number; retryInMs: number | undefined }[] = [];
pool.on('connectError', (e) => attempts.push({ at: Date.now() - t0, attempt: e.attempt, retryInMs: e.retryInMs }));
const counts = { ok: 0, timeouts: 0, otherErrors: 0, acquireCalls: 0 };
let stopping = false;
let firstOkAfterHeal: number | undefined;
let healedAt = Infinity;

async function caller(): Promise<void> {
  while (!stopping) {
    counts.acquireCalls++;
    try {
      const conn = await pool.acquire();
      try {
        await r.expr(1).run(conn);
        counts.ok++;
        if (Date.now() >= healedAt && firstOkAfterHeal === undefined) firstOkAfterHeal = Date.now() - healedAt;
      } finally {
        pool.release(conn);
      }
    } catch (err) {
      if (err instanceof PoolTimeoutError) counts.timeouts++;
      else counts.otherErrors++;
    }
    await sleep(1);
  }
}

const callers = Array.from({ length: CALLERS }, () => caller());
await sleep(500); // warm, healthy traffic first
const acceptedBefore = proxy.stats().accepted;
const refusedBefore = proxy.stats().refused;
t0 = Date.now();
proxy.refuse(true);
proxy.resetAll();
await sleep(OUTAGE_MS);
proxy.refuse(false);
healedAt = Date.now();
const attemptsInOutage = proxy.stats().refused - refusedBefore;
while (firstOkAfterHeal === undefined && Date.now() - healedAt < 30_000) await sleep(5);
stopping = true;
await Promise.all(callers);
const acceptedTotal = proxy.stats().accepted - acceptedBefore;
await pool.releasePool();
await proxy.stop();
await server.stop();

const times = attempts.map((a) => `${a.at}`).join(' ');
const delays = attempts.map((a) => (a.retryInMs === undefined ? '-' : String(a.retryInMs))).join(' ');
console.log(`outage of ${OUTAGE_MS} ms, default backoff {baseMs: 100, maxMs: 10000}, poolSize ${POOL_SIZE}, ` +
  `${CALLERS} callers hammering acquire() (acquireTimeoutMs ${ACQUIRE_TIMEOUT_MS})`);
console.log(`connect attempts during the outage: ${attemptsInOutage} (refused by the proxy; ${attempts.length} connectError events)`);
console.log(`attempt times (ms after the outage began): ${times}`);
console.log(`backoff delays chosen after each failure (ms): ${delays}`);
console.log(`acquire() calls: ${counts.acquireCalls} (${counts.ok} served, ${counts.timeouts} PoolTimeoutError, ${counts.otherErrors} other)`);
console.log(`connections accepted by the proxy from the outage until the end: ${acceptedTotal}`);
console.log(`first query served ${firstOkAfterHeal ?? 'never'} ms after the outage ended`);
