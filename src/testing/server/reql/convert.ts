// Conversions from evaluated values to what a term needs (a datum, a sequence, a string...),
// with the server's messages when the value is of the wrong kind.
import { ErrorType } from '../protocol.js';
import { datumTypeName, isObject, type DatumObject } from './datum.js';
import { runtimeError } from './errors.js';
import {
  DbVal, FuncVal, SelectionVal, SingleSelectionVal, Special, StreamVal,
  TableVal, wrongKind, type Rows,
} from './values.js';

export function asDatum(v: unknown): unknown {
  if (!(v instanceof Special)) return v;
  if (v instanceof SingleSelectionVal) return v.row;
  if (v instanceof SelectionVal && v.isArray) return v.rows;
  return wrongKind('DATUM', v);
}

function datumTypeError(expected: string, d: unknown): never {
  throw runtimeError(ErrorType.QUERY_LOGIC, `Expected type ${expected} but found ${datumTypeName(d)}.`);
}

export function asString(v: unknown): string {
  const d = asDatum(v);
  return typeof d === 'string' ? d : datumTypeError('STRING', d);
}

export function asNumber(v: unknown): number {
  const d = asDatum(v);
  return typeof d === 'number' ? d : datumTypeError('NUMBER', d);
}

export function asInt(v: unknown): number {
  const n = asNumber(v);
  if (!Number.isSafeInteger(n)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Number not an integer: ${n}`);
  }
  return n;
}

export function asBool(v: unknown): boolean {
  const d = asDatum(v);
  return typeof d === 'boolean' ? d : datumTypeError('BOOL', d);
}

export function asObject(v: unknown): DatumObject {
  const d = asDatum(v);
  return isObject(d) ? d : datumTypeError('OBJECT', d);
}

export function asArray(v: unknown): readonly unknown[] {
  const d = asDatum(v);
  return Array.isArray(d) ? d : datumTypeError('ARRAY', d);
}

export function asDb(v: unknown): DbVal {
  return v instanceof DbVal ? v : wrongKind('DATABASE', v);
}

export function asTable(v: unknown): TableVal {
  return v instanceof TableVal ? v : wrongKind('TABLE', v);
}

export function asFunc(v: unknown): FuncVal {
  return v instanceof FuncVal ? v : wrongKind('FUNCTION', v);
}

/** Any sequence as rows; finite only (an endless `r.range()` cannot be materialized). */
export function asSeq(v: unknown): Rows {
  if (v instanceof TableVal) return { rows: v.source.rows(), source: v.source };
  if (v instanceof SelectionVal) return { rows: v.rows, source: v.source };
  if (v instanceof StreamVal) return { rows: v.rows };
  if (v instanceof Special) return wrongKind('SEQUENCE', v);
  if (Array.isArray(v)) return { rows: v };
  throw runtimeError(ErrorType.QUERY_LOGIC, `Cannot convert ${datumTypeName(v)} to SEQUENCE`);
}

export function isSequence(v: unknown): boolean {
  return v instanceof TableVal || v instanceof SelectionVal || v instanceof StreamVal || Array.isArray(v);
}

/**
 * New rows of the same kind of sequence as `input`: a table or selection gives a
 * selection of the same table, a stream a stream, an array an array.
 */
export function sameKind(input: unknown, rows: readonly unknown[]): unknown {
  if (input instanceof TableVal) return new SelectionVal(input.source, rows as SelectionVal['rows'], false);
  if (input instanceof SelectionVal) return new SelectionVal(input.source, rows as SelectionVal['rows'], input.isArray);
  if (input instanceof StreamVal) return new StreamVal(rows);
  return rows;
}

/** Rows that no longer are table rows (map, pluck...): a stream stays a stream, arrays stay arrays. */
export function derivedKind(input: unknown, rows: readonly unknown[]): unknown {
  if (input instanceof SelectionVal && input.isArray) return rows;
  if (input instanceof TableVal || input instanceof SelectionVal || input instanceof StreamVal) {
    return new StreamVal(rows);
  }
  return rows;
}

/** Element `i` of rows (negative counts from the end), or NON_EXISTENCE. */
export function nth(rows: readonly unknown[], i: number): unknown {
  const idx = i < 0 ? rows.length + i : i;
  if (idx < 0 || idx >= rows.length) {
    throw runtimeError(ErrorType.NON_EXISTENCE, `Index out of bounds: ${i}`);
  }
  return rows[idx];
}
