// What a term evaluates to when it is not a datum: databases, tables, selections (rows
// that remember their table, so writes can follow), streams and functions. Datums stay
// plain JSON; anything that is an instance of `Special` is one of these.
import type { Doc, Table } from '../store.js';
import { datumTypeName, prettyPrint } from './datum.js';
import { typeError } from './errors.js';
import type { Rows } from './rows.js';

/** A table the evaluator can read: a stored one, or a computed system table. */
export interface TableSource {
  readonly db: string;
  readonly name: string;
  readonly primaryKey: string;
  /** Rows in insertion order. */
  rows(): readonly Doc[];
  /** Rows in the order an unordered scan returns them. */
  scan(): readonly Doc[];
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

/** How a selection of table rows prints in `typeOf()`. */
export type SelectionKind = 'stream' | 'array' | 'slice';

/**
 * Rows of one table, so writes can follow: a stream (filter, limit...), an array once
 * sorted without an index (answered as one atom), or a table slice (ordered by an index
 * or bounded by `between`, which further index terms may refine).
 */
export class SelectionVal extends Special {
  readonly valType: string;
  readonly typeOf: string;
  constructor(
    readonly source: TableSource,
    readonly rows: Rows,
    readonly kind: SelectionKind,
    /** For a table slice: the index it is ordered or bounded by, and how. */
    readonly slice?: SliceInfo,
  ) {
    super();
    this.valType = kind === 'slice' ? 'TABLE_SLICE' : 'SELECTION';
    this.typeOf = kind === 'slice' ? 'TABLE_SLICE' : kind === 'array' ? 'SELECTION<ARRAY>' : 'SELECTION<STREAM>';
  }
  get isArray(): boolean { return this.kind === 'array'; }
  describe(): string { return `SELECTION ON table(${this.source.name})`; }
}

/** What a table slice remembers: its index, whether it is ordered, and its bounds. */
export interface SliceInfo {
  readonly index: string;
  /** Set by orderBy({index}): the rows are in index order. */
  readonly order?: 'asc' | 'desc';
  /** Set by between: the rows are within these bounds. */
  readonly bounds?: {
    readonly lo: unknown;
    readonly hi: unknown;
    readonly loOpen: boolean;
    readonly hiOpen: boolean;
  };
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

/** A stream with no table behind it (`r.range`, `map` over a table...). */
export class StreamVal extends Special {
  readonly valType = 'SEQUENCE';
  readonly typeOf = 'STREAM';
  constructor(readonly rows: Rows) { super(); }
  describe(): string { return 'VALUE SEQUENCE'; }
}

/**
 * The result of `group()`: a value per group (the group's rows, or what a reduction made
 * of them), keyed by the group's canonical form. Terms applied to it apply per group.
 */
export class GroupedVal extends Special {
  readonly valType = 'GROUPED_DATA';
  readonly typeOf: string;
  constructor(
    readonly groups: ReadonlyMap<string, { readonly group: unknown; readonly value: unknown }>,
    /** Straight from group(), before any reduction: typeOf says GROUPED_STREAM. */
    readonly isStream: boolean,
  ) {
    super();
    this.typeOf = isStream ? 'GROUPED_STREAM' : 'GROUPED_DATA';
  }
  describe(): string { return 'VALUE GROUPED_DATA'; }
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

/** A sequence's rows, and the table they came from when writes may follow. */
export interface Seq {
  readonly rows: Rows;
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
  const target = v instanceof SingleSelectionVal ? v.row : v;
  throw typeError(target, `Expected type ${expected} but found ${valTypeName(v)}:\n${describeValue(v)}`);
}
