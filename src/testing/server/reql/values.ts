// What a term evaluates to when it is not a datum: databases, tables, selections (rows
// that remember their table, so writes can follow), streams and functions. Datums stay
// plain JSON; anything that is an instance of `Special` is one of these.
import { ErrorType } from '../protocol.js';
import type { Doc, Table } from '../store.js';
import { datumTypeName, prettyPrint } from './datum.js';
import { runtimeError } from './errors.js';

/** A table the evaluator can read: a stored one, or a computed system table. */
export interface TableSource {
  readonly db: string;
  readonly name: string;
  readonly primaryKey: string;
  rows(): readonly Doc[];
  get(key: unknown): Doc | undefined;
  /** The stored table to write to; undefined for read-only system tables. */
  readonly writable: Table | undefined;
}

/** Variable bindings of one function call; `implicit` is what `r.row` means inside it. */
export class Scope {
  constructor(
    readonly parent: Scope | undefined,
    readonly vars: ReadonlyMap<number, unknown> | undefined,
    /** How many 1-argument functions enclose this scope (r.row is legal at exactly 1). */
    readonly implicitDepth: number,
    readonly implicit: unknown,
  ) {}

  lookup(id: number): unknown {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      if (s.vars?.has(id) === true) return s.vars.get(id);
    }
    return undefined;
  }

  static readonly root = new Scope(undefined, undefined, 0, undefined);
}

export abstract class Special {
  /** Name in "Expected type X but found Y" messages (the server's val_t type names). */
  abstract readonly valType: string;
  /** Name `typeOf()` returns. */
  abstract readonly typeOf: string;
  /** How the server prints the value in type errors. */
  abstract describe(): string;
}

export class DbVal extends Special {
  readonly valType = 'DATABASE';
  readonly typeOf = 'DB';
  constructor(readonly name: string) { super(); }
  describe(): string { return `db("${this.name}")`; }
}

export class TableVal extends Special {
  readonly valType = 'TABLE';
  readonly typeOf = 'TABLE';
  constructor(readonly source: TableSource) { super(); }
  describe(): string { return `table("${this.source.name}")`; }
}

/** Rows of one table: a stream (filter, limit...) or, once sorted, an array. */
export class SelectionVal extends Special {
  readonly valType = 'SELECTION';
  readonly typeOf: string;
  constructor(
    readonly source: TableSource,
    readonly rows: readonly Doc[],
    /** SELECTION<ARRAY> (orderBy without an index): answered as one array, not a stream. */
    readonly isArray: boolean,
  ) {
    super();
    this.typeOf = isArray ? 'SELECTION<ARRAY>' : 'SELECTION<STREAM>';
  }
  describe(): string { return `SELECTION ON table(${this.source.name})`; }
}

/** One row by primary key (`get`); `row` is null when there is none. */
export class SingleSelectionVal extends Special {
  readonly valType = 'SINGLE_SELECTION';
  readonly typeOf = 'SELECTION<OBJECT>';
  constructor(
    readonly source: TableSource,
    readonly key: unknown,
    readonly row: Doc | null,
  ) { super(); }
  describe(): string { return prettyPrint(this.row); }
}

/** Most rows an `r.range` may materialize (a larger one still works under limit/skip/nth). */
export const MAX_RANGE_ROWS = 10_000_000;

/** A stream with no table behind it (`r.range`, `map` over a table...). */
export class StreamVal extends Special {
  readonly valType = 'SEQUENCE';
  readonly typeOf = 'STREAM';
  private materialized: readonly unknown[] | undefined;
  constructor(
    rows: readonly unknown[] | undefined,
    /** For `r.range`: the integers start..end-1, computed only when needed; end may be Infinity. */
    readonly range?: { readonly start: number; readonly end: number },
  ) {
    super();
    this.materialized = rows;
  }

  get rows(): readonly unknown[] {
    if (this.materialized !== undefined) return this.materialized;
    const { start, end } = this.range ?? { start: 0, end: 0 };
    if (end === Infinity) throw runtimeError(ErrorType.QUERY_LOGIC, INFINITE_STREAM_MESSAGE);
    if (end - start > MAX_RANGE_ROWS) {
      throw runtimeError(ErrorType.RESOURCE_LIMIT,
        `The async-repool test server materializes at most ${MAX_RANGE_ROWS} rows of an r.range.`);
    }
    const out: number[] = [];
    for (let i = start; i < end; i++) out.push(i);
    this.materialized = out;
    return out;
  }

  describe(): string { return 'VALUE SEQUENCE'; }
}

export class FuncVal extends Special {
  readonly valType = 'FUNCTION';
  readonly typeOf = 'FUNCTION';
  constructor(
    readonly params: readonly number[],
    readonly body: unknown,
    readonly scope: Scope,
  ) { super(); }
  describe(): string { return 'VALUE FUNCTION'; }
}

/** A sequence of rows, and the table they came from when writes may follow. */
export interface Rows {
  readonly rows: readonly unknown[];
  readonly source?: TableSource | undefined;
}

export function typeOfValue(v: unknown): string {
  return v instanceof Special ? v.typeOf : datumTypeName(v);
}

export function valTypeName(v: unknown): string {
  return v instanceof Special ? v.valType : 'DATUM';
}

export function describeValue(v: unknown): string {
  return v instanceof Special ? v.describe() : prettyPrint(v);
}

/** "Expected type X but found Y:\n<value>", the server's message for a value of the wrong kind. */
export function wrongKind(expected: string, v: unknown): never {
  throw runtimeError(
    ErrorType.QUERY_LOGIC,
    `Expected type ${expected} but found ${valTypeName(v)}:\n${describeValue(v)}`,
  );
}

export const INFINITE_STREAM_MESSAGE =
  'Cannot use an infinite stream with an aggregation function (`reduce`, `count`, etc.) ' +
  'or coerce it to an array.';
