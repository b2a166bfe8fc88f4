// Number formatting shared by the progress line and the reports.

/** Microseconds as milliseconds with enough digits to compare: 0.083, 1.25, 12.3, 1234. */
export function ms(us: number): string {
  const v = us / 1000;
  if (v < 1) return v.toFixed(3);
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** Microseconds to milliseconds as a number rounded to the microsecond (for JSON). */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

/** An integer with thousands separators: 12,345. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as a short duration: 850ms, 10.0s, 2m05s. */
export function duration(msTotal: number): string {
  if (msTotal < 1000) return `${Math.round(msTotal)}ms`;
  if (msTotal < 60_000) return `${(msTotal / 1000).toFixed(1)}s`;
  const s = Math.round(msTotal / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
