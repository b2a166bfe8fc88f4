// repool bench --workload feed: writers insert while --feeds changefeeds read the table
// through pool.changes(); the report gives changes delivered per second and the latency
// from a write's acknowledgement to each change (the real binary, against the test server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRepool } from './run-repool.js';

test('repool bench --workload feed reports the changes the feeds delivered and their latency', async () => {
  const res = await runRepool(['bench', '--workload', 'feed', '--feeds', '3', '--mode', 'run', '--queries', '300', '--rows', '10',
    '--pool-size', '2', '--concurrency', '4', '--json', '-']);
  assert.equal(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout) as {
    queries: number;
    feed: { feeds: number; changes: number; changesPerSecond: number; latency: { p50: number; p99: number; max: number } };
  };
  assert.equal(report.queries, 300);
  assert.equal(report.feed.feeds, 3);
  // Every insert reaches every feed (the bench waits for the last changes after the writers stop).
  assert.equal(report.feed.changes, 3 * 300);
  assert.ok(report.feed.changesPerSecond > 0);
  assert.ok(report.feed.latency.p50 <= report.feed.latency.p99 && report.feed.latency.p99 <= report.feed.latency.max);
  assert.match(res.stderr, /changes delivered\s+[\d,]+ changes\/s/);
  assert.match(res.stderr, /change latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms/);
});
