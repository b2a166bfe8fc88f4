// ORDER_BY with ASC and DESC, and DISTINCT. Keys are field names or functions; a row
// whose key is missing (NON_EXISTENCE) sorts first (last when descending), as on the real
// server. With `{index}` on a table the result is a table slice in index order (a stream
// further terms may bound or read); without, the rows are read and sorted into an array
// (SELECTION<ARRAY> for table rows).
import { T } from '../protocol.js';
import { compareDatums, deepEqual } from './datum.js';
import { isNonExistence, logicError } from './errors.js';
import { invoke, withFrames, type Call, type Fn, type Handler } from './evaluate.js';
import { asDatum, asSeq, asString, checkArray } from './convert.js';
import { isDeterministic } from './determinism.js';
import { Rows } from './rows.js';
import { fieldValue } from './field.js';
import { sliceEntries, sliceRows, withSorting } from './terms-index.js';
import { FuncVal, SelectionVal, Special, StreamVal, TableVal, type SliceInfo } from './values.js';

/** What ASC and DESC evaluate to; only ORDER_BY (and UNION's interleave) may hold one. */
export class OrderVal extends Special {
  readonly valType = 'DATUM';
  readonly typeOf = 'ORDER';
  constructor(readonly desc: boolean, readonly key: unknown, readonly term: unknown) { super(); }
  describe(): string { return this.desc ? 'desc' : 'asc'; }
}

export interface OrderKey {
  readonly desc: boolean;
  /** The row's key, or MISSING when the key function raises NON_EXISTENCE. */
  get(row: unknown): unknown;
}

export const MISSING: unique symbol = Symbol('missing');

function keyOf(call: Call, spec: unknown, frame: number | string, rawTerm: unknown): OrderKey {
  const order = spec instanceof OrderVal ? spec : new OrderVal(false, spec, rawTerm);
  const key = order.key;
  let f: Fn | ((row: unknown) => unknown);
  if (key instanceof FuncVal) {
    if (!isDeterministic(order.term)) throw logicError('Sorting by a non-deterministic function is not supported.');
    f = (row: unknown) => {
      try {
        return asDatum(invoke(key, [row], call.env));
      } catch (err) {
        throw withFrames(err, frame, 1);
      }
    };
  } else {
    const k = asDatum(key);
    f = (row: unknown) => fieldValue(row, k);
  }
  return {
    desc: order.desc,
    get(row) {
      try {
        return f(row);
      } catch (err) {
        if (isNonExistence(err)) return MISSING;
        throw err;
      }
    },
  };
}

/** Sort keys from an orderBy argument list or a union `interleave` value. */
export function orderKeys(call: Call, spec: unknown, frame: string): OrderKey[] {
  const raw = call.optargs?.[frame];
  if (Array.isArray(spec)) {
    const rawItems = Array.isArray(raw) && raw[0] === T.MAKE_ARRAY ? (raw[1] as unknown[]) : [];
    return spec.map((s, i) => keyOf(call, s, frame, rawItems[i]));
  }
  return [keyOf(call, spec, frame, raw)];
}

function compareKeys(keys: readonly OrderKey[], a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < keys.length; i++) {
    const ka = a[i];
    const kb = b[i];
    let c: number;
    if (ka === MISSING || kb === MISSING) c = ka === kb ? 0 : ka === MISSING ? -1 : 1;
    else c = compareDatums(ka, kb);
    if (c !== 0) return (keys[i] as OrderKey).desc ? -c : c;
  }
  return 0;
}

/**
 * Sorts rows (stably) by keys. Keys are computed in the order the server's sort first
 * needs them (row 1, then 0, 2, 3... in chunks of 7), so an erroring key function
 * fails on the same row as there.
 */
