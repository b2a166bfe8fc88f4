// Sequence transformations: MAP, FILTER, CONCAT_MAP, LIMIT, SKIP, SLICE, NTH, UNION, ZIP,
// IS_EMPTY, CONTAINS, OFFSETS_OF, RANGE. Streams stay lazy through them (so
// `r.range().map(f).limit(3)` works), a table's rows stay a selection where the real
// server keeps one (so writes can follow), and arrays stay arrays.
import { T } from '../protocol.js';
import { compareDatums, datumTypeName, deepEqual, isObject, truthy, type DatumObject } from './datum.js';
import { isNonExistence, logicError, nonExistence, ReqlError, typeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import {
  asDatum, asInt, asSeq, asString, checkArray, derivedKind, isStream, sameKind,
} from './convert.js';
import { decodeBinary, binaryOf, isBinary } from './ptypes.js';
import { Rows } from './rows.js';
import { orderKeys } from './terms-order.js';
import { SelectionVal, SingleSelectionVal, StreamVal, TableVal, type TableSource } from './values.js';

/** The server's filter_match: every field of `pred` equals the row's, objects recursively. */
function filterMatch(pred: DatumObject, row: unknown): boolean {
  if (!isObject(row)) throw typeError(row, `Expected type OBJECT but found ${datumTypeName(row)}.`);
  for (const [k, want] of Object.entries(pred)) {
    if (!Object.hasOwn(row, k)) throw nonExistence(`No attribute \`${k}\` in object.`);
    const got = row[k];
    if (isObject(want) && isObject(got)) {
      if (!filterMatch(want, got)) return false;
    } else if (!deepEqual(got, want)) {
      return false;
    }
  }
  return true;
}

/** A row predicate: a function, an object pattern, or a constant. */
export function predicate(call: Call, i: number): (row: unknown) => boolean {
  const f = call.constantFn(i);
  const raw = call.args[i];
  const body: unknown = call.isFuncTerm(i) ? ((raw as unknown[])[1] as unknown[])[1] : raw;
  const bodyIsObject = (isObject(body) && !Array.isArray(body)) || (Array.isArray(body) && body[0] === T.DATUM) ||
    !Array.isArray(body);
  return (row) => {
    const d = asDatum(f(row));
    if (bodyIsObject && isObject(d)) return filterMatch(d, row);
    return truthy(d);
  };
}

function filter(call: Call): unknown {
  const v0 = call.arg(0);
  const { rows } = call.arg(0, asSeq);
  const test = predicate(call, 1);
  const keep = (row: unknown): boolean => {
    try {
      return test(row);
    } catch (err) {
      // A missing field counts as the `default` optarg (false unless given): rows
      // without the field are skipped, as on the real server.
      if (!isNonExistence(err)) throw err;
      if (!call.hasOpt('default')) return false;
      try {
        return truthy(call.opt('default', asDatum));
      } catch (inner) {
        // `default: r.error()` turns the skipped row back into its error.
        if (inner instanceof ReqlError && inner.emptyUser) throw err;
        throw inner;
      }
    }
  };
  return sameKind(v0, rows.filter(keep), call.env.arrayLimit);
}

function map(call: Call): unknown {
  const n = call.argc - 1;
  const f = call.fn(n);
  if (f.arity !== 0 && f.arity !== n) {
    throw logicError(`The function passed to \`map\` expects ${f.arity} argument${f.arity === 1 ? '' : 's'}, but ${n} ` +
      `sequence${n === 1 ? ' was' : 's were'} found.`);
  }
  const v0 = call.arg(0);
  const limit = call.env.arrayLimit;
  if (n === 1) return derivedKind(v0, call.arg(0, asSeq).rows.map((r) => asDatum(f(r))), limit);
  const lists = Array.from({ length: n }, (_, i) => call.arg(i, asSeq).rows);
  const zipped = Rows.lazy((function* () {
    const its = lists.map((l) => l[Symbol.iterator]());
    for (;;) {
      const next = its.map((it) => it.next());
      if (next.some((x) => x.done === true)) return;
      yield asDatum(f(...next.map((x) => x.value)));
    }
  })(), lists.every((l) => l.infinite));
  return lists.some((l, i) => isStream(call.arg(i)) || l.infinite) ? new StreamVal(zipped) : checkArray(zipped.all(), limit);
}

function concatMap(call: Call): unknown {
  const v0 = call.arg(0);
  const f = call.fn(1);
  const rows = call.arg(0, asSeq).rows.concatMap((r) => asSeq(asDatumOrSeq(f(r))).rows);
  return derivedKind(v0, rows, call.env.arrayLimit);
}

function asDatumOrSeq(v: unknown): unknown {
  return v instanceof TableVal || v instanceof SelectionVal || v instanceof StreamVal ? v : asDatum(v);
}

/** Rows of a selection or table keep their table; other sequences do not. */
function sourceOf(v: unknown): TableSource | undefined {
  return v instanceof TableVal || v instanceof SelectionVal ? v.source : undefined;
}

/** A slice [from, to) of a sequence (to = Infinity: to the end), kept as the same kind. */
function sliced(call: Call, v0: unknown, from: number, to: number): unknown {
  const { rows } = call.arg(0, asSeq);
  const part = (to === Infinity ? rows : rows.take(to)).drop(from);
  const source = sourceOf(v0);
  if (source !== undefined && !(v0 instanceof SelectionVal && v0.isArray)) return new SelectionVal(source, part, 'stream');
  return sameKind(v0, part, call.env.arrayLimit);
}

function boundOpen(call: Call, name: string, dflt: boolean): boolean {
  const v = call.opt(name, asString);
  if (v === undefined) return dflt;
  if (v === 'open') return true;
  if (v === 'closed') return false;
  throw logicError(`Expected \`open\` or \`closed\` for optarg \`${name}\` (got \`${JSON.stringify(v)}\`).`);
}

/** Index of `i` (negative from the end) into a size; `oob` when before the start. */
function canonical(i: number, size: number): { index: number; oob: boolean } {
  if (i >= 0) return { index: i, oob: false };
  if (-i > size) return { index: 0, oob: true };
  return { index: size + i, oob: false };
}

function slice(call: Call, l: number, r: number, leftOpen: boolean, rightOpen: boolean): unknown {
  const v0 = call.arg(0);
  if (!isStream(v0)) {
    const d = call.arg(0, asDatum);
    const isStr = typeof d === 'string';
    if (!Array.isArray(d) && !isStr && !isBinary(d)) {
      throw logicError(`Expected ARRAY, BINARY, or STRING, but found ${datumTypeName(d)}.`);
    }
    const items: readonly unknown[] = Array.isArray(d) ? d : isStr ? [...d] : [...decodeBinary(d as DatumObject)];
    const a = canonical(l, items.length);
    const b = canonical(r, items.length);
    const from = a.index + (leftOpen && !a.oob ? 1 : 0);
    const to = Math.min(items.length, b.index + (!rightOpen && !b.oob ? 1 : 0));
    const part = from <= to ? items.slice(from, to) : [];
    if (Array.isArray(d)) return sameKind(v0, Rows.of(part), call.env.arrayLimit);
    return isStr ? part.join('') : binaryOf(Buffer.from(part as number[]));
  }
  if (l < 0) throw logicError('Cannot use a negative left index on a stream.');
  if (r < -1) throw logicError('Cannot use a right index < -1 on a stream.');
  if (r === -1 && rightOpen) throw logicError('Cannot slice to an open right index of -1 on a stream.');
  return sliced(call, v0, l + (leftOpen ? 1 : 0), r === -1 ? Infinity : r + (rightOpen ? 0 : 1));
}

/** `seq.nth(i)` / `seq(i)`: arrays by index, streams read up to the row (or -1, the last). */
export function nthOf(call: Call, n: number): unknown {
  if (!Number.isInteger(n)) asInt(n);
  const v0 = call.arg(0);
  if (!isStream(v0)) {
    const arr = call.arg(0, asDatum);
    if (!Array.isArray(arr)) throw typeError(arr, `Cannot convert ${datumTypeName(arr)} to SEQUENCE`);
    const { index, oob } = canonical(n, arr.length);
    if (oob || index >= arr.length) throw nonExistence(`Index out of bounds: ${oob ? n : index}`);
    return arr[index];
  }
  if (n < -1) throw logicError(`Cannot use an index < -1 (${n}) on a stream.`);
  const { rows } = call.arg(0, asSeq);
  let row: { readonly row: unknown } | undefined;
  if (n === -1) {
    for (const r of rows) row = { row: r };
  } else {
    row = rows.at(n);
  }
  if (row === undefined) throw nonExistence(`Index out of bounds: ${n}`);
  const source = sourceOf(v0);
  return source !== undefined && isObject(row.row)
    ? new SingleSelectionVal(source, row.row[source.primaryKey], row.row as DatumObject) : row.row;
}

function union(call: Call): unknown {
  const seqs = Array.from({ length: call.argc }, (_, i) => call.arg(i, asSeq).rows);
  const allArrays = Array.from({ length: call.argc }, (_, i) => Array.isArray(call.arg(i))).every(Boolean);
  const interleave = call.hasOpt('interleave') ? call.opt('interleave') : true;
  let rows: Rows;
  if (interleave === true || interleave === false) {
    rows = Rows.lazy((function* () { for (const s of seqs) yield* s; })(), seqs.some((s) => s.infinite));
  } else {
    const keys = orderKeys(call, interleave, 'interleave');
    const lists = seqs.map((s) => [...s.all()]);
    const out: unknown[] = [];
    const pos = lists.map(() => 0);
    const cache = lists.map((l) => l.map((row) => keys.map((k) => k.get(row))));
    for (;;) {
      let best = -1;
      for (let s = 0; s < lists.length; s++) {
        if ((pos[s] as number) >= (lists[s] as unknown[]).length) continue;
        if (best < 0) { best = s; continue; }
        const a = (cache[s] as unknown[][])[pos[s] as number] as unknown[];
        const b = (cache[best] as unknown[][])[pos[best] as number] as unknown[];
        for (let k = 0; k < keys.length; k++) {
          const c = compareDatums(a[k], b[k]) * ((keys[k] as { desc: boolean }).desc ? -1 : 1);
          if (c !== 0) { if (c < 0) best = s; break; }
        }
      }
      if (best < 0) break;
      out.push((lists[best] as unknown[])[pos[best] as number]);
      pos[best] = (pos[best] as number) + 1;
    }
    rows = Rows.of(out);
  }
  return allArrays ? checkArray(rows.all(), call.env.arrayLimit) : new StreamVal(rows);
}

export const seqTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.FILTER, filter],
  [T.MAP, map],
  [T.CONCAT_MAP, concatMap],
  [T.LIMIT, (call) => {
    const v0 = call.arg(0);
    const n = call.arg(1, asInt);
    if (n < 0) throw logicError(`LIMIT takes a non-negative argument (got ${n})`);
    call.arg(0, asSeq);
    return sliced(call, v0, 0, n);
  }],
  [T.SKIP, (call) => slice(call, call.arg(1, asInt), -1, false, false)],
  [T.SLICE, (call) => {
    const leftOpen = boundOpen(call, 'left_bound', false);
    const l = call.arg(1, asInt);
    const rightOpen = call.argc === 3 ? boundOpen(call, 'right_bound', true) : false;
    const r = call.argc === 3 ? call.arg(2, asInt) : -1;
    return slice(call, l, r, leftOpen, rightOpen);
  }],
  [T.NTH, (call) => nthOf(call, call.arg(1, asInt))],
  [T.UNION, union],
  [T.ZIP, (call) => {
    const v0 = call.arg(0);
    const rows = call.arg(0, asSeq).rows.map((r) => {
      const left = isObject(r) ? r.left : undefined;
      if (left === undefined) throw logicError('ZIP can only be called on the result of a join.');
      const right = (r as DatumObject).right;
      return right === undefined ? left : { ...(left as DatumObject), ...(right as DatumObject) };
    });
    return derivedKind(v0, rows, call.env.arrayLimit);
  }],
  [T.IS_EMPTY, (call) => call.arg(0, asSeq).rows.isEmpty()],
  [T.CONTAINS, (call) => {
    const { rows } = call.arg(0, asSeq);
    // Bag semantics, as the server: each row satisfies at most one wanted value and one predicate.
    const values: unknown[] = [];
    const tests: Array<(row: unknown) => boolean> = [];
    for (let i = 1; i < call.argc; i++) {
      if (call.isFuncTerm(i)) {
        const f = call.fn(i);
        tests.push((row) => truthy(asDatum(f(row))));
      } else {
        values.push(call.arg(i, asDatum));
      }
    }
    if (values.length === 0 && tests.length === 0) return true;
    for (const row of rows) {
      const vi = values.findIndex((v) => deepEqual(v, row));
      if (vi >= 0) values.splice(vi, 1);
      const ti = tests.findIndex((t) => t(row));
      if (ti >= 0) tests.splice(ti, 1);
      if (values.length === 0 && tests.length === 0) return true;
    }
    return false;
  }],
  [T.OFFSETS_OF, (call) => {
    const v0 = call.arg(0);
    const test = call.isFuncTerm(1) ? ((f) => (r: unknown) => truthy(asDatum(f(r))))(call.fn(1))
      : ((want) => (r: unknown) => deepEqual(r, want))(call.arg(1, asDatum));
    const { rows } = call.arg(0, asSeq);
    const out = Rows.lazy((function* () {
      let i = 0;
      for (const r of rows) {
        if (test(r)) yield i;
        i++;
      }
    })(), rows.infinite);
    return derivedKind(v0, out, call.env.arrayLimit);
  }],
  [T.RANGE, (call) => {
    let start = 0;
    let end = Infinity;
    if (call.argc === 1) end = call.arg(0, asInt);
    if (call.argc === 2) {
      start = call.arg(0, asInt);
      end = call.arg(1, asInt);
    }
    const infinite = end === Infinity;
    return new StreamVal(Rows.lazy((function* () { for (let i = start; i < end; i++) yield i; })(), infinite));
  }],
];
