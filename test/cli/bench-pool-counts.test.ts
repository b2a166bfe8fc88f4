// The pool lines of the report: gauges peak each on its own (named as such), and running
// totals cover the measured run only (seeding and warm-up left out).
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { startPoolSampler } from '../../src/cli/bench/pool-sampler.js';
import { runRepool } from './run-repool.js';

test('sampler: each gauge keeps its own peak, idle is not peaked, totals count from the start', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const snapshots = [
      { size: 8, poolSize: 8, idle: 8, leased: 0, waiting: 0, acquired: 100, created: 8, healthy: true }, // at start: seeding done
      { size: 8, poolSize: 8, idle: 0, leased: 8, waiting: 3, acquired: 140, created: 8, healthy: true },
      { size: 8, poolSize: 8, idle: 2, leased: 6, waiting: 9, acquired: 190, created: 9, healthy: true },
      { size: 8, poolSize: 8, idle: 8, leased: 0, waiting: 0, acquired: 250, created: 9, healthy: true }, // at stop
    ];
    let i = 0;
    const sampler = startPoolSampler(() => snapshots[Math.min(i++, snapshots.length - 1)]!, 100);
    mock.timers.tick(200);
    const s = sampler.stop();
    assert.deepEqual(s.peaks, { size: 8, leased: 8, waiting: 9 });
    assert.deepEqual(s.final, { size: 8, idle: 8, leased: 0, waiting: 0 });
    assert.deepEqual(s.run, { acquired: 150, created: 1 });
    assert.equal(s.samples, 4);
  } finally {
    mock.timers.reset();
  }
});

test('repool bench: pool totals exclude seeding and warm-up; the peaks line names itself', async () => {
  const res = await runRepool(['bench', '--queries', '150', '--warmup', '0.3', '--mode', 'lease', '--rows', '20', '--pool-size', '2', '--concurrency', '4', '--json', '-']);
  assert.equal(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as {
    queries: number; errors: { total: number };
    pool: { final: Record<string, number>; peaks: Record<string, number>; run: Record<string, number>; samples: number };
  };
  assert.equal(report.errors.total, 0);
  assert.equal(report.queries, 150);
  // Lease mode takes one lease per query: the seed step's and the warm-up's are not counted.
  assert.equal(report.pool.run.acquired, 150);
  assert.ok(!('idle' in report.pool.peaks));
  assert.ok(report.pool.peaks.leased! <= report.pool.peaks.size!);
  assert.ok(report.pool.samples >= 2);
  assert.match(res.stderr, /pool peaks\s+size \d+, ready \d+, leased \d+.* \(each gauge's own highest of \d+ samples\)/);
  assert.match(res.stderr, /pool totals \(run\)\s+.*acquired 150.*\(measured run only\)/);
});
