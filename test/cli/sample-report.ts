// A BenchReport made from chosen figures (no run), for tests of the report renderers.
import { LatencyHistogram } from '../../src/cli/bench/histogram.js';
import { buildReport, type BenchReport } from '../../src/cli/bench/report-model.js';
import { parseBenchArgs, type BenchOptions } from '../../src/cli/bench/args.js';
import type { SecondSample } from '../../src/cli/bench/runner.js';

export function sampleReport(timeline: readonly SecondSample[], latenciesUs: readonly number[], argv: string[] = ['--duration', '3']): BenchReport {
  const parsed = parseBenchArgs(argv, {});
  if (parsed.kind !== 'ok') throw new Error(`bad sample argv: ${parsed.kind}`);
  const options: BenchOptions = parsed.options;
  const histogram = new LatencyHistogram();
  for (const us of latenciesUs) histogram.record(us);
  const ok = timeline.reduce((n, s) => n + s.queries, 0);
  const errors = timeline.reduce((n, s) => n + s.errors, 0);
  const elapsedMs = timeline.reduce((n, s) => n + s.spanMs, 0);
  return buildReport({
    argv,
    options,
    startedAt: new Date(0),
    result: { histogram, ok, errors, errorsByType: errors > 0 ? { ECONNRESET: errors } : {}, elapsedMs, timeline, interrupted: false },
    pool: { final: { size: 8, idle: 8 }, peaks: { size: 8, leased: 8 }, run: { acquired: ok }, samples: 30 },
    server: null,
  });
}
