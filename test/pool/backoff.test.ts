// Reconnects back off exponentially with full jitter, reset on success; no connect storm.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { backoffCeiling, backoffDelay } from '../../src/core/lifetime.js';
import { deadPort, waitFor } from './helpers.js';

let server: TestServer | undefined;
after(() => server?.stop());

it('delays are full jitter under an exponential ceiling capped at maxMs', () => {
  assert.equal(backoffDelay(0, 100, 10_000), 0);
  assert.equal(backoffDelay(1, 100, 10_000, () => 0.999), 99);
  assert.equal(backoffDelay(3, 100, 10_000, () => 0.5), 200);
  assert.equal(backoffDelay(20, 100, 10_000, () => 0.999), 9_990);
  assert.equal(backoffDelay(5, 100, 10_000, () => 0), 0);
  for (let n = 1; n < 12; n++) {
    assert.equal(backoffCeiling(n, 100, 10_000), Math.min(10_000, 100 * 2 ** (n - 1)));
  }
});

it('retries in the background with growing delays, one attempt at a time, and resets on success', async () => {
  const port = await deadPort();
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port }, { poolSize: 3, backoff: { baseMs: 5, maxMs: 40 } });
  const attempts: { attempt: number; retryInMs: number | undefined }[] = [];
  let maxOpening = 0;
  pool.on('connectError', (e) => {
    attempts.push({ attempt: e.attempt, retryInMs: e.retryInMs });
    if (attempts.length > 2) maxOpening = Math.max(maxOpening, pool.stats().opening); // past the initial batch
  });
  await assert.rejects(pool.initPool());
  await waitFor(() => attempts.length >= 8, 10_000, 'retries');
  assert.ok(maxOpening <= 1, `opening went to ${maxOpening} during the outage`);
  const later = attempts.slice(2);
  for (const a of later) {
    if (a.retryInMs !== undefined) assert.ok(a.retryInMs <= backoffCeiling(a.attempt, 5, 40));
  }
  // The first maxConnecting (2) attempts start together and fail together: they count as one
  // failure (attempt 1 each); every probe after them is one more.
  assert.deepEqual(attempts.slice(0, 2).map((a) => a.attempt), [1, 1], 'a burst counts once');
  assert.ok(attempts.at(-1)!.attempt >= attempts.length - 2, 'attempt numbers grow with each probe');
  server = await startTestServer({ port });
  await waitFor(() => pool.stats().idle === 3, 10_000, 'reconnect after the outage');
  await server.restart(); // drop everything: the next failure starts from baseMs again
  const after = await new Promise<{ attempt: number }>((resolve) => {
    pool.on('connectError', resolve);
    pool.on('open', () => resolve({ attempt: 0 }));
  });
  assert.ok(after.attempt <= 1);
  await pool.releasePool();
});
