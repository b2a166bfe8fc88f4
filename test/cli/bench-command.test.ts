// `repool bench` end to end: a short run through a real pool, over TCP, against the test
// server in a child process; the report files; bad flags; Ctrl-C. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { runBenchCommand, type BenchIO } from '../../src/cli/bench/command.js';

/** Captures what the command writes; stderr is not a TTY, so progress is plain lines. */
function capture(env: NodeJS.ProcessEnv = {}): BenchIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    out: () => out,
    err: () => err,
  };
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'repool-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SMALL = ['--rows', '50', '--pool-size', '2', '--concurrency', '4'];

test('lease mode, mixed workload: exit 0, table on stdout, JSON and HTML reports', async () => {
  await withTempDir(async (dir) => {
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const io = capture();
    const code = await runBenchCommand([...SMALL, '--queries', '300', '--mode', 'lease', '--workload', 'mixed', '--json', json, '--html', html], io);
    assert.equal(code, 0, io.err());
    assert.match(io.out(), /throughput/);
    assert.match(io.out(), /latency p99/);
    assert.match(io.out(), /reproduce: repool bench/);

    const report = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown> & {
      latency: { p50: number; p99: number; max: number }; errors: { total: number }; config: Record<string, unknown>; queries: number;
    };
    assert.equal(typeof report.throughput, 'number');
    assert.ok((report.throughput as number) > 0);
    assert.equal(typeof report.latency.p99, 'number');
    assert.ok(report.latency.p99 > 0);
    assert.ok(report.latency.p50 <= report.latency.p99 && report.latency.p99 <= report.latency.max);
    assert.equal(report.queries + report.errors.total, 300);
    assert.equal(report.errors.total, 0);
    assert.equal(report.config.mode, 'lease');
    assert.equal(typeof (report.pool as { final: Record<string, number> }).final.size, 'number');

    const page = await readFile(html, 'utf8');
    assert.match(page, /<svg/);
    assert.doesNotMatch(page, /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});

test('run mode, each single workload: every query succeeds', async () => {
  await withTempDir(async (dir) => {
    for (const workload of ['point-get', 'insert', 'range']) {
      const json = join(dir, `${workload}.json`);
      const io = capture();
      const code = await runBenchCommand([...SMALL, '--queries', '100', '--mode', 'run', '--workload', workload, '--json', json], io);
      assert.equal(code, 0, `${workload}: ${io.err()}`);
      const report = JSON.parse(await readFile(json, 'utf8')) as { queries: number; errors: { total: number; byType: object } };
      assert.equal(report.queries, 100, `${workload}: ${JSON.stringify(report.errors.byType)}`);
    }
  });
});

test('a bad flag exits 2 with one line and a pointer to --help, and starts nothing', async () => {
  const io = capture();
  assert.equal(await runBenchCommand(['--pool-size', 'lots'], io), 2);
  assert.equal(io.err(), "repool bench: --pool-size must be an integer from 1 to 10000, got 'lots'\nsee `repool bench --help`\n");
  assert.equal(io.out(), '');

  const pw = capture();
  assert.equal(await runBenchCommand(['--password', 'hunter2'], pw), 2);
  assert.match(pw.err(), /--password-env/);
});

test('an unreachable --host exits 1 with the connect error, and no report', async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const io = capture();
  const code = await runBenchCommand(['--host', '127.0.0.1', '--port', String(port), '--queries', '10'], io);
  assert.equal(code, 1);
  assert.match(io.err(), /^repool bench: .+/m);
  assert.equal(io.out(), '');
});

test('--help prints the usage on stdout and exits 0', async () => {
  const io = capture();
  assert.equal(await runBenchCommand(['--help'], io), 0);
  assert.match(io.out(), /--workload/);
});

test('Ctrl-C stops the run and still prints a partial report', async () => {
  const io = capture();
  // Interrupt as soon as the first progress line shows the measured run is going.
  let sent = false;
  const write = io.stderr.write;
  const stderr = {
    write: (s: string): unknown => {
      if (!sent && /q\/s/.test(s)) {
        sent = true;
        setImmediate(() => process.emit('SIGINT'));
      }
      return write(s);
    },
  };
  const code = await runBenchCommand([...SMALL, '--duration', '5m', '--warmup', '0s', '--workload', 'point-get'], { ...io, stderr });
  assert.equal(code, 130, io.err());
  assert.match(io.out(), /partial report/);
});

test('the repool command dispatches to bench (exit 2 and the one-line error on a bad flag)', () => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/repool.ts', 'bench', '--nope'], { encoding: 'utf8' });
  assert.equal(res.status, 2);
  assert.equal(res.stderr, 'repool bench: unknown flag --nope\nsee `repool bench --help`\n');
});
