// The report as a text table for the terminal: what a person reads after the run.
import { poolRows, type BenchReport } from './report-model.js';
import { duration, int } from './format.js';

function latencyMs(v: number): string {
  return v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0);
}

export function formatReport(report: BenchReport): string {
  const c = report.config;
  const stop = c.queries !== null ? `${int(c.queries)} queries` : duration(c.durationMs ?? 0);
  const rows: [string, string][] = [
    ['server', c.server],
    ['workload', `${c.workload} (${int(c.rows)} rows in ${c.db}.bench)`],
    ['mode', c.mode === 'run' ? 'run (pool.run, no lease)' : 'lease (acquire, run, release)'],
    ['pool size / concurrency', `${c.poolSize} / ${c.concurrency}`],
    ['run', `${stop}${c.warmupMs > 0 ? ` after ${duration(c.warmupMs)} warm-up` : ''}${report.interrupted ? ' (interrupted: partial)' : ''}`],
    ['queries', `${int(report.queries)} in ${duration(report.elapsedMs)}`],
    ['throughput', `${int(report.throughput)} queries/s`],
  ];
  const l = report.latency;
  for (const [name, v] of [['min', l.min], ['p50', l.p50], ['p90', l.p90], ['p99', l.p99], ['p99.9', l.p999], ['max', l.max]] as const) {
    rows.push([`latency ${name}`, `${latencyMs(v)} ms`]);
  }
  const byType = Object.entries(report.errors.byType).sort((a, b) => b[1] - a[1]);
  rows.push(['errors', report.errors.total === 0 ? '0' : `${int(report.errors.total)}`]);
  for (const [type, n] of byType) rows.push([`  ${type}`, int(n)]);
  rows.push(...poolRows(report));
  if (report.server) {
    const s = report.server;
    rows.push(['server cpu', s.cpuMs === null ? 'n/a' : `${int(s.cpuMs)} ms (${s.cpuPercent}% of one core)`]);
  }

  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const rule = `  ${'-'.repeat(width + 2 + Math.min(60, Math.max(...rows.map(([, v]) => v.length))))}`;
  return ['', `repool bench ${report.interrupted ? '(partial report)' : 'report'}`, rule, ...lines, rule,
    `  reproduce: ${report.command}`, ''].join('\n');
}
