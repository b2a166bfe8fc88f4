// Flag values of the benchmarks, checked.

/** `text` as a positive integer, or an error naming the flag. */
export function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return n;
}
