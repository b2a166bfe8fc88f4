// Reads and sequence operations: GET, GET_ALL, FILTER, MAP, ORDER_BY (ASC, DESC), LIMIT,
// SKIP, NTH, COUNT, SUM, UNION, CONTAINS, IS_EMPTY, RANGE. A sequence keeps its kind
// through them (table rows stay a selection so that writes can follow; see convert.ts).
import { ErrorType, T } from '../protocol.js';
import {
  checkFinite, compareDatums, datumTypeName, deepEqual, isObject, ptypeOf, truncPrint, truthy,
  type DatumObject,
} from './datum.js';
import { ReqlError, runtimeError } from './errors.js';
import { evalTerm, invoke, withFrames, type Call, type Handler } from './evaluate.js';
import { asDatum, asInt, asSeq, asString, asTable, derivedKind, nth, sameKind } from './convert.js';
import {
  FuncVal, Scope, SelectionVal, SingleSelectionVal, Special, StreamVal, TableVal, type TableSource,
} from './values.js';

export function checkPrimaryKey(key: unknown): void {
  if (key === null || key === undefined || (isObject(key) && ptypeOf(key) === undefined)) {
    throw runtimeError(ErrorType.QUERY_LOGIC,
      `Primary keys must be either a number, string, bool, pseudotype or array (got type ${
        datumTypeName(key)}):\n${truncPrint(key ?? null)}`);
  }
}

function isFuncTerm(term: unknown): boolean {
  return Array.isArray(term) && term[0] === T.FUNC;
}

/** The server's filter_match: every field of `pred` equals the row's, objects recursively. */
function filterMatch(pred: DatumObject, row: unknown): boolean {
  if (!isObject(row)) throw runtimeError(ErrorType.QUERY_LOGIC, `Expected type OBJECT but found ${datumTypeName(row)}.`);
  for (const [k, want] of Object.entries(pred)) {
    if (!Object.hasOwn(row, k)) throw runtimeError(ErrorType.NON_EXISTENCE, `No attribute \`${k}\` in object.`);
    const got = row[k];
    if (isObject(want) && isObject(got)) {
      if (!filterMatch(want, got)) return false;
    } else if (!deepEqual(got, want)) {
      return false;
    }
  }
  return true;
}

/** A predicate for FILTER / CONTAINS / COUNT: a function, an object pattern, or a constant. */
function predicate(call: Call, i: number): (row: unknown) => boolean {
  const raw = call.args[i];
  if (isFuncTerm(raw)) {
    const f = call.fn(i);
    const body: unknown = Array.isArray(raw) ? (raw[1] as unknown[])[1] : undefined;
    const bodyIsObject = isObject(body) || (Array.isArray(body) && body[0] === T.DATUM);
    return (row) => {
      const d = asDatum(f(row));
      if (bodyIsObject && isObject(d)) return filterMatch(d, row);
      return truthy(d);
    };
  }
  const d = call.arg(i, asDatum);
  if (isObject(d)) return (row) => filterMatch(d, row);
  return () => truthy(d);
}

function filter(call: Call): unknown {
  const v0 = call.arg(0);
  const { rows } = call.arg(0, () => asSeq(v0));
  const test = predicate(call, 1);
  const out: unknown[] = [];
  for (const row of rows) {
    let keep: boolean;
    try {
      keep = test(row);
    } catch (err) {
      // A missing field counts as the `default` optarg (false unless given): rows
      // without the field are skipped, as on the real server.
      if (!(err instanceof ReqlError) || err.errorType !== ErrorType.NON_EXISTENCE) throw err;
      keep = call.hasOpt('default') ? truthy(call.opt('default', asDatum)) : false;
    }
    if (keep) out.push(row);
  }
  return sameKind(v0, out);
}

