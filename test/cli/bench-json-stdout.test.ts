// `repool bench --json -`: the JSON report is the whole of stdout (a pipe into jq works); the
// table a person reads moves to stderr. Through the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRepool } from './run-repool.js';

test('repool bench --json - writes only the JSON document to stdout, the table to stderr', async () => {
  const res = await runRepool(['bench', '--queries', '200', '--rows', '20', '--pool-size', '2', '--concurrency', '4', '--json', '-']);
  assert.equal(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as { format: string; queries: number; errors: { total: number } };
  assert.match(report.format, /^repool-bench\//);
  assert.equal(report.queries + report.errors.total, 200);
  assert.match(res.stderr, /repool bench report/);
  assert.match(res.stderr, /throughput/);
  assert.doesNotMatch(res.stderr, /wrote -/);
});

test('--json - and --html - together are refused (exit 2)', async () => {
  const res = await runRepool(['bench', '--json', '-', '--html', '-']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /cannot both take standard output/);
  assert.equal(res.stdout, '');
});
