// Throughput over time in the HTML report: one bar per second of the measured run, its
// height a rate (queries per second), errors stacked on top in red. The x axis is time, so a
// last partial second is a narrower bar at its true rate, not a short one that reads as a
// collapse; a tail too short to be a rate (the queries that settle after a whole-second
// deadline) is left out and said so under the chart.
import type { SecondSample } from './runner.js';
import type { BenchReport } from './report-model.js';
import { duration, int } from './format.js';
import { esc, frame, M, niceScale, niceStep, PH, PW, yAxis } from './svg-chart.js';

/** A partial second shorter than this is not drawn: a few ms of draining is not a rate. */
export const MIN_PARTIAL_MS = 250;

export interface TimelineBar {
  readonly second: number;
  readonly spanMs: number;
  readonly queries: number;
  readonly errors: number;
  /** Successes and errors per second over the bar's span. */
  readonly queryRate: number;
  readonly errorRate: number;
}

/** The bars to draw, and the samples left out (a too-short last second). */
export function timelineBars(timeline: readonly SecondSample[]): { bars: TimelineBar[]; leftOut: SecondSample[] } {
  const bars: TimelineBar[] = [];
  const leftOut: SecondSample[] = [];
  for (const s of timeline) {
    const { spanMs } = s;
    if (spanMs < MIN_PARTIAL_MS) {
      leftOut.push(s);
      continue;
    }
    bars.push({ ...s, spanMs, queryRate: (s.queries * 1000) / spanMs, errorRate: (s.errors * 1000) / spanMs });
  }
  return { bars, leftOut };
}

export function barLabel(b: TimelineBar): string {
  const counts = `${int(b.queries)} queries, ${int(b.errors)} errors`;
  if (b.spanMs >= 1000) return `second ${b.second + 1}: ${counts}`;
  return `second ${b.second + 1} (partial, ${duration(b.spanMs)}): ${counts}, drawn as ${int(b.queryRate)} queries/s`;
}

function leftOutNote(leftOut: readonly SecondSample[], byDuration: boolean): string | undefined {
  if (leftOut.length === 0) return undefined;
  const ms = leftOut.reduce((n, s) => n + s.spanMs, 0);
  const queries = leftOut.reduce((n, s) => n + s.queries + s.errors, 0);
  const what = `${int(queries)} ${queries === 1 ? 'query' : 'queries'}${byDuration ? ' in flight at the deadline' : ''}`;
  return `Not drawn: the last ${duration(ms)} of the run (${what}), too short to show as a rate. They count in the totals above.`;
}

export function timelineSvg(r: BenchReport): string {
  const title = 'Throughput over time';
  const xLabel = 'seconds into the measured run';
  const { bars, leftOut } = timelineBars(r.timeline);
  const note = leftOutNote(leftOut, r.config.durationMs !== null);
  if (bars.length === 0) return frame(title, '', xLabel, 'queries/s', note);
  const last = bars.at(-1)!;
  const seconds = last.second + last.spanMs / 1000;
  const px = PW / seconds;
  const { max, step } = niceScale(Math.max(...bars.map((b) => b.queryRate + b.errorRate)));
  let body = yAxis(max, step);
  for (const b of bars) {
    const x = M.left + b.second * px + 0.5;
    const w = Math.max(0.5, (b.spanMs / 1000) * px - 1).toFixed(1);
    const hq = (b.queryRate / max) * PH;
    const he = (b.errorRate / max) * PH;
    body += `<rect x="${x.toFixed(1)}" y="${(M.top + PH - hq).toFixed(1)}" width="${w}" height="${hq.toFixed(1)}" class="bar"><title>${esc(barLabel(b))}</title></rect>`;
    if (he > 0) body += `<rect x="${x.toFixed(1)}" y="${(M.top + PH - hq - he).toFixed(1)}" width="${w}" height="${he.toFixed(1)}" class="err"><title>${esc(barLabel(b))}</title></rect>`;
  }
  // Round times, fractions of a second for a short run: 0 0.2 0.4 ... or 0 10 20 ...
  if (bars.some((b) => b.errors > 0)) {
    // The legend sits in the top margin, where no bar can cover it.
    const x = M.left + PW - 120;
    body += `<rect x="${x}" y="${M.top - 13}" width="10" height="10" class="bar"/><text x="${x + 14}" y="${M.top - 4}">queries</text>`;
    body += `<rect x="${x + 66}" y="${M.top - 13}" width="10" height="10" class="err"/><text x="${x + 80}" y="${M.top - 4}">errors</text>`;
  }
  const every = niceStep(seconds / 6);
  for (let i = 0; i * every <= seconds + 1e-9; i++) {
    const t = Number((i * every).toPrecision(6));
    body += `<text x="${(M.left + t * px).toFixed(1)}" y="${M.top + PH + 16}" text-anchor="middle">${t}</text>`;
  }
  return frame(title, body, xLabel, 'queries/s', note);
}