function map(call: Call): unknown {
  const n = call.argc - 1;
  const seqs: unknown[] = [];
  const rowLists: Array<readonly unknown[]> = [];
  for (let i = 0; i < n; i++) {
    const v = call.arg(i);
    seqs.push(v);
    rowLists.push(call.arg(i, () => asSeq(v)).rows);
  }
  const f = call.fn(n);
  const len = Math.min(...rowLists.map((r) => r.length));
  const out: unknown[] = new Array(len);
  for (let j = 0; j < len; j++) out[j] = asDatum(f(...rowLists.map((r) => r[j])));
  return derivedKind(seqs[0], out);
}

function limitOrSkip(call: Call, isLimit: boolean): unknown {
  const v0 = call.arg(0);
  const n = call.arg(1, asInt);
  if (n < 0) {
    throw runtimeError(ErrorType.QUERY_LOGIC, isLimit
      ? `LIMIT takes a non-negative argument (got ${n})`
      : `Cannot use a negative left index on a stream.`);
  }
  if (v0 instanceof StreamVal && v0.range !== undefined) {
    const { start, end } = v0.range;
    const from = isLimit ? start : Math.min(end, start + n);
    const to = isLimit ? Math.min(end, start + n) : end;
    return new StreamVal(undefined, { start: from, end: to });
  }
  const { rows } = call.arg(0, () => asSeq(v0));
  return sameKind(v0, isLimit ? rows.slice(0, n) : rows.slice(n));
}

function selectionRow(source: TableSource | undefined, row: unknown): unknown {
  return source !== undefined && isObject(row)
    ? new SingleSelectionVal(source, row[source.primaryKey], row) : row;
}

