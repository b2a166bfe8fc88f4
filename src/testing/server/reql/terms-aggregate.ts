// Aggregations: COUNT, SUM, AVG, MIN, MAX, REDUCE, FOLD, GROUP, UNGROUP. As on the real
// server, sum/avg/min/max skip rows whose value raises NON_EXISTENCE (a missing field, a
// null), `count(f)` counts like a filter, and the empty-stream errors are NON_EXISTENCE
// (so `default()` can absorb them). group() gives grouped data: later terms apply per
// group (see evaluate.ts) and ungroup() turns it into `[{group, reduction}]`.
import { T } from '../protocol.js';
import { canonicalKey } from '../store.js';
import { compareDatums, deepEqual, isObject, type DatumObject } from './datum.js';
import { isNonExistence, logicError, nonExistence } from './errors.js';
import { DROP_GROUP, type Call, type Fn, type Handler } from './evaluate.js';
import { asArray, asDatum, asGrouped, asSeq, asString, checkArray, datumTypeError, derivedKind, isStream } from './convert.js';
import { decodeBinary, isBinary } from './ptypes.js';
import { Rows } from './rows.js';
import { predicate } from './terms-seq.js';
import { sliceRows } from './terms-index.js';
import { GroupedVal, SelectionVal, SingleSelectionVal, Special, TableVal } from './values.js';

/** The value function of sum/avg/min/max: a function, a field name, or the row itself. */
function valueFn(call: Call): Fn | undefined {
  if (call.argc < 2) return undefined;
  return call.fieldFn(1);
}

/**
 * Calls `each` for every row's value, skipping rows whose value raises NON_EXISTENCE;
 * returns how many values were taken.
 */
function eachValue(call: Call, each: (value: unknown, row: unknown) => void): number {
  const f = valueFn(call);
  let n = 0;
  for (const row of call.arg(0, asSeq).rows) {
    try {
      each(f === undefined ? row : asDatum(f(row)), row);
      n++;
    } catch (err) {
      if (!isNonExistence(err)) throw err;
    }
  }
  return n;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : datumTypeError('NUMBER', v);
}

function refuseIndex(call: Call, name: string): void {
  if (call.hasOpt('index')) {
    call.opt('index');
    throw logicError(`Cannot call ${name} on an index.`);
  }
}

function extreme(call: Call, name: 'min' | 'max'): unknown {
  const index = call.opt('index', asString);
  if (index !== undefined) {
    if (call.argc === 2) throw logicError(`Cannot provide both a function and an index to ${name}.`);
    const v0 = call.arg(0);
    if (!(v0 instanceof TableVal) && !(v0 instanceof SelectionVal && v0.kind === 'slice')) {
      throw logicError(`Expected type TABLE but found ${v0 instanceof Special ? v0.valType : 'DATUM'}.`);
    }
    const slice = { ...(v0 instanceof SelectionVal ? v0.slice : undefined), index, order: name === 'min' ? 'asc' : 'desc' } as const;
    const first = sliceRows(call.env, v0.source, slice).at(0);
    if (first === undefined) throw nonExistence(`\`${name}\` found no entries in the specified index.`);
    const row = first.row as DatumObject;
    return new SingleSelectionVal(v0.source, row[v0.source.primaryKey], row);
  }
  let best: { row: unknown; value: unknown } | undefined;
  eachValue(call, (value, row) => {
    const c = best === undefined ? 0 : compareDatums(value, best.value);
    if (best === undefined || (name === 'min' ? c < 0 : c > 0)) best = { row, value };
  });
  if (best === undefined && call.inGroup) return DROP_GROUP;
  if (best === undefined) {
    throw nonExistence(`Cannot take the ${name} of an empty stream.  (If you passed \`${name}\` a field name, it ` +
      'may be that no elements of the stream had that field.)');
  }
  const { row } = best as { row: unknown };
  const v0 = call.arg(0);
  const source = v0 instanceof TableVal || v0 instanceof SelectionVal ? v0.source : undefined;
  return source !== undefined && isObject(row) ? new SingleSelectionVal(source, row[source.primaryKey], row) : row;
}

function count(call: Call): number {
  const v0 = call.arg(0);
  if (call.argc === 1 && !isStream(v0)) {
    const d = v0 instanceof Special && !(v0 instanceof SingleSelectionVal) ? undefined : call.arg(0, asDatum);
    if (isBinary(d)) return decodeBinary(d).length;
    if (typeof d === 'string') return [...d].length;
    if (isObject(d)) return Object.keys(d).length;
  }
  const { rows } = call.arg(0, asSeq);
  if (call.argc === 1) {
    let n = 0;
    for (const _ of rows.all()) n++;
    return n;
  }
  let test: (row: unknown) => boolean;
  if (call.isFuncTerm(1)) test = predicate(call, 1);
  else {
    const want = call.arg(1, asDatum);
    test = (row) => deepEqual(row, want);
  }
  let n = 0;
  for (const row of rows.all()) {
    try {
      if (test(row)) n++;
    } catch (err) {
      if (!isNonExistence(err)) throw err;
    }
  }
  return n;
}

