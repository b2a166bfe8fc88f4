// The bookkeeping of `converge: true`. RethinkDB has no resume token: after a feed resumes,
// changes made during the gap are not replayed, and the re-sent initial rows cannot say
// which rows were deleted meanwhile. So the feed remembers the primary key of every row it
// has delivered (one key per row), and when the re-sent rows end it emits a removal
// `{ old_val: { [primaryKey]: key }, new_val: null }` for each remembered key they no longer
// contain. A consumer that applies items by primary key then converges to the table.

/** A change item as RethinkDB sends it (states and errors have neither value). */
interface ChangeLike {
  new_val?: unknown;
  old_val?: unknown;
  state?: unknown;
}

export class Converge {
  /** Keys of the rows the consumer holds, as far as the feed has told it (compound keys by their JSON). */
  readonly #held = new Map<unknown, unknown>();
  /** While re-sent rows arrive after a resume: the keys seen so far. */
  #resync: Set<unknown> | undefined = undefined;

  constructor(private readonly primaryKey: string) {}

  /** A resume began: the re-sent initial rows follow, up to the server's `ready` state. */
  resynchronize(): void {
    this.#resync = new Set();
  }

  /**
   * Records `item` as the consumer will apply it. At the end of the re-sent rows (the
   * `ready` state), returns the removals of rows that vanished during the gap.
   */
  observe(item: unknown): ChangeLike[] {
    if (item === null || typeof item !== 'object') return [];
    const change = item as ChangeLike;
    if (change.state === 'ready' && this.#resync !== undefined) return this.#finish();
    const added = this.#key(change.new_val);
    const gone = this.#key(change.old_val);
    if (added !== undefined) {
      this.#held.set(added, (change.new_val as Record<string, unknown>)[this.primaryKey]);
      this.#resync?.add(added);
    } else if (change.new_val === null && gone !== undefined) {
      this.#held.delete(gone);
      this.#resync?.delete(gone);
    }
    return [];
  }

  #finish(): ChangeLike[] {
    const seen = this.#resync!;
    this.#resync = undefined;
    const removals: ChangeLike[] = [];
    for (const [key, value] of [...this.#held]) {
      if (seen.has(key)) continue;
      this.#held.delete(key);
      removals.push({ old_val: { [this.primaryKey]: value }, new_val: null });
    }
    return removals;
  }

  #key(row: unknown): unknown {
    if (row === null || typeof row !== 'object') return undefined;
    const key = (row as Record<string, unknown>)[this.primaryKey];
    // Compound keys (arrays) are compared by value.
    return Array.isArray(key) ? JSON.stringify(key) : key;
  }
}
