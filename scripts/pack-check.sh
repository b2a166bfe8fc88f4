#!/usr/bin/env bash
# Checks the package as users get it: builds, `npm pack`s, installs the tarball into a fresh
# temporary project, then (a) runs an ESM program, (b) runs a CommonJS program, (c) type-checks
# TypeScript that uses the public API (ESM and CommonJS flavours, declarations checked too),
# (d) runs the `repool` bin. Exits non-zero on the first failure; always removes the temp dir.
# Usage: bash scripts/pack-check.sh        (KEEP=1 keeps the temp dir for a post-mortem)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
tsc="$repo/node_modules/typescript/bin/tsc" # the repo's TypeScript (5.9), not a second install

tmp="$(mktemp -d "${TMPDIR:-/tmp}/repool-pack-check.XXXXXX")"
server_pid=""
step="setup"
cleanup() {
  local code=$?
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  if [[ "${KEEP:-}" == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
  if [[ $code -ne 0 ]]; then echo "pack-check FAILED at: $step" >&2; fi
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step="build"
echo "== npm run build"
npm run build --silent

step="npm pack"
echo "== npm pack"
tarball="$tmp/$(npm pack --silent --pack-destination "$tmp" | tail -n 1)"
[[ -f "$tarball" ]] || { echo "npm pack produced no tarball" >&2; exit 1; }
tar -tzf "$tarball" | sed 's#^package/##' | sort > "$tmp/files.txt"
for f in package.json README.md bin/repool.mjs dist/esm/index.js dist/esm/index.d.ts dist/cjs/index.js \
  dist/cjs/index.d.ts dist/cjs/package.json dist/esm/testing/index.js dist/esm/testing/index.d.ts \
  dist/cjs/testing/index.js dist/cjs/testing/index.d.ts dist/esm/cli/repool.js; do
  grep -qx "$f" "$tmp/files.txt" || { echo "the tarball lacks $f" >&2; exit 1; }
done
echo "   $(basename "$tarball"): $(wc -l < "$tmp/files.txt") files"

step="npm install"
app="$tmp/app"
mkdir "$app"
cd "$app"
cat > package.json <<'EOF'
{ "name": "repool-pack-check", "version": "0.0.0", "private": true, "type": "module" }
EOF
echo "== npm install (tarball, @types/node@20)"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" @types/node@20

step="(a) ESM import"
echo "== (a) ESM: import from 'async-repool' and 'async-repool/testing'"
cat > check-esm.mjs <<'EOF'
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { AsyncConnectionPool, PoolError, PoolTimeoutError } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

const server = await startTestServer({ port: 0 });
const pool = new AsyncConnectionPool({ host: server.host, port: server.port }, { poolSize: 2 });
await pool.initPool();
assert.equal(await pool.run(r.expr(41).add(1)), 42);
// Plain JavaScript on Node 20 has no `await using` syntax: dispose by hand (TypeScript
// compiles `await using` down to this).
const conn = await pool.connect();
try {
  assert.equal(await r.expr('leased').run(conn), 'leased');
} finally {
  await conn[Symbol.asyncDispose]();
}
assert.equal(pool.stats().leased, 0);
assert.equal(await pool.withConnection((c) => r.expr(1).run(c)), 1);
const held = [await pool.acquire(), await pool.acquire()];
const err = await pool.acquire({ timeoutMs: 20 }).then(() => null, (e) => e);
assert.ok(err instanceof PoolTimeoutError && err instanceof PoolError && err.code === 'REPOOL_TIMEOUT', String(err));
for (const conn of held) pool.release(conn);
await pool.releasePool();
await server.stop();
console.log('   ESM ok');
EOF
node check-esm.mjs

step="(b) CommonJS require"
echo "== (b) CommonJS: require('async-repool') and require('async-repool/testing')"
cat > check-cjs.cjs <<'EOF'
const assert = require('node:assert/strict');
const r = require('rethinkdb');
const { AsyncConnectionPool, PoolError, PoolClosedError } = require('async-repool');
const { startTestServer } = require('async-repool/testing');

(async () => {
  assert.match(require.resolve('async-repool'), /dist[\\/]cjs[\\/]index\.js$/);
  const server = await startTestServer({ port: 0 });
  const pool = new AsyncConnectionPool({ host: server.host, port: server.port }, { poolSize: 2 });
  await pool.initPool();
  assert.equal(await pool.run(r.expr(41).add(1)), 42);
  assert.equal(await pool.withConnection((c) => r.expr('w').run(c)), 'w');
  await pool.releasePool();
  await assert.rejects(pool.acquire(), (e) => e instanceof PoolClosedError && e instanceof PoolError && e.code === 'REPOOL_CLOSED');
  await server.stop();
  // Both builds export the same names.
  for (const entry of ['async-repool', 'async-repool/testing']) {
    const cjs = Object.keys(require(entry)).sort();
    const esm = Object.keys(await import(entry)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
    assert.deepEqual(cjs, esm, `${entry}: CommonJS and ESM export the same names`);
  }
  assert.equal(require('async-repool/package.json').name, 'async-repool');
  console.log('   CommonJS ok');
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
EOF
node check-cjs.cjs

step="(c) TypeScript type check"
echo "== (c) TypeScript: strict, NodeNext, declarations checked (skipLibCheck false)"
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023", "esnext.disposable"],
    "types": ["node"],
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false
  },
  "include": ["check-types.ts", "check-types-cjs.cts"]
}
EOF
cat > check-types.ts <<'EOF'
import r from 'rethinkdb';
import {
  AsyncConnectionPool, PoolError, PoolTimeoutError, PoolClosedError, PoolQueueFullError, PoolConnectError,
  PoolAuthError, PoolReleaseError, PoolConnectionLostError, PoolQueryTimeoutError, PoolUnavailableError,
  type AcquireOptions, type CloseReason, type Connector, type PoolErrorCode, type PoolEvents, type PoolOptions,
  type PoolStats, type ReleasePoolOptions,
} from 'async-repool';
import { startTestServer, startFaultProxy, startTestCluster, type TestServer, type FaultProxy } from 'async-repool/testing';

const server: TestServer = await startTestServer({ port: 0, users: { admin: '' } });
const options: PoolOptions = { poolSize: 2, acquireTimeoutMs: 1_000, backoff: { baseMs: 10 } };
const pool = new AsyncConnectionPool({ host: server.host, port: server.port }, options);
await pool.initPool();
{
  await using conn = await pool.connect();
  const conn2: r.Connection = conn;
  const n: number = await r.expr(1).run(conn2);
  void n;
}
const viaRun: number = await pool.run(r.expr(2));
const rows: unknown[] = await pool.run(r.table('t'));
const viaFn: string = await pool.withConnection((c: r.Connection) => r.expr('x').run(c));
const acquireOptions: AcquireOptions = { timeoutMs: 5, signal: AbortSignal.timeout(100) };
try {
  const conn = await pool.acquire(acquireOptions);
  pool.release(conn, { discard: true });
} catch (err) {
  if (err instanceof PoolTimeoutError) {
    const code: 'REPOOL_TIMEOUT' | PoolErrorCode = err.code;
    const waiting: number = err.stats.waiting;
    const last: PoolConnectError | undefined = err.lastConnectError;
    void [code, waiting, last];
  } else if (err instanceof PoolConnectError && !(err instanceof PoolAuthError)) {
    const where: string = err.server;
    void where;
  } else if (err instanceof PoolError) {
    const code: PoolErrorCode = err.code;
    void code;
  }
}
void [PoolClosedError, PoolQueueFullError, PoolReleaseError, PoolQueryTimeoutError, PoolUnavailableError];
try {
  await pool.run(r.expr(3), { timeoutMs: 1_000, retry: true });
} catch (err) {
  if (err instanceof PoolConnectionLostError) {
    const sent: boolean = err.sent;
    void sent;
  }
}
const stats: PoolStats = pool.stats();
const size: number = stats.size + stats.idle + stats.leased + stats.opening + stats.waiting;
pool.on('close', (e) => {
  const reason: CloseReason = e.reason;
  void reason;
}).on('acquire', (e: PoolEvents['acquire']) => void e.waitedMs);
// `error` listeners are accepted (node:events' once()/on() add one); the pool never emits it.
pool.on('error', () => {});
// @ts-expect-error no such event
pool.on('nope', () => {});
// @ts-expect-error connect options are the driver's: a misspelled key does not compile
void (() => new AsyncConnectionPool({ hots: 'db1' }));
const release: ReleasePoolOptions = { timeoutMs: 1_000 };
await pool.releasePool(release);

// Any driver through a custom Connector; the connection type follows the connector.
class MemConnection {
  open = true;
}
const connector: Connector<MemConnection, { label: string }> = {
  connect: async () => new MemConnection(),
  close: async (c) => void (c.open = false),
  isOpen: (c) => c.open,
  ping: async () => {},
  onClose: () => {},
};
const memPool = new AsyncConnectionPool({ label: 'mem' }, { driver: connector });
{
  await using mem = await memPool.connect();
  const typed: MemConnection = mem;
  void typed;
}
// @ts-expect-error this pool leases MemConnections, not driver connections
const wrongType: () => Promise<r.Connection> = () => memPool.acquire();
void wrongType;
await memPool.releasePool();

const proxy: FaultProxy = await startFaultProxy({ target: server });
await proxy.stop();
void startTestCluster;
await server.stop();
void [viaRun, rows, viaFn, size];
EOF
cat > check-types-cjs.cts <<'EOF'
// The same package through the `require` condition (dist/cjs/*.d.ts).
import r = require('rethinkdb');
import { AsyncConnectionPool, PoolTimeoutError, type PoolStats } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

export async function main(): Promise<PoolStats> {
  const server = await startTestServer({ port: 0 });
  const pool = new AsyncConnectionPool({ host: server.host, port: server.port });
  await pool.initPool();
  {
    await using conn = await pool.connect();
    await r.expr(1).run(conn);
  }
  const n: number = await pool.run(r.expr(1));
  void n;
  void PoolTimeoutError;
  const stats = pool.stats();
  await pool.releasePool();
  await server.stop();
  return stats;
}
EOF
node "$tsc" -p tsconfig.json
echo "   types ok"

step="(d) repool bin"
echo "== (d) the repool bin"
./node_modules/.bin/repool --help | grep -q '^Usage: repool' || { echo "repool --help printed no usage" >&2; exit 1; }
npx --no-install repool server --help | grep -q '^Usage: repool server' || { echo "npx repool server --help failed" >&2; exit 1; }
./node_modules/.bin/repool server --port 0 > server.out 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' server.out && break
  kill -0 "$server_pid" 2>/dev/null || { cat server.out >&2; echo "repool server exited early" >&2; exit 1; }
  sleep 0.1
done
port="$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' server.out)"
[[ -n "$port" ]] || { cat server.out >&2; echo "repool server did not report its port" >&2; exit 1; }
cat > check-bin.mjs <<'EOF'
import r from 'rethinkdb';
import { AsyncConnectionPool } from 'async-repool';
const pool = new AsyncConnectionPool({ host: '127.0.0.1', port: Number(process.argv[2]) }, { poolSize: 1 });
await pool.initPool();
if ((await pool.run(r.expr(7))) !== 7) throw new Error('wrong answer from repool server');
await pool.releasePool();
EOF
node check-bin.mjs "$port"
kill -TERM "$server_pid"
wait "$server_pid" || { echo "repool server did not exit 0 on SIGTERM" >&2; exit 1; }
server_pid=""
echo "   repool bin ok (server on port $port, stopped on SIGTERM)"

step="done"
echo "== pack-check passed"
