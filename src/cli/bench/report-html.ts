// The report as one self-contained HTML page: inline CSS and inline SVG charts (latency
// histogram on a log scale, throughput per second), no scripts, fonts or requests, so it
// opens offline and can be attached to an issue as a single file.
import { poolRows, type BenchReport } from './report-model.js';
import { duration, int } from './format.js';
import { histogramSvg } from './chart-histogram.js';
import { timelineSvg } from './chart-timeline.js';
import { esc } from './svg-chart.js';

function summary(r: BenchReport): string {
  const c = r.config;
  const rows: [string, string][] = [
    ['server', c.server],
    ['workload / mode', `${c.workload} / ${c.mode}`],
    ['pool size / concurrency', `${c.poolSize} / ${c.concurrency}`],
    ['queries', `${int(r.queries)} in ${duration(r.elapsedMs)}${r.interrupted ? ' (interrupted)' : ''}`],
    ['throughput', `${int(r.throughput)} queries/s`],
    ['latency p50 / p90 / p99 / max', `${r.latency.p50} / ${r.latency.p90} / ${r.latency.p99} / ${r.latency.max} ms`],
    ['errors', r.errors.total === 0 ? '0' : Object.entries(r.errors.byType).map(([k, v]) => `${k}: ${int(v)}`).join(', ')],
    ...poolRows(r),
  ];
  if (r.server) rows.push(['server cpu', r.server.cpuMs === null ? 'n/a' : `${int(r.server.cpuMs)} ms (${r.server.cpuPercent}% of one core)`]);
  rows.push(['machine', `${r.environment.cpu}, ${r.environment.cores} cores, Node ${r.environment.node}`]);
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n')}</table>`;
}

export function reportToHtml(r: BenchReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>repool bench: ${esc(r.config.workload)}, ${int(r.throughput)} q/s</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 760px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } th, td { text-align: left; padding: 2px 12px 2px 0; }
th { font-weight: 600; } code { background: #f3f3f3; padding: 2px 4px; }
figure { margin: 1.5em 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg { max-width: 100%; height: auto; } svg text { font: 11px system-ui, sans-serif; fill: #444; }
.plot { fill: #fafafa; stroke: #ccc; } .grid { stroke: #e4e4e4; } .axis { stroke: #999; } .bar { fill: #3b7dd8; } .err { fill: #d8433b; }
line.mark { stroke: #d8433b; stroke-dasharray: 4 3; } text.mark { fill: #d8433b; }
.note { color: #666; font-size: 12px; margin: 2px 0 0; }
</style></head><body>
<h1>repool bench${r.interrupted ? ' (partial)' : ''}</h1>
<p>Started ${esc(r.startedAt)}. Reproduce with <code>${esc(r.command)}</code></p>
${summary(r)}
${histogramSvg(r)}
${timelineSvg(r)}
</body></html>
`;
}
