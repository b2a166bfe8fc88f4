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
