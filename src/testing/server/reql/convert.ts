// Conversions from evaluated values to what a term needs (a datum, a sequence, a string...),
// with the server's messages when the value is of the wrong kind. A type error about a
// null value is NON_EXISTENCE, as on the real server (see typeError).
import { ErrorType } from '../protocol.js';
import { datumTypeName, isObject, MAXVAL, MINVAL, type DatumObject } from './datum.js';
import { runtimeError, typeError } from './errors.js';
import { Rows } from './rows.js';
import {
  DbVal, FuncVal, GroupedVal, SelectionVal, SingleSelectionVal, Special, StreamVal,
  TableVal, wrongKind, type Seq,
} from './values.js';

export function asDatum(v: unknown): unknown {
  if (!(v instanceof Special)) return v;
  if (v instanceof SingleSelectionVal) return v.row;
  // A sorted selection (SELECTION<ARRAY>) is answered as an array but is no datum.
  return wrongKind('DATUM', v);
}

/** "Expected type X but found Y." for a datum of the wrong type. */
export function datumTypeError(expected: string, d: unknown): never {
  throw typeError(d, `Expected type ${expected} but found ${datumTypeName(d)}.`);
}

export function asString(v: unknown): string {
  const d = asDatum(v);
  return typeof d === 'string' ? d : datumTypeError('STRING', d);
}

export function asNumber(v: unknown): number {
  const d = asDatum(v);
  return typeof d === 'number' ? d : datumTypeError('NUMBER', d);
}

/** An integer in the server's safe range (what limit, nth, slice... take). */
export function asInt(v: unknown): number {
  const n = asNumber(v);
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 53) {
    const range = n < -(2 ** 53) ? ' (<-2^53)' : n > 2 ** 53 ? ' (>2^53)' : '';
    throw runtimeError(ErrorType.QUERY_LOGIC, `Number not an integer${range}: ${reconstructable(n)}`);
  }
  return n;
}

/** `%.20g`, as the server prints a number it refuses. */
function reconstructable(n: number): string {
  const s = n.toPrecision(20);
  if (!s.includes('e')) return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  const [m = '', e = '0'] = s.split('e');
  const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
  const exp = Number(e);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
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

export function asGrouped(v: unknown): GroupedVal {
  return v instanceof GroupedVal ? v : wrongKind('GROUPED_DATA', v);
}

/** Any sequence as rows (lazily for streams), with its table when it has one. */
export function asSeq(v: unknown): Seq {
  if (v instanceof TableVal) return { rows: Rows.of(v.source.scan()), source: v.source };
  if (v instanceof SelectionVal) return { rows: v.rows, source: v.source };
  if (v instanceof StreamVal) return { rows: v.rows };
  if (v instanceof Special) return wrongKind('SEQUENCE', v);
  if (Array.isArray(v)) return { rows: Rows.of(v) };
  throw typeError(v, `Cannot convert ${datumTypeName(v)} to SEQUENCE`);
}

export function isSequence(v: unknown): boolean {
  return v instanceof TableVal || v instanceof SelectionVal || v instanceof StreamVal || Array.isArray(v);
}

/** Whether v is a stream (not an array): what stays lazy and answers in batches. */
export function isStream(v: unknown): boolean {
  return v instanceof TableVal || v instanceof SelectionVal || v instanceof StreamVal;
}

/**
 * New rows of the same kind of sequence as `input`, still rows of its table: a table
 * or selection gives a selection of the same table (a stream unless it was an array),
 * a stream a stream, an array an array.
 */
export function sameKind(input: unknown, rows: Rows, limit: number): unknown {
  if (input instanceof TableVal) return new SelectionVal(input.source, rows, 'stream');
  if (input instanceof SelectionVal) {
    return new SelectionVal(input.source, input.isArray ? Rows.of(checkArray(rows.all(), limit)) : rows,
      input.isArray ? 'array' : 'stream');
  }
  if (input instanceof StreamVal) return new StreamVal(rows);
  return checkArray(rows.all(), limit);
}

/**
 * Rows that are no longer table rows (map, pluck...): streams stay streams, arrays arrays,
 * and a sorted selection (an array behind a stream) gives an array, as on the real server.
 */
export function derivedKind(input: unknown, rows: Rows, limit: number): unknown {
  if (isStream(input) && !(input instanceof SelectionVal && input.isArray)) return new StreamVal(rows);
  return checkArray(rows.all(), limit);
}

/** The server's array size limit (the `array_limit` run option, 100 000 by default). */
export function checkArray<A extends readonly unknown[]>(arr: A, limit: number): A {
  if (arr.length > limit) {
    throw runtimeError(ErrorType.RESOURCE_LIMIT, `Array over size limit \`${limit}\`.  To raise the number ` +
      'of allowed elements, modify the `array_limit` option to `.run` (not available in the Data Explorer), ' +
      'or use an index.');
  }
  return arr;
}

/** A bound datum: minval and maxval are legal only where bounds are. */
export function isBound(v: unknown): boolean {
  return v === MINVAL || v === MAXVAL;
}
