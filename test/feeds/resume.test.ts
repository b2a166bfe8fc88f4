// The feed machinery of pool.changes(), over in-memory connections and a fake clock: a feed
// whose connection dies is resumed on another one with backoff (feedResumed, markers), the
// consumer sets the pace, errors that are not connection failures end it, and close() and
// releasePool() end the iteration. (Feeds through the real drivers: changes-*.test.ts.)
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, type PoolEvents } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { memoryConnector, type MemConn } from '../support/memory-connector.js';

/** A feed query over in-memory connections: items pushed by the test, one cursor per run. */
function fakeFeed() {
  const runs: { conn: MemConn; push(item: unknown): void; fail(e: unknown): void; reads: number; closed: boolean }[] = [];
  const query = {
    run: async (conn: MemConn) => {
      const queue: unknown[] = [];
      const waiting: { resolve(v: unknown): void; reject(e: unknown): void }[] = [];
      const run = {
        conn, reads: 0, closed: false,
        push(item: unknown) {
          const w = waiting.shift();
          if (w) w.resolve(item);
          else queue.push(item);
        },
        fail(e: unknown) {
          for (const w of waiting.splice(0)) w.reject(e);
        },
      };
      conn.closeListeners.push(() => run.fail(new Error('Connection is closed.')));
      runs.push(run);
      return {
        next: () => {
          run.reads++;
          if (queue.length > 0) return Promise.resolve(queue.shift());
          if (run.closed) return Promise.reject(new Error('No more rows in the cursor.'));
          if (!conn.open) return Promise.reject(new Error('Connection is closed.'));
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        },
        close: async () => {
          run.closed = true;
          run.fail(new Error('No more rows in the cursor.'));
        },
        toArray: async () => [],
      };
    },
  };
  return { query, runs };
}

async function tick(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

it('a feed whose connection dies resumes on another, says so, and goes on yielding', async () => {
  const clock = createFakeClock();
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, clock, poolSize: 2, validateAfterIdleMs: 60_000 });
  const resumed: PoolEvents['feedResumed'][] = [];
  pool.on('feedResumed', (e) => resumed.push(e));
  const { query, runs } = fakeFeed();
  const feed = pool.changes<{ n?: number; state?: string }>(query, { markers: true });
  await tick();
  assert.equal(runs.length, 1, 'opened at once');
  assert.equal(pool.stats().feeds, 1);
  runs[0]!.push({ n: 1 });
  assert.deepEqual((await feed.next()).value, { n: 1 });
  const reading = feed.next();
  driver.kill(runs[0]!.conn);
  await tick();
  await clock.advance(100);
  assert.equal(runs.length, 2, 'the query ran again');
  assert.notEqual(runs[1]!.conn, runs[0]!.conn);
  assert.deepEqual((await reading).value, { state: 'resumed' });
  assert.deepEqual((await feed.next()).value, { state: 'ready' }, 'no rows are re-sent without includeInitial');
  runs[1]!.push({ n: 2 });
  assert.deepEqual((await feed.next()).value, { n: 2 });
  assert.equal(resumed.length, 1);
  assert.equal(resumed[0]!.feedId, 1);
  assert.equal(pool.stats().feeds, 1);
  await feed.close();
  assert.equal((await feed.next()).done, true);
  assert.equal(pool.stats().feeds, 0);
  await pool.releasePool();
});

it('the consumer sets the pace: nothing is read from the driver until it asks', async () => {
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, poolSize: 1 });
  const { query, runs } = fakeFeed();
  const feed = pool.changes(query);
  await tick();
  for (let i = 0; i < 100; i++) runs[0]!.push({ i });
  await tick();
  assert.equal(runs[0]!.reads, 0);
  await feed.next();
  await feed.next();
  assert.equal(runs[0]!.reads, 2);
  await pool.releasePool();
  assert.equal((await feed.next()).done, true, 'releasePool() ends the iteration');
});

it('an error that is not a connection failure ends the feed with it', async () => {
  const driver = memoryConnector();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver, poolSize: 1 });
  const { query, runs } = fakeFeed();
  const feed = pool.changes(query);
  await tick();
  const reading = feed.next();
  await tick();
  runs[0]!.fail(Object.assign(new Error('Changefeed aborted (unavailable).'), { name: 'ReqlOpFailedError' }));
  await assert.rejects(reading, /Changefeed aborted/);
  assert.equal((await feed.next()).done, true);
  assert.equal(runs.length, 1, 'not resumed');
  await pool.releasePool();
});

it('changes() refuses a query that is not a changefeed, and converge without includeInitial', async () => {
  const { r } = await import('../pool/helpers.js');
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port: 1 }, { poolSize: 1, minIdle: 0 });
  assert.throws(() => pool.changes(r.table('t') as never), /changes\(\) takes a changefeed query/);
  assert.throws(() => pool.changes(r.table('t').changes() as never, { converge: true }), /converge needs includeInitial: true/);
  assert.throws(() => pool.changes(r.table('t').changes() as never, { convrge: true } as never), /did you mean converge\?/);
  await pool.releasePool();
});
