// Leaks: many acquire/release cycles leave the heap and the active handles flat, and a program
// that releases its pool exits by itself, even when it is released in the middle of faults.
// (test/pool/release-pool.test.ts covers the plain exit with every timer kind on.)
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';

/** Runs a fixture in a child process; resolves with its exit and output, killing it after `killAfterMs`. */
async function runChild(args: string[], killAfterMs: number): Promise<{ code: number | null; signal: string | null; out: string; ms: number }> {
  const start = Date.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  return { code, signal, out, ms: Date.now() - start };
}

it('100 000 acquire/release cycles leave the heap and the active handles flat', async () => {
  // A child with --expose-gc, so that the heap is measured after full collections and
  // nothing else of the test runner shares it.
  const { code, signal, out } = await runChild(['--expose-gc', '--import', 'tsx', 'test/reliability/fixtures/leak-cycles.ts', '100000'], 60_000);
  assert.equal(signal, null, out);
  assert.equal(code, 0, out);
  const line = out.trim().split('\n').at(-1)!;
  const m = JSON.parse(line) as {
    cycles: number; before: { heapUsed: number; resources: Record<string, number> };
    after: { heapUsed: number; resources: Record<string, number> }; size: number; created: number;
  };
  // A leak of even one small object (a closure, a timer, a listener: 50+ bytes) per cycle
  // grows the heap by 5 MB or more over 100 000 cycles; a healthy run moves it by about
  // 0.1 MB. 2 MB (20 bytes per cycle) separates the two with room for GC noise.
  const growth = m.after.heapUsed - m.before.heapUsed;
  assert.ok(growth < 2 * 1024 * 1024, `heap grew by ${(growth / 1024).toFixed(0)} KiB over ${m.cycles} cycles`);
  // The same handles before and after: the pool's sockets and the server's, no timers left over.
  assert.deepEqual(m.after.resources, m.before.resources);
  assert.equal(m.created, m.size, 'no connection was replaced during the run');
});

it('a program released in the middle of faults (outage, open cursor, stalled run()) exits by itself', async () => {
  const { code, signal, out } = await runChild(['--import', 'tsx', 'test/reliability/fixtures/exit-under-faults.ts'], 20_000);
  assert.equal(signal, null, `the child did not exit by itself:\n${out}`);
  assert.equal(code, 0, out);
  // The timers really ran before the release: a leak report, TTL closes, a failed reconnect.
  const seen = JSON.parse(/released (\{.*\})/.exec(out)?.[1] ?? 'null') as { leak: number; ttl: number; connectError: number } | null;
  assert.ok(seen && seen.leak >= 1 && seen.ttl >= 1 && seen.connectError >= 1, out);
});

// A silent, unreachable server (a blackholed proxy held here, in the parent).
let server: TestServer | undefined;
let proxy: FaultProxy | undefined;
before(async () => {
  server = await startTestServer({ port: 0 });
  proxy = await startFaultProxy({ target: server });
});
after(async () => {
  await proxy?.stop();
  await server?.stop();
});

// Regression: releasePool({ timeoutMs }) used to return while a connect was still in flight
// (stats().opening stayed 1), so the socket and the official driver's connect timer (ref'ed,
// `timeout` seconds, 20 by default) outlived releasePool(), and the program only exited when
// that timer fired. releasePool() now aborts in-flight connects (Connector.connect's signal).
for (const driver of ['official', 'ts'] as const) {
  it(`${driver}: a program released while a connect hangs on a silent server exits by itself, soon`, async () => {
    proxy!.blackhole(true);
    try {
      // The child's own timeouts are 60 s and more; it is killed at 45 s (a hang guard).
      const { code, signal, out } = await runChild(
        ['--import', 'tsx', 'test/reliability/fixtures/exit-connect-in-flight.ts', proxy!.host, String(proxy!.port), driver], 45_000);
      assert.equal(signal, null, `the in-flight connect kept the process alive\n${out}`);
      assert.equal(code, 0, out);
      assert.match(out, /released \(acquire: PoolTimeoutError, opening after release: 0\)/);
    } finally {
      proxy!.blackhole(false);
    }
  });
}
