// The rows of a stream, produced on demand: `r.range()` is endless, `map`, `filter` and
// `concatMap` over it stay lazy, and `limit`, `nth` or `isEmpty` read only what they
// need, as on the real server. Rows already produced are kept, so a stream read twice
// (a variable used twice in a `do()`) never evaluates its functions twice.
import { ErrorType } from '../protocol.js';
import { runtimeError } from './errors.js';

/** Most rows the test server pulls from one endless stream before giving up. */
export const MAX_STREAM_ROWS = 10_000_000;

export const INFINITE_STREAM_MESSAGE =
  'Cannot use an infinite stream with an aggregation function (`reduce`, `count`, etc.) ' +
  'or coerce it to an array.';

export class Rows implements Iterable<unknown> {
  private readonly produced: unknown[];
  private source: Iterator<unknown> | undefined;

  private constructor(
    produced: unknown[],
    source: Iterator<unknown> | undefined,
    /** An endless stream (`r.range()` and what is derived from it, before any `limit`). */
    readonly infinite: boolean,
  ) {
    this.produced = produced;
    this.source = source;
  }

  /** Rows already computed (an array, a table snapshot). */
  static of(rows: readonly unknown[]): Rows {
    return new Rows(rows as unknown[], undefined, false);
  }

  /** Rows computed as they are read. */
  static lazy(source: Iterator<unknown>, infinite = false): Rows {
    return new Rows([], source, infinite);
  }

  /** Whether every row is already computed (reading them has no side effect). */
  get settled(): boolean {
    return this.source === undefined;
  }

  *[Symbol.iterator](): Iterator<unknown> {
    for (let i = 0; ; i++) {
      if (i < this.produced.length) {
        yield this.produced[i];
        continue;
      }
      if (this.source === undefined) return;
      if (i >= MAX_STREAM_ROWS) {
        throw runtimeError(ErrorType.RESOURCE_LIMIT,
          `The async-repool test server reads at most ${MAX_STREAM_ROWS} rows of one stream.`);
      }
      const next = this.source.next();
      if (next.done === true) {
        this.source = undefined;
        return;
      }
      this.produced.push(next.value);
      yield next.value;
    }
  }

  /** Every row; an endless stream is refused with the server's message. */
  all(): readonly unknown[] {
    if (this.infinite) throw runtimeError(ErrorType.QUERY_LOGIC, INFINITE_STREAM_MESSAGE);
    if (this.source !== undefined) for (const _ of this) { /* pulls every row */ }
    return this.produced;
  }

  map(f: (row: unknown) => unknown): Rows {
    const from = this;
    return Rows.lazy((function* () { for (const r of from) yield f(r); })(), this.infinite);
  }

  filter(keep: (row: unknown) => boolean): Rows {
    const from = this;
    return Rows.lazy((function* () { for (const r of from) if (keep(r)) yield r; })(), this.infinite);
  }

  concatMap(f: (row: unknown) => Iterable<unknown>): Rows {
    const from = this;
    return Rows.lazy((function* () { for (const r of from) yield* f(r); })(), this.infinite);
  }

  /** The first `n` rows (finite even when this stream is not). */
  take(n: number): Rows {
    if (this.settled) return Rows.of(this.produced.slice(0, n));
    const from = this;
    return Rows.lazy((function* () {
      if (n <= 0) return;
      let i = 0;
      for (const r of from) {
        yield r;
        if (++i >= n) return;
      }
    })(), false);
  }

  /** Every row after the first `n`. */
  drop(n: number): Rows {
    if (this.settled) return Rows.of(this.produced.slice(n));
    const from = this;
    return Rows.lazy((function* () {
      let i = 0;
      for (const r of from) if (i++ >= n) yield r;
    })(), this.infinite);
  }

  /** Row `i` (from 0), or undefined past the end; reads no further than needed. */
  at(i: number): { readonly row: unknown } | undefined {
    let n = 0;
    for (const r of this) if (n++ === i) return { row: r };
    return undefined;
  }

  isEmpty(): boolean {
    for (const _ of this) return false;
    return true;
  }
}