function fold(call: Call): unknown {
  const { rows } = call.arg(0, asSeq);
  let acc = call.arg(1, asDatum);
  const f = call.fn(2);
  if (f.arity !== 0 && f.arity !== 2) throw logicError('The accumulator function passed to `fold` should expect 2 arguments');
  const emit = call.hasOpt('emit') ? call.optFn('emit') : undefined;
  const finalEmit = call.hasOpt('final_emit') ? call.optFn('final_emit') : undefined;
  if (emit === undefined) {
    for (const row of rows) acc = asDatum(f(acc, row));
    return finalEmit === undefined ? acc : asDatum(finalEmit(acc));
  }
  const v0 = call.arg(0);
  const out = Rows.lazy((function* () {
    for (const row of rows) {
      const next = asDatum(f(acc, row));
      yield* asArray(emit(acc, row, next));
      acc = next;
    }
    if (finalEmit !== undefined) yield* asArray(finalEmit(acc));
  })(), rows.infinite);
  return derivedKind(v0, out, call.env.arrayLimit);
}

function group(call: Call): GroupedVal {
  const fns: Fn[] = [];
  for (let i = 1; i < call.argc; i++) fns.push(call.fieldFn(i));
  const index = call.opt('index', asString);
  const multi = call.opt('multi') === true;
  let rows: Iterable<unknown>;
  let keyRows: Iterable<{ row: unknown; indexKey?: unknown }>;
  if (index !== undefined) {
    const v0 = call.arg(0);
    if (!(v0 instanceof TableVal)) throw logicError(`Expected type TABLE but found ${v0 instanceof Special ? v0.valType : 'DATUM'}.`);
    const entries = sliceRows(call.env, v0.source, { index, order: 'asc' }, false).all();
    const keys = sliceRows(call.env, v0.source, { index, order: 'asc' }, true).all();
    keyRows = entries.map((row, i) => ({ row, indexKey: keys[i] }));
  } else {
    rows = call.arg(0, asSeq).rows;
    keyRows = [...rows].map((row) => ({ row }));
  }
  if (fns.length === 0 && index === undefined) throw logicError('Cannot group by nothing.');
  const groups = new Map<string, { group: unknown; value: unknown[] }>();
  const add = (g: unknown, row: unknown): void => {
    const k = canonicalKey(g);
    const entry = groups.get(k);
    if (entry === undefined) groups.set(k, { group: g, value: [row] });
    else entry.value.push(row);
    if (groups.size > call.env.arrayLimit) throw logicError(`Too many groups (> ${call.env.arrayLimit}).`);
  };
  for (const { row, indexKey } of keyRows) {
    const parts = fns.map((f) => {
      try {
        return asDatum(f(row));
      } catch (err) {
        if (isNonExistence(err)) return null;
        throw err;
      }
    });
    if (indexKey !== undefined) parts.push(indexKey);
    if (!multi) {
      add(parts.length === 1 ? parts[0] : parts, row);
      continue;
    }
    const choices = parts.map((p) => (Array.isArray(p) ? (p.length === 0 ? [null] : p) : [p]));
    const combos: unknown[][] = [[]];
    for (const c of choices) {
      const next: unknown[][] = [];
      for (const prefix of combos) for (const x of c) next.push([...prefix, x]);
      combos.splice(0, combos.length, ...next);
    }
    for (const combo of combos) add(combo.length === 1 ? combo[0] : combo, row);
  }
  return new GroupedVal(groups, true);
}

function ungroup(call: Call): unknown[] {
  const g = call.arg(0, asGrouped);
  const out = [...g.groups.values()].sort((a, b) => compareDatums(a.group, b.group))
    .map(({ group: grp, value }) => ({ group: grp, reduction: value }));
  return checkArray(out, call.env.arrayLimit);
}

export const aggregateTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.COUNT, count],
  [T.SUM, (call) => {
    refuseIndex(call, 'sum');
    let total = 0;
    const n = eachValue(call, (v) => { total += num(v); });
    return n === 0 && call.inGroup ? DROP_GROUP : total;
  }],
  [T.AVG, (call) => {
    refuseIndex(call, 'avg');
    let total = 0;
    let n = 0;
    eachValue(call, (v) => { total += num(v); n++; });
    if (n === 0 && call.inGroup) return DROP_GROUP;
    if (n === 0) {
      throw nonExistence('Cannot take the average of an empty stream.  (If you passed `avg` a field name, it may ' +
        'be that no elements of the stream had that field.)');
    }
    return total / n;
  }],
  [T.MIN, (call) => extreme(call, 'min')],
  [T.MAX, (call) => extreme(call, 'max')],
  [T.REDUCE, (call) => {
    const f = call.fn(1);
    let acc: unknown;
    let first = true;
    for (const row of call.arg(0, asSeq).rows) {
      acc = first ? row : asDatum(f(acc, row));
      first = false;
    }
    if (first) throw nonExistence('Cannot reduce over an empty stream.');
    return acc;
  }],
  [T.FOLD, fold],
  [T.GROUP, group],
  [T.UNGROUP, ungroup],
];
