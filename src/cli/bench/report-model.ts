// The report of one `repool bench` run: one plain object that the text table, the JSON file
// and the HTML page all render, so the three always say the same thing.
import os from 'node:os';
import type { BenchOptions } from './args.js';
import type { HistogramBucket } from './histogram.js';
import type { RunResult, SecondSample } from './runner.js';
import { int, usToMs } from './format.js';

/** Numeric fields of `pool.stats()` (size, idle, leased, opening, waiting, totals...). */
export type PoolCounts = Readonly<Record<string, number>>;

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
  /** `final`: stats() after the run; `peak`: highest counts sampled each second during it. */
  readonly pool: { readonly final: PoolCounts; readonly peak: PoolCounts };
  /** The test server's process when the bench started one: its CPU time over the run. */
  readonly server: { readonly pid: number; readonly cpuMs: number | null; readonly cpuPercent: number | null } | null;
  readonly environment: { readonly node: string; readonly cpu: string; readonly cores: number; readonly platform: string };
}

export interface ReportInput {
  readonly argv: readonly string[];
  readonly options: BenchOptions;
  readonly startedAt: Date;
  readonly result: RunResult;
  readonly poolFinal: PoolCounts;
  readonly poolPeak: PoolCounts;
  readonly server: BenchReport['server'];
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
    pool: { final: input.poolFinal, peak: input.poolPeak },
    server: input.server,
    environment: environment(),
  };
}

/**
 * The final pool counts split into gauges (size, idle, leased..., the keys sampled for peaks)
 * and running totals (created, acquired, timeouts...); `poolSize` is in the config already.
 */
export function poolSplit(report: BenchReport): { gauges: PoolCounts; totals: PoolCounts } {
  const final = Object.entries(report.pool.final).filter(([k]) => k !== 'poolSize');
  return {
    gauges: Object.fromEntries(final.filter(([k]) => k in report.pool.peak)),
    totals: Object.fromEntries(final.filter(([k]) => !(k in report.pool.peak))),
  };
}

/** "size 8, idle 8, leased 0", or n/a when the pool reported nothing. */
export function formatCounts(counts: PoolCounts): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'n/a' : entries.map(([k, v]) => `${k} ${int(v)}`).join(', ');
}
