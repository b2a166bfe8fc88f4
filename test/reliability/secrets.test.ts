// No password, SCRAM proof, nonce or salted password shows anywhere a user can see it:
// errors (message, stack, cause chain, JSON), event payloads, stats(), logs, inspect() and
// JSON of the pool, on the happy path and on failure paths. Extends test/pool/secrets.test.ts
// (which covers a wrong password's messages, inspect and JSON at default depth).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { AsyncConnectionPool, type PoolEvents } from '../../src/index.js';
import { startTestServer } from '../../src/testing/index.js';
import { USER, saltedPassword, startHostileServer, type HostileServer, type Script } from './hostile-server.js';

const PASSWORD = 'Sup3r-S3cret-pw';
const EVENTS: (keyof PoolEvents)[] = ['open', 'close', 'acquire', 'release', 'connectError', 'leak', 'healthy', 'unhealthy'];

/** Everything shown anywhere during the test. */
const shown: string[] = [];
/** Every secret derived from the password, as text in the forms it could leak in. */
const secrets = new Set<string>();
const servers: HostileServer[] = [];

function show(value: unknown): void {
  if (typeof value === 'string') return void shown.push(value);
  shown.push(inspect(value, { depth: Infinity, showHidden: true, getters: true }));
  try {
    shown.push(JSON.stringify(value, ownProps()) ?? '');
  } catch {
    // A cycle: inspect above still saw everything.
  }
  for (let e: unknown = value, i = 0; e instanceof Error && i < 10; e = e.cause, i++) {
    shown.push(e.message, String(e.stack), JSON.stringify(Object.getOwnPropertyNames(e).map((k) => [k, String((e as never)[k])])));
  }
}

/** A JSON replacer that also writes an Error's own properties (message, stack, cause). */
function ownProps() {
  return (_key: string, v: unknown) =>
    v instanceof Error ? Object.fromEntries(Object.getOwnPropertyNames(v).map((k) => [k, (v as never)[k]])) : v;
}

// Log lines: whatever the pool or a driver writes to the console or the standard streams.
const restore: (() => void)[] = [];
before(() => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: never[]) => {
      shown.push(String(chunk));
      return write(chunk as never, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write as typeof stream.write));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      shown.push(args.map((a) => inspect(a, { depth: Infinity })).join(' '));
      original.apply(console, args);
    };
    restore.push(() => (console[level] = original));
  }
});
after(async () => {
  for (const undo of restore) undo();
  for (const s of servers) await s.stop();
});

async function hostile(script?: Script, password = PASSWORD): Promise<HostileServer> {
  const s = await startHostileServer(script, password);
  servers.push(s);
  return s;
}

/** A pool with every event recorded; `driver` 'ts' picks rethinkdb-ts. */
function pool(port: number, driver: 'official' | 'ts', options: object = {}) {
  const connect = { host: '127.0.0.1', port, user: USER, password: PASSWORD, timeout: 1, ...(driver === 'ts' ? { silent: true } : {}) };
  const p = new AsyncConnectionPool<any>(connect, {
    ...(driver === 'ts' ? { driver: rts } : {}),
    poolSize: 1, acquireTimeoutMs: 300, pingTimeoutMs: 200, validateAfterIdleMs: 0, backoff: { baseMs: 20, maxMs: 50 },
    ...options,
  });
  for (const name of EVENTS) p.on(name, (payload: unknown) => show(payload));
  return p;
}

/** Shows what a user sees of a pool. */
function showPool(p: AsyncConnectionPool<any>): void {
  show(p.stats());
  shown.push(inspect(p, { depth: Infinity, showHidden: true }), JSON.stringify(p), String(p));
}

async function failure(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(() => assert.fail('resolved'), (e: unknown) => e);
  show(err);
}

for (const driver of ['official', 'ts'] as const) {
  const q = driver === 'ts' ? rts.expr(1) : r.expr(1);

  it(`${driver}: happy path, leak report and release`, async () => {
    const s = await hostile();
    const p = pool(s.port, driver, { leakDetectionMs: 20 });
    await p.initPool();
    show(await p.run(q as never));
    const conn = await p.acquire();
    await new Promise((resolve) => setTimeout(resolve, 40)); // past leakDetectionMs
    showPool(p);
    p.release(conn);
    await p.releasePool();
    showPool(p);
  });

  it(`${driver}: wrong password (the proof sent is one of a real password)`, async () => {
    const s = await hostile(undefined, 'not-the-password');
    const p = pool(s.port, driver);
    await failure(p.initPool());
    await failure(p.acquire());
    showPool(p);
    await p.releasePool();
  });

  it(`${driver}: server down, then a handshake that never ends, then a server that stalls`, async () => {
    const down = await startTestServer({ port: 0 });
    const port = down.port;
    await down.stop();
    const p1 = pool(port, driver);
    await failure(p1.initPool());
    await failure(p1.acquire());
    showPool(p1);
    await p1.releasePool();

    const silent = await hostile({ handshake: 'version-then-silent', replies: [], dribbleMs: 0 });
    const p2 = pool(silent.port, driver);
    const timedOut = new Promise((resolve) => p2.once('connectError', resolve)); // the driver's connect timeout
    await failure(p2.acquire()); // PoolTimeoutError while the driver waits
    await timedOut;
    showPool(p2);
    await p2.releasePool();

    const stall = await hostile({ handshake: 'ok', replies: [{ kind: 'huge-length' }], dribbleMs: 0 });
    const p3 = pool(stall.port, driver);
    // The SERVER_INFO asked of every new connection misses pingTimeoutMs: the open fails, and
    // the call times out. Show what came back either way.
    await failure(p3.initPool());
    const got = await p3.acquire().then((c: unknown) => {
      p3.release(c);
      return 'served';
    }, (e: unknown) => e);
    show(got);
    showPool(p3);
    await p3.releasePool();
  });
}

it('nothing shown anywhere contains the password or a value derived from it', () => {
  const salted = saltedPassword(PASSWORD);
  for (const form of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex')]) secrets.add(form);
  secrets.add(salted.toString('base64')).add(salted.toString('hex'));
  // The proofs and nonces the drivers really sent, read off the servers' transcripts.
  for (const s of servers) {
    for (const text of s.transcript()) {
      for (const m of text.matchAll(/\b([rp])=([A-Za-z0-9+/]{16,}={0,2})/g)) secrets.add(m[2]!);
    }
  }
  assert.ok([...secrets].length > 10, 'proofs and nonces were captured');
  assert.ok(shown.length > 50, 'the failure paths were exercised');
  for (const text of shown) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 4)}…) is shown in: ${text.slice(0, 300)}`);
  }
});
