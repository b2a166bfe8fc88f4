// `repool bench` flag parsing: defaults, every flag, and strict rejection of bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs, parseDuration, type BenchOptions } from '../../src/cli/bench/args.js';

function ok(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const res = parseBenchArgs(argv, env);
  assert.equal(res.kind, 'ok', res.kind === 'error' ? res.message : res.kind);
  return (res as { options: BenchOptions }).options;
}

function error(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const res = parseBenchArgs(argv, env);
  assert.equal(res.kind, 'error');
  return (res as { message: string }).message;
}

test('durations: a bare number is seconds (as pgbench -T); ms, s, m, h and fractions; anything else is undefined', () => {
  assert.equal(parseDuration('3'), 3000);
  assert.equal(parseDuration('0.5'), 500);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  for (const bad of ['s', '-1s', '1 s', '1sec', '', '1e3ms', 'NaNs']) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});

test('no flags: a local test server, defaults for everything', () => {
  const o = ok([]);
  assert.equal(o.host, undefined);
  assert.equal(o.user, 'admin');
  assert.equal(o.password, '');
  assert.deepEqual(o.stop, { kind: 'duration', ms: 10_000 });
  assert.equal(o.warmupMs, 1000);
  assert.equal(o.mode, 'lease');
  assert.equal(o.workload, 'mixed');
  assert.equal(o.jsonFile, undefined);
});

test('every flag, in both --flag value and --flag=value forms', () => {
  const o = ok([
    '--host', 'db.local', '--port=28016', '--user', 'bench', '--password-env', 'PW',
    '--db', 'x_1', '--rows', '50', '--pool-size', '4', '--concurrency=64', '--duration', '2m',
    '--warmup', '0s', '--mode', 'run', '--workload', 'point-get', '--json', 'r.json', '--html=r.html',
  ], { PW: 's3cret' });
  assert.equal(o.host, 'db.local');
  assert.equal(o.port, 28016);
  assert.equal(o.user, 'bench');
  assert.equal(o.password, 's3cret');
  assert.equal(o.db, 'x_1');
  assert.equal(o.rows, 50);
  assert.equal(o.poolSize, 4);
  assert.equal(o.concurrency, 64);
  assert.deepEqual(o.stop, { kind: 'duration', ms: 120_000 });
  assert.equal(o.warmupMs, 0);
  assert.equal(o.mode, 'run');
  assert.equal(o.workload, 'point-get');
  assert.equal(o.jsonFile, 'r.json');
  assert.equal(o.htmlFile, 'r.html');
});

test('bare numbers for --duration and --warmup are seconds', () => {
  const o = ok(['--duration', '3', '--warmup', '0.25']);
  assert.deepEqual(o.stop, { kind: 'duration', ms: 3000 });
  assert.equal(o.warmupMs, 250);
  assert.equal(ok(['--warmup=0']).warmupMs, 0);
});

test('--queries replaces the duration and turns the warm-up off by default', () => {
  const o = ok(['--queries', '200']);
  assert.deepEqual(o.stop, { kind: 'queries', count: 200 });
  assert.equal(o.warmupMs, 0);
});

test('help', () => {
  assert.equal(parseBenchArgs(['--help']).kind, 'help');
  assert.equal(parseBenchArgs(['--pool-size', '2', '-h']).kind, 'help');
});

test('bad flags are errors that name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown flag --bogus/],
    [['fast'], /unexpected argument 'fast'/],
    [['--pool-size'], /--pool-size needs a value/],
    [['--pool-size', '--concurrency', '3'], /--pool-size needs a value/],
    [['--pool-size='], /--pool-size needs a value/],
    [['--pool-size', '0'], /--pool-size must be an integer/],
    [['--pool-size', '2.5'], /--pool-size must be an integer/],
    [['--concurrency', '-3'], /--concurrency needs a value|--concurrency must be/],
    [['--queries', 'many'], /--queries must be an integer/],
    [['--duration', '10x'], /--duration must be seconds \(3, 0.5\) or a duration like 500ms/],
    [['--duration', '0s'], /--duration must be .*\(above 0\)/],
    [['--duration', '0'], /--duration must be .*\(above 0\)/],
    [['--duration', '1s', '--queries', '5'], /not both/],
    [['--mode', 'borrow'], /--mode must be one of lease, run/],
    [['--workload', 'scan'], /--workload must be one of/],
    [['--host', 'h', '--port', '70000'], /--port must be an integer from 1 to 65535/],
    [['--port', '28015'], /--port needs --host/],
    [['--db', 'a-b'], /--db must contain only/],
    [['--json', 'a', '--json', 'b'], /--json given twice/],
  ];
  for (const [argv, re] of cases) assert.match(error(argv), re, argv.join(' '));
});

test('passwords come only from the environment', () => {
  assert.match(error(['--password', 'x']), /--password-env/);
  assert.match(error(['--password=x']), /--password-env/);
  assert.match(error(['--password-env', 'NOPE']), /NOPE is not set/);
  assert.equal(ok(['--password-env', 'EMPTY'], { EMPTY: '' }).password, '');
});