export const readTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.GET, (call) => {
    const table = call.arg(0, asTable);
    const key = call.arg(1, asDatum);
    call.arg(1, () => checkPrimaryKey(key));
    return new SingleSelectionVal(table.source, key, table.source.get(key) ?? null);
  }],
  [T.GET_ALL, (call) => {
    const { source } = call.arg(0, asTable);
    const index = call.opt('index', asString) ?? source.primaryKey;
    const keys: unknown[] = [];
    for (let i = 1; i < call.argc; i++) keys.push(call.arg(i, asDatum));
    if (index === source.primaryKey) {
      const rows: DatumObject[] = [];
      for (const k of keys) {
        const row = source.get(k);
        if (row !== undefined) rows.push(row);
      }
      return new SelectionVal(source, rows, false);
    }
    const info = source.writable?.indexes.get(index);
    if (info === undefined) {
      throw runtimeError(ErrorType.OP_FAILED, `Index \`${index}\` was not found on table \`${source.db}.${source.name}\`.`);
    }
    return new SelectionVal(source, secondaryLookup(call, source, info.fn, index, info.multi, keys), false);
  }],
  [T.FILTER, filter],
  [T.MAP, map],
  [T.LIMIT, (call) => limitOrSkip(call, true)],
  [T.SKIP, (call) => limitOrSkip(call, false)],
  [T.NTH, (call) => {
    const v0 = call.arg(0);
    const i = call.arg(1, asInt);
    if (v0 instanceof StreamVal && v0.range !== undefined && i >= 0) {
      const n = v0.range.start + i;
      if (n >= v0.range.end) throw runtimeError(ErrorType.NON_EXISTENCE, `Index out of bounds: ${i}`);
      return n;
    }
    const { rows, source } = call.arg(0, () => asSeq(v0));
    return selectionRow(source, nth(rows, i));
  }],
  [T.COUNT, (call) => {
    const v0 = call.arg(0);
    if (call.argc === 1 && typeof v0 === 'string') return [...v0].length;
    if (call.argc === 1 && !(v0 instanceof Special) && isObject(v0)) return Object.keys(v0).length;
    const { rows } = call.arg(0, () => asSeq(v0));
    if (call.argc === 1) return rows.length;
    const raw = call.args[1];
    if (isFuncTerm(raw)) {
      const test = predicate(call, 1);
      return rows.filter((r) => test(r)).length;
    }
    const want = call.arg(1, asDatum);
    return rows.filter((r) => deepEqual(r, want)).length;
  }],
  [T.SUM, (call) => {
    const v0 = call.arg(0);
    const { rows } = call.arg(0, () => asSeq(v0));
    let values: readonly unknown[] = rows;
    if (call.argc === 2) {
      if (isFuncTerm(call.args[1])) {
        const f = call.fn(1);
        values = rows.map((r) => asDatum(f(r)));
      } else {
        const field = call.arg(1, asString);
        values = rows.filter((r) => isObject(r) && Object.hasOwn(r, field)).map((r) => (r as DatumObject)[field]);
      }
    }
    let total = 0;
    for (const v of values) {
      if (typeof v !== 'number') throw runtimeError(ErrorType.QUERY_LOGIC, `Expected type NUMBER but found ${datumTypeName(v)}.`);
      total += v;
    }
    return checkFinite(total);
  }],
  [T.UNION, (call) => {
    const out: unknown[] = [];
    let allArrays = true;
    for (let i = 0; i < call.argc; i++) {
      const v = call.arg(i);
      if (!Array.isArray(v)) allArrays = false;
      out.push(...call.arg(i, () => asSeq(v)).rows);
    }
    return allArrays ? out : new StreamVal(out);
  }],
  [T.CONTAINS, (call) => {
    const v0 = call.arg(0);
    const { rows } = call.arg(0, () => asSeq(v0));
    // Bag semantics, as the server: each row satisfies at most one wanted value and one
    // predicate; errors in a predicate propagate.
    const values: unknown[] = [];
    const tests: Array<(row: unknown) => boolean> = [];
    for (let i = 1; i < call.argc; i++) {
      if (isFuncTerm(call.args[i])) {
        const f = call.fn(i);
        tests.push((row) => truthy(asDatum(f(row))));
      } else {
        values.push(call.arg(i, asDatum));
      }
    }
    for (const row of rows) {
      if (values.length === 0 && tests.length === 0) break;
      const vi = values.findIndex((v) => deepEqual(v, row));
      if (vi >= 0) values.splice(vi, 1);
      const ti = tests.findIndex((t) => t(row));
      if (ti >= 0) tests.splice(ti, 1);
    }
    return values.length === 0 && tests.length === 0;
  }],
  [T.IS_EMPTY, (call) => {
    const v0 = call.arg(0);
    if (v0 instanceof StreamVal && v0.range !== undefined) return v0.range.end <= v0.range.start;
    return call.arg(0, () => asSeq(v0)).rows.length === 0;
  }],
  [T.RANGE, (call) => {
    if (call.argc === 0) return new StreamVal(undefined, { start: 0, end: Infinity });
    const a = call.arg(0, asInt);
    if (call.argc === 1) return new StreamVal(undefined, { start: 0, end: Math.max(0, a) });
    const b = call.arg(1, asInt);
    return new StreamVal(undefined, { start: a, end: Math.max(a, b) });
  }],
];

/** getAll on a secondary index: the named field, or the index function kept at creation. */
function secondaryLookup(
  call: Call, source: TableSource, fnTerm: unknown, field: string, multi: boolean, keys: unknown[],
): DatumObject[] {
  let indexFn: (row: unknown) => unknown = (row) => (isObject(row) ? row[field] : undefined);
  if (fnTerm !== undefined) {
    const f = evalTerm(fnTerm, Scope.root, call.env);
    indexFn = (row) => {
      try {
        return f instanceof FuncVal ? asDatum(invoke(f, [row], call.env)) : undefined;
      } catch {
        return undefined; // rows the index function fails on are not in the index
      }
    };
  }
  const out: DatumObject[] = [];
  for (const k of keys) {
    for (const row of source.rows()) {
      const v = indexFn(row);
      if (v === undefined) continue;
      const hit = multi && Array.isArray(v) ? v.some((x) => deepEqual(x, k)) : deepEqual(v, k);
      if (hit) out.push(row);
    }
  }
  return out;
}
