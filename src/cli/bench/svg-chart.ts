// The frame the report's two charts share: an inline SVG plot area with a caption, axis
// labels, horizontal grid lines at round values, and the round axis maximum itself.
import { int } from './format.js';

export const W = 720;
export const H = 260;
export const M = { left: 64, right: 16, top: 16, bottom: 44 } as const;
/** Width and height of the plot area inside the margins. */
export const PW = W - M.left - M.right;
export const PH = H - M.top - M.bottom;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The round step (1, 2, 2.5 or 5 times a power of ten) at or above `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((f) => f * p).find((s) => s >= raw * (1 - 1e-9))!;
}

/**
 * The axis maximum: the first multiple of a round step (at least 1: the charts count
 * queries) at or above `v`, with the step chosen for about five grid lines. 13-22k gives
 * 25k in steps of 5k, 480 gives 500 in steps of 100.
 */
export function niceScale(v: number, lines = 5): { max: number; step: number } {
  const top = Math.max(v, 1);
  const step = Math.max(1, niceStep(top / lines));
  return { max: Math.ceil(top / step - 1e-9) * step, step };
}

export function yAxis(max: number, step: number): string {
  let out = '';
  for (let i = 0; i * step <= max + 1e-9; i++) {
    const v = i * step;
    const y = M.top + PH - (v / max) * PH;
    out += `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" class="grid"/>`;
    out += `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${int(v)}</text>`;
  }
  return out;
}

/** A chart: the caption, the plot, the axis labels, and an optional note under it. */
export function frame(title: string, body: string, xLabel: string, yLabel: string, note?: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" class="plot"/>
${body}
<text x="${M.left + PW / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + PH / 2})">${esc(yLabel)}</text>
</svg>${note ? `\n<p class="note">${esc(note)}</p>` : ''}</figure>`;
}
