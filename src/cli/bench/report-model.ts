// The report of one `repool bench` run: one plain object that the text table, the JSON file
// and the HTML page all render, so the three always say the same thing.
import os from 'node:os';
import type { BenchOptions } from './args.js';
import type { HistogramBucket } from './histogram.js';
import type { RunResult, SecondSample } from './runner.js';
import { usToMs } from './format.js';
import { formatCounts, type PoolSummary } from './pool-sampler.js';
import type { FeedSection } from './report-feed.js';


export interface BenchReport {
  /** The command line that reproduces this run. */
  readonly command: string;
  readonly startedAt: string;
  readonly config: {
    /** "test server (child process)" or "host:port". */
    readonly server: string;
    readonly db: string;
    readonly rows: number;
    readonly poolSize: number;
    readonly concurrency: number;
    readonly mode: string;
    readonly workload: string;
    readonly durationMs: number | null;
    readonly queries: number | null;
    readonly warmupMs: number;
  };
  /** True when Ctrl-C stopped the run: the figures cover the part that ran. */
  readonly interrupted: boolean;
  /** Measured wall time, milliseconds. */
  readonly elapsedMs: number;
  /** Successful queries. */
  readonly queries: number;
  /** Successful queries per second. */
  readonly throughput: number;
  /** Latency of the successful queries, milliseconds. */
  readonly latency: {
    readonly min: number; readonly mean: number; readonly p50: number; readonly p90: number;
    readonly p99: number; readonly p999: number; readonly max: number;
  };
  readonly errors: { readonly total: number; readonly byType: Readonly<Record<string, number>> };
  readonly histogram: readonly HistogramBucket[];
  readonly timeline: readonly SecondSample[];
  /** The pool during the measured run: gauges at the end, each gauge's peak, totals of the run. */
  readonly pool: PoolSummary;
  /** The feed workload's changefeeds, or null for the other workloads. */
  readonly feed: FeedSection | null;
  /** The test server's process when the bench started one: its CPU time over the run. */
  readonly server: { readonly pid: number; readonly cpuMs: number | null; readonly cpuPercent: number | null } | null;
  readonly environment: { readonly node: string; readonly cpu: string; readonly cores: number; readonly platform: string };
}

export interface ReportInput {
  readonly argv: readonly string[];
  readonly options: BenchOptions;
  readonly startedAt: Date;
  readonly result: RunResult;
  readonly pool: PoolSummary;
  readonly server: BenchReport['server'];
  readonly feed?: FeedSection | null;
}

/** Quotes an argument for a POSIX shell only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function environment(): BenchReport['environment'] {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function buildReport(input: ReportInput): BenchReport {
  const { options: o, result } = input;
  const h = result.histogram;
  return {
    command: ['repool', 'bench', ...input.argv].map(shellQuote).join(' '),
    startedAt: input.startedAt.toISOString(),
    config: {
      server: o.host === undefined ? 'test server (child process)' : `${o.host}:${o.port}`,
      db: o.db,
      rows: o.rows,
      poolSize: o.poolSize,
      concurrency: o.concurrency,
      mode: o.mode,
      workload: o.workload,
      durationMs: o.stop.kind === 'duration' ? o.stop.ms : null,
      queries: o.stop.kind === 'queries' ? o.stop.count : null,
      warmupMs: o.warmupMs,
    },
    interrupted: result.interrupted,
    elapsedMs: Math.round(result.elapsedMs),
    queries: result.ok,
    throughput: Math.round((result.ok / Math.max(result.elapsedMs, 1e-3)) * 1000 * 10) / 10,
    latency: {
      min: usToMs(h.min),
      mean: usToMs(h.mean),
      p50: usToMs(h.percentile(50)),
      p90: usToMs(h.percentile(90)),
      p99: usToMs(h.percentile(99)),
      p999: usToMs(h.percentile(99.9)),
      max: usToMs(h.max),
    },
    errors: { total: result.errors, byType: result.errorsByType },
    histogram: h.buckets(),
    timeline: result.timeline,
    pool: input.pool,
    feed: input.feed ?? null,
    server: input.server,
    environment: environment(),
  };
}

/**
 * The pool rows of the text and HTML tables, one wording for both. The peaks line says that
 * each gauge peaked on its own: "leased 8" and "waiting 24" need not be the same moment.
 */
export function poolRows(report: BenchReport): [string, string][] {
  const p = report.pool;
  const f = report.feed;
  const feedRows: [string, string][] = f === null ? [] : [
    ['feeds', `${f.feeds} changefeeds (pool.changes), ${f.changes.toLocaleString('en-US')} changes delivered`],
    ['changes delivered', `${Math.round(f.changesPerSecond).toLocaleString('en-US')} changes/s`],
    ['change latency', `p50 ${f.latency.p50} ms, p99 ${f.latency.p99} ms, max ${f.latency.max} ms (write acknowledged -> change received${f.beforeAck > 0 ? `; ${f.beforeAck} arrived before their write's answer` : ''})`],
  ];
  return [
    ...feedRows,
    ['pool at end', formatCounts(p.final)],
    ['pool peaks', `${formatCounts(p.peaks)} (each gauge's own highest of ${p.samples} samples)`],
    ['pool totals (run)', `${formatCounts(p.run)} (measured run only)`],
  ];
}
