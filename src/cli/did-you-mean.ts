// "Did you mean": the known name nearest to a mistyped one, so a typo in a flag or a command
// gets its correction in the error line instead of a list to read through.

/**
 * Edit distance where swapping two neighbouring letters costs one (optimal string
 * alignment): `--prot` is one step from `--port`, as a person counts it.
 */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const up = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row[j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name nearest to `word` (case-insensitive), if it is near enough to be a typo: one
 * edit per three letters, at least one; or the only name that `word` (3+ letters) begins.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(w, name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.round(w.length / 3))) return best;
  const starting = known.filter((name) => w.length >= 3 && name.toLowerCase().startsWith(w));
  return starting.length === 1 ? starting[0] : undefined;
}
