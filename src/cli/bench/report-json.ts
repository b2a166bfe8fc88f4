// The report as JSON for machines: the report object itself, with a format version so
// readers can tell layouts apart. `throughput` is queries per second, latencies are in ms.
import type { BenchReport } from './report-model.js';

export const REPORT_FORMAT = 'repool-bench/2';

export function reportToJson(report: BenchReport): string {
  const units = { throughput: 'queries/s', latency: 'ms', elapsedMs: 'ms', histogram: 'us', timelineSpanMs: 'ms', serverCpuMs: 'ms' };
  return `${JSON.stringify({ format: REPORT_FORMAT, units, ...report }, null, 2)}\n`;
}
