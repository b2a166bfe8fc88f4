// Renders the end-to-end results: a markdown table (for the README), the target checks, and
// the JSON file with the machine it ran on and the command that produced it.
import type { SubjectName } from './e2e-subjects.js';

/** One measured run of one client at one concurrency. */
export interface Measurement {
  readonly qps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly errorsByType: Readonly<Record<string, number>>;
  /** CPU time of the server process over the run, % of one core; null if unknown. */
  readonly serverCpuPct: number | null;
  /** CPU time of this (client) process over the run, % of one core. */
  readonly clientCpuPct: number;
  /** Client CPU time per query, in microseconds (process CPU / queries answered). */
  readonly clientUsPerQuery: number;
}

export interface Cell {
  readonly concurrency: number;
  readonly subject: SubjectName;
  readonly label: string;
  /** Every round, in the order they ran. */
  readonly rounds: readonly Measurement[];
  /** The round with the median throughput. */
  readonly median: Measurement;
}

export interface TargetCheck {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  /** null when the check could not be made (a subject or concurrency was left out). */
  readonly met: boolean | null;
}

export function medianRound(rounds: readonly Measurement[]): Measurement {
  const sorted = [...rounds].sort((a, b) => a.qps - b.qps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function find(cells: readonly Cell[], c: number, s: SubjectName): Cell | undefined {
  return cells.find((x) => x.concurrency === c && x.subject === s);
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} %`);

export function markdownTable(cells: readonly Cell[]): string {
  const lines = [
    '| concurrency | client | queries/s | p50 ms | p99 ms | run() speed-up | server CPU | client CPU | client µs/query | errors |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const cell of cells) {
    const m = cell.median;
    const run = find(cells, cell.concurrency, 'repool-run');
    const speedup = run && m.qps > 0 ? `${(run.median.qps / m.qps).toFixed(2)}x` : 'n/a';
    lines.push(
      `| ${cell.concurrency} | ${cell.label} | ${Math.round(m.qps).toLocaleString('en-US')} | ${m.p50Ms.toFixed(2)} | ` +
        `${m.p99Ms.toFixed(2)} | ${speedup} | ${pct(m.serverCpuPct)} | ${pct(m.clientCpuPct)} | ` +
        `${m.clientUsPerQuery.toFixed(1)} | ${m.errors} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The targets: at concurrency 16 and 64, run() >= 2x rethinkdb-ts' pool and >= 1.25x
 * rethinkdbdash's, and the least client CPU per query by >= 1.3x; a lease at concurrency =
 * poolSize no more than 10 % slower than one bare connection.
 */
export function checkTargets(cells: readonly Cell[], poolSize: number): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const c of [16, 64]) {
    const run = find(cells, c, 'repool-run');
    for (const [peer, want] of [['rethinkdb-ts', 2], ['rethinkdbdash', 1.25]] as const) {
      const other = find(cells, c, peer);
      const ratio = run && other && other.median.qps > 0 ? run.median.qps / other.median.qps : null;
      checks.push({
        name: `run() vs ${peer} pool, concurrency ${c}`,
        value: ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`,
        target: `>= ${want}x`,
        met: ratio === null ? null : ratio >= want,
      });
    }
    const others = cells.filter((x) => x.concurrency === c && !x.subject.startsWith('repool'));
    const leanest = others.length > 0 ? Math.min(...others.map((x) => x.median.clientUsPerQuery)) : null;
    const cpu = run && leanest !== null ? leanest / run.median.clientUsPerQuery : null;
    checks.push({
      name: `client CPU per query, the leanest peer over run(), concurrency ${c}`,
      value: cpu === null ? 'n/a' : `${cpu.toFixed(2)}x`,
      target: '>= 1.3x',
      met: cpu === null ? null : cpu >= 1.3,
    });
  }
  const lease = find(cells, poolSize, 'repool-lease');
  const bare = find(cells, poolSize, 'bare');
  const ratio = lease && bare && bare.median.qps > 0 ? lease.median.qps / bare.median.qps : null;
  checks.push({
    name: `lease vs bare connection, concurrency ${poolSize} (= poolSize)`,
    value: ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`,
    target: '>= 0.9x (at most 10 % slower)',
    met: ratio === null ? null : ratio >= 0.9,
  });
  return checks;
}

export function formatChecks(checks: readonly TargetCheck[]): string {
  return checks
    .map((c) => `- ${c.name}: ${c.value} (target ${c.target}): ${c.met === null ? 'not measured' : c.met ? 'met' : 'NOT met'}`)
    .join('\n');
}

/** A note when the server was the bottleneck: then the pools cannot be told apart. */
export function serverBoundNote(cells: readonly Cell[]): string | undefined {
  const busy = cells.filter((c) => (c.median.serverCpuPct ?? 0) >= 90);
  if (busy.length === 0) return undefined;
  return (
    `Note: the server process used >= 90 % of a core in ${busy.length} of ${cells.length} runs; ` +
    'there the server, not the client, limits throughput, and the ratios understate pool differences.'
  );
}