export function sortRows(rows: readonly unknown[], keys: readonly OrderKey[]): unknown[] {
  const n = rows.length;
  const ks: Array<unknown[] | undefined> = new Array(n);
  const chunk = n < 15 ? Math.max(n, 1) : 7;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const order = end - start > 1 ? [start + 1, start, ...range(start + 2, end)] : [start];
    for (const i of order) ks[i] = keys.map((k) => k.get(rows[i]));
  }
  const idx = rows.map((_, i) => i);
  idx.sort((x, y) => compareKeys(keys, ks[x] as unknown[], ks[y] as unknown[]) || x - y);
  return idx.map((i) => rows[i]);
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

function orderBy(call: Call): unknown {
  const raw = call.args;
  if (raw.some((a) => Array.isArray(a) && a[0] === T.ARGS)) {
    throw logicError('r.args is not supported in an order_by or union command yet.');
  }
  const keys: OrderKey[] = [];
  for (let i = 1; i < call.argc; i++) keys.push(keyOf(call, call.arg(i), i, call.args[i]));
  const v0 = call.arg(0);
  const index = call.opt('index');
  if (index !== undefined) {
    const desc = index instanceof OrderVal && index.desc;
    const name = asString(index instanceof OrderVal ? index.key : index);
    const onSlice = v0 instanceof SelectionVal && v0.kind === 'slice';
    if (!(v0 instanceof TableVal) && !onSlice) {
      throw logicError('Indexed order_by can only be performed on a TABLE or TABLE_SLICE. Make sure order_by comes ' +
        'before any transformations (such as map) or filters.');
    }
    const source = v0.source;
    const slice: SliceInfo = withSorting(onSlice ? v0.slice : undefined, name, desc ? 'desc' : 'asc');
    if (keys.length === 0) return new SelectionVal(source, sliceRows(call.env, source, slice), 'slice', slice);
    // Further keys order the rows within each run of equal index values, as the server does.
    const entries = sliceEntries(call.env, source, slice);
    const out: unknown[] = [];
    for (let i = 0; i < entries.length;) {
      let j = i + 1;
      while (j < entries.length && deepEqual((entries[j] as { key: unknown }).key, (entries[i] as { key: unknown }).key)) j++;
      out.push(...sortRows(entries.slice(i, j).map((e) => e.row), keys));
      i = j;
    }
    return new SelectionVal(source, Rows.of(out), 'stream');
  }
  if (keys.length === 0) throw logicError('Must specify something to order by.');
  const { rows, source } = call.arg(0, asSeq);
  const sorted = checkArray(sortRows(checkArray(rows.all(), call.env.arrayLimit), keys), call.env.arrayLimit);
  if (source !== undefined) return new SelectionVal(source, Rows.of(sorted), 'array');
  return sorted;
}

function distinct(call: Call): unknown {
  const v0 = call.arg(0);
  const index = call.opt('index', asString);
  if (index !== undefined) {
    if (!(v0 instanceof TableVal) && !(v0 instanceof SelectionVal && v0.kind === 'slice')) {
      throw logicError('Can only perform an indexed distinct on a TABLE.');
    }
    const source = v0.source;
    const slice = withSorting(v0 instanceof SelectionVal ? v0.slice : undefined, index, 'asc');
    const keysOnly = sliceRows(call.env, source, slice, true).all();
    const out: unknown[] = [];
    for (const k of keysOnly) if (out.length === 0 || !deepEqual(out[out.length - 1], k)) out.push(k);
    return new StreamVal(Rows.of(out));
  }
  const { rows } = call.arg(0, asSeq);
  const all = [...rows.all()].sort(compareDatums);
  const out: unknown[] = [];
  for (const r of all) if (out.length === 0 || compareDatums(out[out.length - 1], r) !== 0) out.push(r);
  return checkArray(out, call.env.arrayLimit);
}

export const orderTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.ASC, (call) => new OrderVal(false, call.arg(0), call.args[0])],
  [T.DESC, (call) => new OrderVal(true, call.arg(0), call.args[0])],
  [T.ORDER_BY, orderBy],
  [T.DISTINCT, distinct],
];
