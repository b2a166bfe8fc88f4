// The latency histogram of the HTML report: the recorded buckets regrouped into bins of
// equal width on a log scale, p50 and p99 marked. Each bar's tooltip says which latencies
// it holds (the lowest and highest of its buckets) and how many queries took that long.
import type { HistogramBucket } from './histogram.js';
import type { BenchReport } from './report-model.js';
import { int } from './format.js';
import { esc, frame, M, niceScale, PH, PW, yAxis } from './svg-chart.js';

export const BINS = 40;

/** One bar: the queries whose latency lies in [fromUs, toUs] (inclusive, microseconds). */
export interface HistogramBin {
  readonly fromUs: number;
  readonly toUs: number;
  readonly count: number;
}

/** Groups the buckets into BINS bins of equal width in log(µs) from the lowest to the highest. */
export function histogramBins(buckets: readonly HistogramBucket[]): { bins: (HistogramBin | undefined)[]; lo: number; span: number } {
  const lo = Math.max(1, buckets[0]?.fromUs ?? 1);
  const hi = Math.max(lo * 2, (buckets.at(-1)?.toUs ?? lo) + 1);
  const span = Math.log(hi / lo);
  const bins: (HistogramBin | undefined)[] = new Array(BINS).fill(undefined);
  for (const b of buckets) {
    const mid = Math.max(lo, (b.fromUs + b.toUs) / 2);
    const i = Math.min(BINS - 1, Math.floor((Math.log(mid / lo) / span) * BINS));
    const bin = bins[i];
    bins[i] = bin
      ? { fromUs: Math.min(bin.fromUs, b.fromUs), toUs: Math.max(bin.toUs, b.toUs), count: bin.count + b.count }
      : { fromUs: b.fromUs, toUs: b.toUs, count: b.count };
  }
  return { bins, lo, span };
}

/** "0.512 to 0.639 ms: 1,234 queries (12.3%)": what a bar's tooltip says. */
export function binLabel(bin: HistogramBin, total: number): string {
  const pct = total > 0 ? (bin.count / total) * 100 : 0;
  const share = total > 0 ? ` (${pct < 0.1 ? '<0.1' : pct.toFixed(1)}%)` : '';
  // To the microsecond (the histogram's unit): a rounded edge could leave out some of the bar.
  const exact = (us: number): string => (us / 1000).toFixed(3);
  const range = bin.fromUs === bin.toUs ? `${exact(bin.fromUs)} ms` : `${exact(bin.fromUs)} to ${exact(bin.toUs)} ms`;
  return `${range}: ${int(bin.count)} ${bin.count === 1 ? 'query' : 'queries'}${share}`;
}

/**
 * Round latencies (µs) to label a log axis from lo to hi: 1, 2, 5 times powers of ten, or
 * a finer series when the range is too narrow for three of those; the ends at worst.
 */
export function logTicks(lo: number, hi: number): number[] {
  for (const series of [[1, 2, 5], [1, 1.5, 2, 3, 5, 7]]) {
    const ticks: number[] = [];
    for (let p = 10 ** Math.floor(Math.log10(lo)); p <= hi; p *= 10) {
      for (const f of series) if (f * p >= lo && f * p <= hi) ticks.push(f * p);
    }
    if (ticks.length >= 3) return ticks;
  }
  return [lo, hi];
}

/** A tick's latency in ms without trailing zeros: 0.05, 0.5, 2, 20. */
function tickLabel(us: number): string {
  return String(Number((us / 1000).toPrecision(3)));
}

export function histogramSvg(r: BenchReport): string {
  const title = 'Latency histogram';
  const xLabel = 'latency (ms, log scale)';
  if (r.histogram.length === 0) return frame(title, '', xLabel, 'queries');
  const { bins, lo, span } = histogramBins(r.histogram);
  const total = bins.reduce((n, b) => n + (b?.count ?? 0), 0);
  const { max, step } = niceScale(Math.max(...bins.map((b) => b?.count ?? 0)));
  const xOf = (us: number): number => M.left + (Math.log(Math.max(us, lo) / lo) / span) * PW;
  let body = yAxis(max, step);
  const bw = PW / BINS;
  bins.forEach((bin, i) => {
    if (!bin) return;
    const h = (bin.count / max) * PH;
    body += `<rect x="${(M.left + i * bw + 0.5).toFixed(1)}" y="${(M.top + PH - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${esc(binLabel(bin, total))}</title></rect>`;
  });
  for (const us of logTicks(lo, lo * Math.exp(span))) {
    const x = xOf(us).toFixed(1);
    body += `<line x1="${x}" x2="${x}" y1="${M.top + PH}" y2="${M.top + PH + 4}" class="axis"/><text x="${x}" y="${M.top + PH + 16}" text-anchor="middle">${tickLabel(us)}</text>`;
  }
  let lastLabelX = -Infinity;
  let row = 0;
  for (const [name, v] of [['p50', r.latency.p50], ['p99', r.latency.p99]] as const) {
    const x = xOf(v * 1000);
    // A label near the right edge goes left of its line; one near the previous label, a row lower.
    const left = x > M.left + PW - 30;
    row = x - lastLabelX < 30 ? row + 1 : 0;
    lastLabelX = x;
    const tx = left ? x - 3 : x + 3;
    body += `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PH}" class="mark"/><text x="${tx}" y="${M.top + 12 + row * 12}" text-anchor="${left ? 'end' : 'start'}" class="mark">${name}</text>`;
  }
  return frame(title, body, xLabel, 'queries');
}
