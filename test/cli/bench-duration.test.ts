// `repool bench --duration 1`: a bare number is seconds (pgbench's -T), through the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRepool, withTempDir } from './run-repool.js';

test('repool bench --duration 1 runs for one second (a bare number is seconds)', async () => {
  await withTempDir(async (dir) => {
    const json = join(dir, 'r.json');
    const res = await runRepool(['bench', '--duration', '1', '--warmup', '0', '--rows', '20', '--pool-size', '2', '--concurrency', '2', '--json', json]);
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as { config: { durationMs: number; warmupMs: number }};
    assert.equal(report.config.durationMs, 1000);
    assert.equal(report.config.warmupMs, 0);
    assert.match(res.stdout, /run\s+1\.0s/);
  });
});
