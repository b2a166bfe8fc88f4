// An HTTP service (node:http) that uses one pool for every request, three ways:
//   GET  /heroes        `await using conn = await pool.connect()`: a lease released at block end
//   GET  /heroes/count  `pool.run(query)`: no lease, the query shares a connection
//   POST /heroes        `pool.withConnection(fn)`: a lease released when fn settles
//   GET  /health        `pool.stats()`
// A PoolTimeoutError (every connection busy for acquireTimeoutMs) becomes 503 + Retry-After.
//
// Run:        npx tsx examples/http-service.ts            (PORT=8080 to choose the port)
// Self-test:  npx tsx examples/http-service.ts --self-test
// It starts the embedded test server, so it needs no RethinkDB; for a real one, give the
// pool your { host, port, db, user, password } instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { AsyncConnectionPool, PoolError, PoolTimeoutError } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

const db = await startTestServer({ port: 0 });
const pool = new AsyncConnectionPool(
  { host: db.host, port: db.port, db: 'test' },
  { poolSize: 4, acquireTimeoutMs: 1_000 }, // answer 503 fast rather than queue for 30 s
);
await pool.initPool();
await pool.run(r.db('test').tableCreate('heroes'));
await pool.run(r.table('heroes').insert([{ name: 'Iron Man' }, { name: 'Storm' }, { name: 'Thor' }]));

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function route(req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /heroes': {
      await using conn = await pool.connect(); // released when this block ends, even on throw
      const cursor = await r.table('heroes').orderBy('name').run(conn);
      return cursor.toArray();
    }
    case 'GET /heroes/count':
      return { count: await pool.run(r.table('heroes').count()) };
    case 'POST /heroes': {
      const body = JSON.parse(await readBody(req)) as { name?: unknown };
      if (typeof body.name !== 'string' || body.name === '') throw new HttpError(400, 'name must be a non-empty string');
      const name = body.name;
      const result = await pool.withConnection((conn) => r.table('heroes').insert({ name }).run(conn));
      return { id: result.generated_keys[0], name };
    }
    case 'GET /health':
      return pool.stats();
    default:
      throw new HttpError(404, `no route ${route}`);
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let status = 200;
  let body: unknown;
  try {
    body = await route(req);
  } catch (err) {
    if (err instanceof PoolTimeoutError) {
      // Every connection stayed busy: tell the client to come back rather than pile up.
      status = 503;
      res.setHeader('Retry-After', '1');
    } else if (err instanceof PoolError) {
      status = 503; // closed pool, server down (err.code says which)
    } else if (err instanceof HttpError) {
      status = err.status;
    } else if (err instanceof SyntaxError) {
      status = 400;
    } else {
      status = 500;
      console.error(err);
    }
    body = { error: err instanceof PoolError ? err.code : (err as Error).message };
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

const server = createServer((req, res) => void handle(req, res));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`listening on ${base}`);

// Shutdown order: stop taking requests, let the pool drain, then stop the database.
async function shutdown(): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await pool.releasePool({ timeoutMs: 5_000 });
  await db.stop();
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

if (process.argv.includes('--self-test')) {
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
  };
  const list = (await get('/heroes')).body as unknown as { name: string }[];
  assert.deepEqual(list.map((h) => h.name), ['Iron Man', 'Storm', 'Thor']);
  const created = await fetch(`${base}/heroes`, { method: 'POST', body: JSON.stringify({ name: 'Wasp' }) });
  assert.equal(created.status, 200);
  assert.deepEqual(await get('/heroes/count'), { status: 200, retryAfter: null, body: { count: 4 } });
  assert.equal((await get('/nope')).status, 404);

  // Hold every connection: the next request waits acquireTimeoutMs, then gets 503.
  const held = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()));
  const busy = await get('/heroes');
  assert.equal(busy.status, 503);
  assert.equal(busy.retryAfter, '1');
  assert.equal(busy.body.error, 'REPOOL_TIMEOUT');
  for (const conn of held) pool.release(conn);

  const health = (await get('/health')).body;
  assert.equal(health.leased, 0);
  assert.equal(health.timeouts, 1);
  await shutdown();
  console.log('self-test passed');
}
