// Joins: INNER_JOIN and OUTER_JOIN (every pair the predicate accepts, as the server's
// rewrite into nested concatMaps gives them; an outer join keeps unmatched left rows
// alone) and EQ_JOIN (each left row's key looked up in a table's primary or secondary
// index; rows whose key is missing are dropped).
import { T } from '../protocol.js';
import { deepEqual, truthy } from './datum.js';
import { isNonExistence } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asBool, asDatum, asSeq, asString, asTable, derivedKind } from './convert.js';
import { checkIndex, indexEntries } from './indexes.js';

function join(call: Call, outer: boolean): unknown {
  const v0 = call.arg(0);
  const left = call.arg(0, asSeq).rows;
  const right = call.arg(1, asSeq).rows;
  const f = call.fn(2);
  const rows = left.concatMap((l) => {
    const pairs: unknown[] = [];
    for (const r of right) if (truthy(asDatum(f(l, r)))) pairs.push({ left: l, right: r });
    if (outer && pairs.length === 0) pairs.push({ left: l });
    return pairs;
  });
  return derivedKind(v0, rows, call.env.arrayLimit);
}

function eqJoin(call: Call): unknown {
  const v0 = call.arg(0);
  const left = call.arg(0, asSeq).rows;
  const keyOf = call.fieldFn(1);
  const { source } = call.arg(2, asTable);
  const index = call.opt('index', asString) ?? source.primaryKey;
  call.opt('ordered', asBool);
  checkIndex(source, index);
  const env = call.env;
  const rows = left.concatMap((l) => {
    let key: unknown;
    try {
      key = asDatum(keyOf(l));
    } catch (err) {
      if (isNonExistence(err)) return [];
      throw err;
    }
    if (key === null) return [];
    if (index === source.primaryKey) {
      const r = source.get(key);
      return r === undefined ? [] : [{ left: l, right: r }];
    }
    return indexEntries(env, source, index).filter((e) => deepEqual(e.key, key)).map((e) => ({ left: l, right: e.row }));
  });
  return derivedKind(v0, rows, call.env.arrayLimit);
}

export const joinTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.INNER_JOIN, (call) => join(call, false)],
  [T.OUTER_JOIN, (call) => join(call, true)],
  [T.EQ_JOIN, eqJoin],
];
