// The HTML report's charts, read from the markup: histogram tooltips name the latency range
// of their bar; the throughput axis ends at a round value just above the data; a partial
// last second is drawn as a rate over its span, or left out (and said so) when too short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportToHtml } from '../../src/cli/bench/report-html.js';
import { niceScale } from '../../src/cli/bench/svg-chart.js';
import { MIN_PARTIAL_MS } from '../../src/cli/bench/chart-timeline.js';
import { sampleReport } from './sample-report.js';
import { runRepool, withTempDir } from './run-repool.js';

const FULL = (second: number, queries: number, errors = 0) => ({ second, spanMs: 1000, queries, errors });

/** The SVG of one chart, by its caption. */
function chart(html: string, title: string): string {
  const start = html.indexOf(`<figcaption>${title}</figcaption>`);
  assert.ok(start >= 0, title);
  return html.slice(start, html.indexOf('</figure>', start));
}

const titles = (svg: string): string[] => [...svg.matchAll(/<rect [^>]*class="bar"><title>([^<]*)<\/title>/g)].map((m) => m[1]!);
const yTicks = (svg: string): number[] => [...svg.matchAll(/class="tick">([\d,]+)</g)].map((m) => Number(m[1]!.replace(/,/g, '')));

test('axis maximum: a round value just above the data', () => {
  assert.deepEqual(niceScale(22_000), { max: 25_000, step: 5000 });
  assert.deepEqual(niceScale(13_000), { max: 15_000, step: 5000 });
  assert.deepEqual(niceScale(29_056), { max: 30_000, step: 10_000 });
  assert.deepEqual(niceScale(480), { max: 500, step: 100 });
  assert.deepEqual(niceScale(7), { max: 8, step: 2 });
  assert.deepEqual(niceScale(0), { max: 1, step: 1 });
});

test('throughput of 13-22k per second: the axis ends at 25,000, not 50,000', () => {
  const r = sampleReport([FULL(0, 13_200), FULL(1, 21_950), FULL(2, 18_000)], [900, 1000, 1100]);
  const ticks = yTicks(chart(reportToHtml(r), 'Throughput over time'));
  assert.equal(Math.max(...ticks), 25_000);
  assert.deepEqual(ticks, [0, 5000, 10_000, 15_000, 20_000, 25_000]);
});

test('histogram tooltips: the latency range of the bar and its count; every query in exactly one bar', () => {
  const latencies = [...Array(10).fill(500), ...Array(5).fill(2000), 2010, 45_000];
  const svg = chart(reportToHtml(sampleReport([FULL(0, latencies.length)], latencies)), 'Latency histogram');
  const bars = titles(svg).map((t) => {
    const m = /^([\d.]+)(?: to ([\d.]+))? ms: ([\d,]+) quer(?:y|ies) \((<?[\d.]+)%\)$/.exec(t);
    assert.ok(m, `tooltip: ${t}`);
    return { fromUs: Number(m[1]) * 1000, toUs: Number(m[2] ?? m[1]) * 1000, count: Number(m[3]!.replace(/,/g, '')) };
  });
  assert.ok(bars.length >= 3);
  for (const bar of bars) {
    const inside = latencies.filter((us) => us >= bar.fromUs && us <= bar.toUs).length;
    assert.equal(inside, bar.count, JSON.stringify(bar));
  }
  assert.equal(bars.reduce((n, b) => n + b.count, 0), latencies.length);
  assert.match(svg, /<title>0\.500 to 0\.503 ms: 10 queries \(58\.8%\)<\/title>/);
  assert.match(svg, /<title>2\.000 to 2\.015 ms: 6 queries \(35\.3%\)<\/title>/);
});

test('a partial last second is drawn at its rate over a narrower bar, not as a drop', () => {
  const svg = chart(reportToHtml(sampleReport([FULL(0, 12_000), FULL(1, 12_000), { second: 2, spanMs: 500, queries: 6000, errors: 0 }], [1000])), 'Throughput over time');
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" class="bar"><title>([^<]*)</g)];
  assert.equal(bars.length, 3);
  const [full, , partial] = bars.map((m) => ({ y: Number(m[1]), width: Number(m[2]), height: Number(m[3]), title: m[4]! }));
  assert.equal(partial!.title, 'second 3 (partial, 500ms): 6,000 queries, 0 errors, drawn as 12,000 queries/s');
  assert.equal(partial!.height, full!.height);
  assert.ok(Math.abs(partial!.width - (full!.width + 1) / 2 + 1) < 0.2, `${partial!.width} vs ${full!.width}`);
  assert.doesNotMatch(svg, /Not drawn/);
});

test(`a last "second" shorter than ${MIN_PARTIAL_MS} ms (queries settling after the deadline) is left out, and said so`, () => {
  const svg = chart(reportToHtml(sampleReport([FULL(0, 12_000), FULL(1, 12_000), { second: 2, spanMs: 3, queries: 32, errors: 0 }], [1000])), 'Throughput over time');
  assert.equal(titles(svg).length, 2);
  assert.match(svg, /<p class="note">Not drawn: the last 3ms of the run \(32 queries in flight at the deadline\), too short to show as a rate/);
});

test('repool bench --html - --duration 1.5: the page on stdout draws the last half second as a rate', async () => {
  await withTempDir(async (dir) => {
    const json = join(dir, 'r.json');
    const res = await runRepool(['bench', '--duration', '1.5', '--warmup', '0', '--rows', '20', '--pool-size', '2', '--concurrency', '4', '--html', '-', '--json', json]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^<!doctype html>/);
    assert.match(res.stderr, /repool bench report/);
    const { timeline } = JSON.parse(await readFile(json, 'utf8')) as { timeline: { second: number; spanMs: number }[] };
    const last = timeline.at(-1)!;
    assert.ok(last.spanMs < 1000, JSON.stringify(last));
    const svg = chart(res.stdout, 'Throughput over time');
    if (last.spanMs >= MIN_PARTIAL_MS) assert.match(svg, new RegExp(`second ${last.second + 1} \\(partial, .*drawn as [\\d,]+ queries/s`));
    else assert.match(svg, /Not drawn: the last/);
    for (const t of titles(chart(res.stdout, 'Latency histogram'))) assert.match(t, /^[\d.]+( to [\d.]+)? ms: [\d,]+ quer/);
  });
});
