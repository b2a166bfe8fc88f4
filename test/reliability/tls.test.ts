// TLS: the test server listens with a certificate signed by a CA made here with openssl; the
// pool connects through each driver's TLS options. A wrong CA is a typed connect error.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import r from 'rethinkdb';
import { r as rts } from 'rethinkdb-ts';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, PoolAuthError, PoolConnectError, PoolError } from '../../src/index.js';
import { recordCrashes } from './hostile-frames.js';

interface Pki {
  ca: Buffer;
  otherCa: Buffer;
  key: Buffer;
  cert: Buffer;
}

const dir = mkdtempSync(join(tmpdir(), 'repool-tls-'));
const crashes = recordCrashes();
let pki: Pki | undefined;
let missing = '';
let server: TestServer | undefined;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1/localhost signed by it, and an unrelated CA. */
function makePki(): Pki {
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=repool test CA',
    '-keyout', 'ca.key', '-out', 'ca.pem', ...caExt);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=repool other CA',
    '-keyout', 'other.key', '-out', 'other.pem', ...caExt);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
    '-extfile', 'ext.cnf', '-out', 'server.pem');
  const read = (f: string) => readFileSync(join(dir, f));
  return { ca: read('ca.pem'), otherCa: read('other.pem'), key: read('server.key'), cert: read('server.pem') };
}

before(async () => {
  try {
    pki = makePki();
  } catch (err) {
    missing = `openssl could not make the test certificates (${(err as Error).message.split('\n')[0]})`;
    return;
  }
  server = await startTestServer({ port: 0, users: { bob: 'secret' }, tls: { key: pki.key, cert: pki.cert } });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
  crashes.stop();
});

/** Skips the test (with the reason) when openssl is missing; else the server and PKI. */
function setup(t: TestContext): { server: TestServer; pki: Pki } | undefined {
  if (!pki || !server) {
    t.skip(missing || 'no TLS server');
    return undefined;
  }
  return { server, pki };
}

const official = (s: TestServer, ca: Buffer) =>
  new AsyncConnectionPool({ host: '127.0.0.1', port: s.port, user: 'bob', password: 'secret', timeout: 1, ssl: { ca } } as r.ConnectionOptions,
    { poolSize: 1, acquireTimeoutMs: 3_000, backoff: { baseMs: 50, maxMs: 200 } });
// rethinkdb-ts hands only `server` to tls.connect(): host/port at the top level would drop `ca`.
const ts = (s: TestServer, ca: Buffer) =>
  new AsyncConnectionPool({ server: { host: '127.0.0.1', port: s.port, tls: true, ca }, user: 'bob', password: 'secret', timeout: 1, silent: true },
    { driver: rts, poolSize: 1, acquireTimeoutMs: 3_000, backoff: { baseMs: 50, maxMs: 200 } });

/** Every message along the cause chain, for "which error said it". */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e instanceof Error && i < 10; e = e.cause, i++) {
    parts.push(`${e.name}: ${e.message}${'code' in e ? ` [${String(e.code)}]` : ''}`);
  }
  return parts.join(' <- ');
}

describe('TLS', () => {
  it('official driver: ssl: { ca } verifies the server and queries run', async (t) => {
    const env = setup(t);
    if (!env) return;
    const pool = official(env.server, env.pki.ca);
    try {
      await pool.initPool();
      assert.equal(await pool.run(r.expr('secure')), 'secure');
      assert.equal(await pool.withConnection((c) => r.expr(2).run(c)), 2);
    } finally {
      await pool.releasePool();
    }
  });

  it('rethinkdb-ts: server: { tls: true, ca } verifies the server and queries run', async (t) => {
    const env = setup(t);
    if (!env) return;
    const pool = ts(env.server, env.pki.ca);
    try {
      await pool.initPool();
      assert.equal(await pool.run(rts.expr('secure')), 'secure');
      assert.equal(await pool.withConnection((c) => rts.expr(2).run(c)), 2);
    } finally {
      await pool.releasePool();
    }
  });

  for (const [name, make] of [['official driver', official], ['rethinkdb-ts', ts]] as const) {
    it(`${name}: a wrong CA is a PoolConnectError whose cause is the TLS error, and nothing crashes`, async (t) => {
      const env = setup(t);
      if (!env) return;
      const pool = make(env.server, env.pki.otherCa);
      const handshakes = env.server.stats().handshakes;
      try {
        const err = await pool.initPool().then(() => assert.fail('connected with a wrong CA'), (e: unknown) => e);
        assert.ok(err instanceof PoolConnectError, String(err));
        assert.ok(!(err instanceof PoolAuthError), 'a certificate problem is not a password problem');
        assert.match(causeChain(err.cause), /certificate|CERT/, causeChain(err));
        t.diagnostic(causeChain(err));
        await assert.rejects(pool.acquire({ timeoutMs: 500 }), (e: unknown) => e instanceof PoolError);
        // Past the drivers' 1 s connect timer: a stray timeout must not crash the process.
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        assert.equal(env.server.stats().handshakes, handshakes, 'no handshake over an unverified channel');
        assert.deepEqual(crashes.take().map((c) => `${c.kind}: ${String(c.error)}`), []);
      } finally {
        await pool.releasePool();
      }
    });
  }

  // Regression: PoolConnectError kept only the first line of the driver message, and the
  // official driver puts the reason on line 2.
  it('official driver: the PoolConnectError message itself names the certificate problem', async (t) => {
    const env = setup(t);
    if (!env) return;
    const pool = official(env.server, env.pki.otherCa);
    try {
      const err = await pool.initPool().then(() => assert.fail('connected'), (e: unknown) => e as Error);
      assert.match(err.message, /certificate/);
    } finally {
      await pool.releasePool();
    }
  });
});
