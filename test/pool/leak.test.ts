// leakDetectionMs: a lease held longer emits `leak` once, with the stack of the acquire()
// that took it (a readable one: "acquire() called" on its own line, then the frames). On a
// fake clock: the report comes exactly at the threshold, and never for a lease ended in time.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, type PoolEvents } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { memoryConnector, type MemConn } from '../support/memory-connector.js';

function setup(leakDetectionMs: number) {
  const clock = createFakeClock();
  const pool = new AsyncConnectionPool<MemConn, unknown>({}, { driver: memoryConnector(), clock, poolSize: 1, leakDetectionMs });
  const leaks: PoolEvents['leak'][] = [];
  pool.on('leak', (e) => leaks.push(e));
  return { clock, pool, leaks };
}

it('emits leak at leakDetectionMs with the stack of the acquire() that took the connection', async () => {
  const { clock, pool, leaks } = setup(30);
  const conn = await pool.acquire(); // this line must appear in the stack
  await clock.advance(29);
  assert.equal(leaks.length, 0);
  await clock.advance(1);
  assert.equal(leaks.length, 1);
  const [event] = leaks;
  assert.match(event!.stack, /^acquire\(\) called\n {4}at /);
  assert.match(event!.stack, /leak\.test\.ts/);
  assert.equal(event!.heldMs, 30);
  assert.equal(pool.stats().leaks, 1);
  await clock.advance(1_000);
  assert.equal(leaks.length, 1, 'once per lease');
  pool.release(conn);
  await pool.releasePool();
});

it('no leak when the lease ends in time, or when detection is off', async () => {
  for (const leakDetectionMs of [40, 0]) {
    const { clock, pool, leaks } = setup(leakDetectionMs);
    pool.release(await pool.acquire());
    await clock.advance(1_000);
    assert.equal(leaks.length, 0);
    await pool.releasePool();
  }
});
