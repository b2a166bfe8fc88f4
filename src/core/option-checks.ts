// The checks every options object goes through, at construction and per call: unknown keys
// are TypeErrors with a "did you mean", values are checked for type and range.

/** The largest delay a Node timer accepts. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The options object itself: undefined means `{}`; anything but a plain object is a TypeError. */
export function optionsObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** An integer option within [min, max]; `dflt` when absent. */
export function int(
  o: Record<string, unknown>, key: string, dflt: number, min: number, max: number,
  range?: string, prefix = '',
): number {
  const v = o[key];
  if (v === undefined) return dflt;
  const name = prefix + key;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`${name} must be ${range ?? `an integer from ${min} to ${max}`}, got ${v}`);
  }
  return v;
}

/** A boolean option; `dflt` when absent. */
export function bool(o: Record<string, unknown>, key: string, dflt: boolean, prefix = ''): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`${prefix}${key} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A function option, or undefined when absent. */
export function fn<F>(o: Record<string, unknown>, key: string, what: string, prefix = ''): F | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new TypeError(`${prefix}${key} must be a function ${what}, got ${describe(v)}`);
  return v as F;
}

/** Throws a TypeError for the first key not in `known`, with the nearest known one. */
export function checkKeys(o: Record<string, unknown>, known: readonly string[], what: string, prefix = ''): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    const hint = near ? `; did you mean ${prefix}${near}?` : `; known: ${known.join(', ')}`;
    throw new TypeError(`unknown ${what} ${prefix}${key}${hint}`);
  }
}

/** The known name nearest to `key` (case-insensitive edit distance), if it is near. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const k = key.toLowerCase();
  for (const name of known) {
    const d = distance(k, name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** A value as an error message names it (never its content, past 40 characters). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}
