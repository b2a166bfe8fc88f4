// The result object of a write, built the way the real server builds it: one small result
// per row (a counter, maybe `changes`, maybe an error), merged into the total (numbers add
// up, `changes` arrays concatenate, the first `first_error` stays). With `returnChanges:
// 'always'` a failed row still reports a change, carrying its `error`.
import { deepEqual, sortedObject, type DatumObject } from './datum.js';
import { logicError } from './errors.js';

export type ReturnChanges = false | true | 'always';

const COUNTERS = ['deleted', 'errors', 'inserted', 'replaced', 'skipped', 'unchanged'] as const;
type Counter = (typeof COUNTERS)[number];

/** Merges two write results: numbers add, arrays concatenate, strings keep the left one. */
export function mergeStats(a: DatumObject, b: DatumObject): DatumObject {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (typeof prev === 'number' && typeof v === 'number') out[k] = prev + v;
    else if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v];
    else if (!(typeof prev === 'string' && typeof v === 'string')) {
      throw logicError(`Cannot merge statistics \`${k}\` of different types.`);
    }
  }
  return out;
}

export class WriteResult {
  private readonly counts: Record<Counter, number> = {
    deleted: 0, errors: 0, inserted: 0, replaced: 0, skipped: 0, unchanged: 0,
  };
  private firstError: string | undefined;
  private changes: DatumObject[] | undefined;
  readonly generatedKeys: string[] = [];

  constructor(private readonly returnChanges: ReturnChanges) {}

  /** One row written (or left alone): old and new value, both null for "no row". */
  row(oldVal: DatumObject | null, newVal: DatumObject | null): void {
    const changed = !sameRow(oldVal, newVal);
    if (oldVal === null) this.counts[newVal === null ? 'skipped' : 'inserted']++;
    else if (newVal === null) this.counts.deleted++;
    else this.counts[changed ? 'replaced' : 'unchanged']++;
    if (this.returnChanges === false) return;
    this.changes ??= [];
    if (changed || this.returnChanges === 'always') this.changes.push({ new_val: newVal, old_val: oldVal });
  }

  /** One row failed with `message`; `oldVal` is the row it would have replaced. */
  fail(message: string, oldVal: DatumObject | null): void {
    this.counts.errors++;
    this.firstError ??= message;
    if (this.returnChanges === false) return;
    this.changes ??= [];
    if (this.returnChanges === 'always') this.changes.push({ error: message, new_val: oldVal, old_val: oldVal });
  }

  toDatum(): DatumObject {
    const out: Record<string, unknown> = { ...this.counts };
    if (this.changes !== undefined) out.changes = this.changes;
    if (this.firstError !== undefined) out.first_error = this.firstError;
    if (this.generatedKeys.length > 0) out.generated_keys = this.generatedKeys;
    return sortedObject(out);
  }
}

function sameRow(a: DatumObject | null, b: DatumObject | null): boolean {
  if (a === null || b === null) return a === b;
  return deepEqual(a, b);
}
