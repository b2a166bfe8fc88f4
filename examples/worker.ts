// A queue worker: a few loops poll a `jobs` table, claim one pending job each (an atomic
// compare-and-set on its status), do the work and mark it done. On SIGTERM or SIGINT it
// drains: it stops claiming, lets the jobs in flight finish, releases the pool and exits 0.
//
// Run:        npx tsx examples/worker.ts        (Ctrl-C to stop)
// Self-test:  npx tsx examples/worker.ts --self-test   (sends itself SIGTERM after 5 jobs)
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import r from 'rethinkdb';
import { AsyncConnectionPool } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

const selfTest = process.argv.includes('--self-test');
const CONCURRENCY = 3;

// The embedded test server stands in for RethinkDB; seed it with some work.
const db = await startTestServer({ port: 0 });
const pool = new AsyncConnectionPool({ host: db.host, port: db.port, db: 'test' }, { poolSize: CONCURRENCY });
await pool.initPool();
await pool.run(r.db('test').tableCreate('jobs'));
const jobs = r.table('jobs');
await pool.run(jobs.insert(Array.from({ length: 20 }, (_, n) => ({ n, status: 'pending' }))));

const stopping = new AbortController(); // aborted on SIGTERM/SIGINT: no new job is claimed
let processed = 0;
let inFlightAtStop = -1;
type Job = { id: string; n: number };

/** Claims a pending job, or returns undefined when there is none left to win. */
async function claim(): Promise<Job | undefined> {
  // A few candidates, so that loops racing for the first one can win the next.
  const candidates = (await pool.run(jobs.filter({ status: 'pending' }).limit(CONCURRENCY))) as Job[];
  for (const job of candidates) {
    // Compare-and-set: only one worker turns 'pending' into 'running'.
    const claimed = r.branch(r.row('status').eq('pending'), r.expr({ status: 'running' }), r.expr({}));
    const result = await pool.run(jobs.get(job.id).update(claimed));
    if (result.replaced === 1) return job;
  }
  return undefined;
}

/** The work itself; it holds a leased connection for its whole duration. */
async function work(job: Job): Promise<void> {
  await using conn = await pool.connect();
  await sleep(30); // pretend to compute something
  await jobs.get(job.id).update({ status: 'done', result: job.n * 2 }).run(conn);
  processed++;
}

async function loop(): Promise<void> {
  while (!stopping.signal.aborted) {
    const job = await claim();
    if (job) {
      await work(job); // once claimed, a job is always finished, even while stopping
    } else {
      await sleep(100, undefined, { signal: stopping.signal }).catch(() => {}); // idle poll; wakes on stop
    }
  }
}

const stop = (signal: NodeJS.Signals) => {
  inFlightAtStop = pool.stats().leased; // each job in flight holds one lease
  console.log(`${signal}: finishing ${inFlightAtStop} job(s) in flight, claiming no more`);
  stopping.abort();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

if (selfTest) {
  // Stop in the middle of things: right as a job starts once 5 are done.
  const onAcquire = () => {
    if (processed < 5) return;
    pool.off('acquire', onAcquire); // one signal only: a second SIGTERM would kill the process
    process.kill(process.pid, 'SIGTERM');
  };
  pool.on('acquire', onAcquire);
}
console.log(`worker: ${CONCURRENCY} loops polling the jobs table`);
await Promise.all(Array.from({ length: CONCURRENCY }, loop)); // resolves once every loop drained

const count = (status: string) => pool.run(jobs.filter({ status }).count());
const [done, running, pending] = [await count('done'), await count('running'), await count('pending')];
console.log(`drained: ${processed} processed, ${done} done, ${running} running, ${pending} pending`);

await pool.releasePool({ timeoutMs: 10_000 }); // waits for leases, then closes every connection
await db.stop();

if (selfTest) {
  assert.ok(inFlightAtStop >= 1, 'SIGTERM came while jobs were in flight');
  assert.equal(running, 0, 'every job in flight was finished');
  assert.equal(done, processed);
  assert.ok(processed >= 5 && pending > 0, 'stopped taking new work after SIGTERM');
  assert.equal(pool.stats().size, 0);
  console.log('self-test passed');
}
// Nothing is left open: the process exits by itself, with code 0.
