// The report as one self-contained HTML page: inline CSS and inline SVG charts (latency
// histogram on a log scale, throughput per second), no scripts, fonts or requests, so it
// opens offline and can be attached to an issue as a single file.
import { poolRows, type BenchReport } from './report-model.js';
import { duration, int } from './format.js';

const W = 720;
const H = 260;
const M = { left: 64, right: 16, top: 16, bottom: 44 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function msLabel(us: number): string {
  const v = us / 1000;
  return v < 1 ? v.toFixed(2) : v < 10 ? v.toFixed(1) : v.toFixed(0);
}

/** Round axis maximum (1, 2 or 5 times a power of ten) and its tick step. */
function niceMax(v: number): { max: number; step: number } {
  const raw = Math.max(v, 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  const k = [1, 2, 5, 10].find((f) => f * p >= raw)!;
  // 4 or 5 grid lines at round values: 1 -> 0.2 steps, 2 -> 0.5, 5 -> 1, 10 -> 2.
  const step = ({ 1: 0.2, 2: 0.5, 5: 1, 10: 2 } as Record<number, number>)[k]! * p;
  return { max: k * p, step };
}

function frame(title: string, body: string, xLabel: string, yLabel: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" class="plot"/>
${body}
<text x="${M.left + PW / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + PH / 2})">${esc(yLabel)}</text>
</svg></figure>`;
}

function yAxis(max: number, step: number): string {
  let out = '';
  for (let v = 0; v <= max + 1e-9; v += step) {
    const y = M.top + PH - (v / max) * PH;
    out += `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" class="grid"/>`;
    out += `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${int(v)}</text>`;
  }
  return out;
}

/** Latency histogram: the recorded buckets regrouped into 40 bins of equal width in log(µs). */
function histogramSvg(r: BenchReport): string {
  const BINS = 40;
  if (r.histogram.length === 0) return frame('Latency histogram', '', 'latency (ms, log scale)', 'queries');
  const lo = Math.max(1, r.histogram[0]!.fromUs);
  const hi = Math.max(lo * 2, r.histogram[r.histogram.length - 1]!.toUs + 1);
  const span = Math.log(hi / lo);
  const bins = new Array<number>(BINS).fill(0);
  for (const b of r.histogram) {
    const mid = Math.max(lo, (b.fromUs + b.toUs) / 2);
    bins[Math.min(BINS - 1, Math.floor((Math.log(mid / lo) / span) * BINS))]! += b.count;
  }
  const { max, step } = niceMax(Math.max(...bins));
  const xOf = (us: number): number => M.left + (Math.log(Math.max(us, lo) / lo) / span) * PW;
  let body = yAxis(max, step);
  const bw = PW / BINS;
  bins.forEach((n, i) => {
    if (n === 0) return;
    const h = (n / max) * PH;
    body += `<rect x="${(M.left + i * bw + 0.5).toFixed(1)}" y="${(M.top + PH - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${int(n)} queries</title></rect>`;
  });
  for (let i = 0; i <= 4; i++) {
    const us = lo * Math.exp((span * i) / 4);
    body += `<text x="${xOf(us)}" y="${M.top + PH + 16}" text-anchor="middle">${msLabel(us)}</text>`;
  }
  for (const [name, ms] of [['p50', r.latency.p50], ['p99', r.latency.p99]] as const) {
    const x = xOf(ms * 1000);
    body += `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PH}" class="mark"/><text x="${x + 3}" y="${M.top + 12}" class="mark">${name}</text>`;
  }
  return frame('Latency histogram', body, 'latency (ms, log scale)', 'queries');
}

/** Throughput per second of the run, errors stacked on top in red. */
function timelineSvg(r: BenchReport): string {
  const t = r.timeline;
  if (t.length === 0) return frame('Throughput over time', '', 'second', 'queries/s');
  const { max, step } = niceMax(Math.max(...t.map((s) => s.queries + s.errors)));
  let body = yAxis(max, step);
  const bw = PW / t.length;
  for (const s of t) {
    const x = M.left + s.second * bw;
    const hq = (s.queries / max) * PH;
    const he = (s.errors / max) * PH;
    body += `<rect x="${(x + 0.5).toFixed(1)}" y="${(M.top + PH - hq).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${hq.toFixed(1)}" class="bar"><title>second ${s.second + 1}: ${int(s.queries)} queries, ${int(s.errors)} errors</title></rect>`;
    if (he > 0) body += `<rect x="${(x + 0.5).toFixed(1)}" y="${(M.top + PH - hq - he).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${he.toFixed(1)}" class="err"/>`;
  }
  const every = Math.max(1, Math.ceil(t.length / 10));
  for (let i = 0; i < t.length; i += every) {
    body += `<text x="${M.left + (i + 0.5) * bw}" y="${M.top + PH + 16}" text-anchor="middle">${i + 1}</text>`;
  }
  return frame('Throughput over time', body, 'second (last one may be partial)', 'queries/s');
}

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
.plot { fill: #fafafa; stroke: #ccc; } .grid { stroke: #e4e4e4; } .bar { fill: #3b7dd8; } .err { fill: #d8433b; }
line.mark { stroke: #d8433b; stroke-dasharray: 4 3; } text.mark { fill: #d8433b; }
</style></head><body>
<h1>repool bench${r.interrupted ? ' (partial)' : ''}</h1>
<p>Started ${esc(r.startedAt)}. Reproduce with <code>${esc(r.command)}</code></p>
${summary(r)}
${histogramSvg(r)}
${timelineSvg(r)}
</body></html>
`;
}
