import { after, before, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../../src/testing/index.js';
import { expiresAt, TTL_JITTER } from '../../src/core/lifetime.js';
import { makePool, nextEvent, startServer, waitFor } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('jitter takes up to 2.5 % off the TTL; 0 means forever', () => {
  assert.equal(expiresAt(1000, 100_000, () => 0), 101_000);
  assert.equal(expiresAt(1000, 100_000, () => 0.999999), 1000 + 100_000 - Math.floor(100_000 * TTL_JITTER * 0.999999));
  for (let i = 0; i < 1000; i++) {
    const at = expiresAt(0, 3_600_000);
    assert.ok(at <= 3_600_000 && at >= 3_600_000 * (1 - TTL_JITTER));
  }
  assert.equal(expiresAt(1000, 0), Infinity);
});

it('an idle connection past its TTL is closed (reason ttl) and replaced in the background', async () => {
  const pool = makePool(server, { poolSize: 2, connectionTtlMs: 80 });
  await pool.initPool();
  const closed = await nextEvent(pool, 'close');
  assert.equal(closed.reason, 'ttl');
  await waitFor(() => pool.stats().created >= 4 && pool.stats().idle === 2, 5_000, 'replacements');
  await pool.releasePool();
});

it('a leased connection past its TTL is closed on release, not reused', async () => {
  const pool = makePool(server, { poolSize: 1, connectionTtlMs: 60 });
  await pool.initPool();
  const conn = await pool.acquire();
  await new Promise((r) => setTimeout(r, 90));
  const closed = nextEvent(pool, 'close');
  pool.release(conn);
  assert.equal((await closed).reason, 'ttl');
  const next = await pool.acquire();
  assert.notEqual(next, conn);
  pool.release(next);
  await pool.releasePool();
});

it('TTL is checked on every hand-out, even before its timer fires', async () => {
  const pool = makePool(server, { poolSize: 1, connectionTtlMs: 3_600_000, validateAfterIdleMs: 100_000_000 });
  await pool.initPool();
  const first = await pool.acquire();
  pool.release(first);
  const realNow = Date.now;
  const now = mock.method(Date, 'now', () => realNow() + 3_600_001); // the clock jumps past the TTL
  try {
    // The pool reads the clock once per event-loop turn (src/pool/clock.ts): let a turn pass.
    await new Promise((resolve) => setImmediate(resolve));
    const next = pool.acquire();
    assert.equal(pool.stats().leased, 0, 'the expired connection must not be handed out');
    now.mock.restore();
    const conn = await next;
    assert.notEqual(conn, first);
    pool.release(conn);
  } finally {
    now.mock.restore();
  }
  await pool.releasePool();
});
