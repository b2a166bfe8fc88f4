// ORDER_BY with ASC and DESC: field names, functions, and `{index: name}` (the primary
// key or a field index; rows without the key sort first, as on the real server). Without
// an index the result is an array (SELECTION<ARRAY>, answered as one atom); with one it
// stays a stream.
import { ErrorType, T } from '../protocol.js';
import { compareDatums, isObject, type DatumObject } from './datum.js';
import { ReqlError, runtimeError } from './errors.js';
import { invoke, withFrames, type Call, type Handler } from './evaluate.js';
import { asDatum, asSeq, asString } from './convert.js';
import { getField } from './terms-object.js';
import { FuncVal, SelectionVal, Special, TableVal } from './values.js';

/** What ASC and DESC evaluate to; only ORDER_BY (and UNION) may hold one. */
class OrderVal extends Special {
  readonly valType = 'DATUM';
  readonly typeOf = 'ORDER';
  constructor(readonly desc: boolean, readonly key: unknown) { super(); }
  describe(): string { return this.desc ? 'desc' : 'asc'; }
}

const MISSING = Symbol('missing');

function orderBy(call: Call): unknown {
  const v0 = call.arg(0);
  const index = call.opt('index');
  const keys: Array<{ desc: boolean; get: (row: unknown) => unknown }> = [];
  for (let i = 1; i < call.argc; i++) {
    const v = call.arg(i);
    const spec = v instanceof OrderVal ? v : new OrderVal(false, v);
    const key = spec.key;
    const env = call.env;
    let get: (row: unknown) => unknown;
    if (key instanceof FuncVal) {
      get = (row) => {
        try { return asDatum(invoke(key, [row], env)); } catch (e) { throw withFrames(e, i, 1); }
      };
    } else {
      const field = typeof key === 'string' ? key : call.arg(i, () => asString(key));
      get = (row) => getField(row, field);
    }
    keys.push({ desc: spec.desc, get });
  }
  if (index !== undefined) {
    const desc = index instanceof OrderVal && index.desc;
    const name = asString(index instanceof OrderVal ? index.key : index);
    if (!(v0 instanceof TableVal)) {
      throw runtimeError(ErrorType.QUERY_LOGIC, 'Indexed order_by can only be performed on a TABLE or TABLE_SLICE. ' +
        'Make sure order_by comes before any transformations (such as map) or filters.');
    }
    const fieldOf = (row: unknown) => (isObject(row) && Object.hasOwn(row, name) ? row[name] : MISSING);
    keys.unshift({ desc, get: fieldOf });
  } else if (keys.length === 0) {
    throw runtimeError(ErrorType.QUERY_LOGIC, 'Must specify something to order by.');
  }
  const { rows, source } = call.arg(0, () => asSeq(v0));
  const decorated = rows.map((row) => ({ row, ks: keys.map((k) => sortKey(k.get, row)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const ka = a.ks[i];
      const kb = b.ks[i];
      let c: number;
      if (ka === MISSING || kb === MISSING) c = ka === kb ? 0 : ka === MISSING ? -1 : 1;
      else c = compareDatums(ka, kb);
      if (c !== 0) return (keys[i] as { desc: boolean }).desc ? -c : c;
    }
    return 0;
  });
  const sorted = decorated.map((d) => d.row);
  if (index !== undefined && source !== undefined) return new SelectionVal(source, sorted as DatumObject[], false);
  if (source !== undefined) return new SelectionVal(source, sorted as DatumObject[], true);
  return sorted;
}

/** A row's sort key; a missing field sorts before everything (after, descending). */
function sortKey(get: (row: unknown) => unknown, row: unknown): unknown {
  try {
    return get(row);
  } catch (err) {
    if (err instanceof ReqlError && err.errorType === ErrorType.NON_EXISTENCE) return MISSING;
    throw err;
  }
}

export const orderTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.ASC, (call) => new OrderVal(false, call.arg(0))],
  [T.DESC, (call) => new OrderVal(true, call.arg(0))],
  [T.ORDER_BY, orderBy],
];
