// Passwords appear nowhere: messages, events, stats(), inspect(), JSON.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { startServer } from './helpers.js';

const SECRET = 'hunter2-do-not-print';
let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

it('never shows the password', async () => {
  const pool = new AsyncConnectionPool(
    { host: server.host, port: server.port, user: 'bob', password: SECRET, ssl: { key: SECRET } },
    { poolSize: 1, acquireTimeoutMs: 50 },
  );
  const texts: string[] = [];
  for (const name of ['connectError', 'unhealthy', 'close', 'open'] as const) {
    pool.on(name, (p) => texts.push(inspect(p, { depth: 6 }), JSON.stringify(p) ?? ''));
  }
  const err = await pool.initPool().then(() => assert.fail('resolved'), (e: unknown) => e as Error);
  texts.push(err.message, inspect(err, { depth: 6 }), String(err.stack));
  const timeout = await pool.acquire().then(() => assert.fail('resolved'), (e: unknown) => e as Error);
  texts.push(timeout.message, inspect(timeout, { depth: 6 }));
  texts.push(inspect(pool), inspect(pool, { depth: 10 }), JSON.stringify(pool), JSON.stringify(pool.stats()));
  const shown = inspect(pool);
  assert.match(shown, /\[redacted\]/);
  assert.match(shown, /poolSize/);
  for (const text of texts) assert.ok(!text.includes(SECRET), `password shown in: ${text}`);
  await pool.releasePool();
});

it('inspect(pool) sums up binary data and long strings, and stops at a few levels', async () => {
  const { inspect } = await import('node:util');
  const { AsyncConnectionPool: Pool } = await import('../../src/index.js');
  const ca = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(4_096)}\n-----END CERTIFICATE-----`;
  const pfx = Buffer.from('binary-pfx-secret-material');
  const pool = new Pool({
    host: '127.0.0.1', port: 1,
    ssl: { ca, pfx, passphrase: 'pfx-passphrase', deep: { a: { b: { c: { d: { e: 'too deep' } } } } } },
  } as never, { poolSize: 1 });
  const shown = inspect(pool, { depth: Infinity });
  assert.doesNotMatch(shown, /binary-pfx-secret-material|pfx-passphrase|too deep/);
  assert.ok(!shown.includes('A'.repeat(200)), 'a 4 KiB CA is summed up, not printed');
  assert.ok(shown.length < 8_000, `inspect output is ${shown.length} characters`);
  assert.match(shown, /\[string of \d+ characters\]|\[redacted\]/);
  assert.doesNotMatch(JSON.stringify(pool), /binary-pfx-secret-material|pfx-passphrase/);
  await pool.releasePool();
});
