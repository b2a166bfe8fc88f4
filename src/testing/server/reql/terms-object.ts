// Field access and object shaping: BRACKET, GET_FIELD, HAS_FIELDS, PLUCK, WITHOUT, MERGE.
// Each works on one object or on every row of a sequence (the server's obj_or_seq terms):
// over a sequence, `x('a')` skips rows without `a`, HAS_FIELDS filters (keeping a table
// selection), the others map.
import { ErrorType, T } from '../protocol.js';
import { isObject, prettyPrint, setField, sortedObject, truncPrint, type DatumObject } from './datum.js';
import { runtimeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDatum, asInt, asSeq, asString, derivedKind, isSequence, nth, sameKind } from './convert.js';

/** `obj(key)`, or the server's NON_EXISTENCE error naming the key and printing the object. */
export function getField(obj: unknown, key: string): unknown {
  if (!isObject(obj)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Cannot perform get_field on a non-object non-sequence \`${truncPrint(obj)}\`.`);
  }
  if (!Object.hasOwn(obj, key)) {
    throw runtimeError(ErrorType.NON_EXISTENCE, `No attribute \`${key}\` in object:\n${prettyPrint(obj)}`);
  }
  return obj[key];
}

/** Which fields a pluck/without/hasFields argument names: `true`, or nested selections. */
type Selector = Map<string, Selector | true>;

function addToSelector(sel: Selector, spec: unknown): void {
  if (typeof spec === 'string') {
    sel.set(spec, true);
  } else if (Array.isArray(spec)) {
    for (const s of spec) addToSelector(sel, s);
  } else if (isObject(spec)) {
    for (const [k, v] of Object.entries(spec)) {
      if (v === true) {
        sel.set(k, true);
      } else {
        const prev = sel.get(k);
        const inner: Selector = prev instanceof Map ? prev : new Map();
        addToSelector(inner, v);
        sel.set(k, inner);
      }
    }
  } else {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Invalid path argument \`${truncPrint(spec)}\`.`);
  }
}

function selectorOf(call: Call): Selector {
  const sel: Selector = new Map();
  for (let i = 1; i < call.argc; i++) addToSelector(sel, call.arg(i, asDatum));
  return sel;
}

function pluck(v: unknown, sel: Selector): unknown {
  if (Array.isArray(v)) return v.map((x) => pluck(x, sel));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const s = sel.get(k);
    if (s === undefined) continue;
    if (s === true) setField(out, k, v[k]);
    else if (isObject(v[k]) || Array.isArray(v[k])) setField(out, k, pluck(v[k], s));
  }
  return out;
}

function without(v: unknown, sel: Selector): unknown {
  if (Array.isArray(v)) return v.map((x) => without(x, sel));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const s = sel.get(k);
    if (s === true) continue;
    setField(out, k, s === undefined ? v[k] : without(v[k], s));
  }
  return out;
}

function hasFields(v: unknown, sel: Selector): boolean {
  if (!isObject(v)) return false;
  for (const [k, s] of sel) {
    const x = v[k];
    if (x === undefined || x === null) return false;
    if (s !== true && !hasFields(x, s)) return false;
  }
  return true;
}

/** Deep merge: nested objects merge, anything else (arrays included) replaces. */
export function mergeDeep(a: DatumObject, b: DatumObject): DatumObject {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    setField(out, k, isObject(prev) && isObject(v) && v['$reql_type$'] === undefined ? mergeDeep(prev, v) : v);
  }
  return sortedObject(out);
}

function nonObjectNonSequence(name: string, v: unknown): never {
  throw runtimeError(ErrorType.QUERY_LOGIC, `Cannot perform ${name} on a non-object non-sequence \`${truncPrint(v)}\`.`);
}

/** Applies `perObject` to an object, or to every row of a sequence (mapped). */
function objOrSeq(call: Call, name: string, perObject: (o: DatumObject) => unknown): unknown {
  const v0 = call.arg(0);
  if (isSequence(v0)) {
    const { rows } = call.arg(0, () => asSeq(v0));
    return derivedKind(v0, rows.map((r) => (isObject(r) ? perObject(r) : nonObjectNonSequence(name, r))));
  }
  const d = call.arg(0, () => asDatum(v0));
  return isObject(d) ? perObject(d) : nonObjectNonSequence(name, d);
}

function bracket(call: Call): unknown {
  const key = call.arg(1, asDatum);
  if (typeof key === 'number') {
    const v0 = call.arg(0);
    const { rows } = call.arg(0, () => asSeq(v0));
    return nth(rows, asInt(key));
  }
  if (typeof key !== 'string') {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Expected NUMBER or STRING as second argument to \`bracket\` but found ${
      key === null ? 'NULL' : Array.isArray(key) ? 'ARRAY' : typeof key === 'boolean' ? 'BOOL' : 'OBJECT'}.`);
  }
  return getFieldTerm(call, 'bracket', key);
}

function getFieldTerm(call: Call, name: string, key: string): unknown {
  const v0 = call.arg(0);
  if (isSequence(v0)) {
    const { rows } = call.arg(0, () => asSeq(v0));
    const out: unknown[] = [];
    for (const r of rows) {
      if (!isObject(r)) nonObjectNonSequence(name, r);
      if (Object.hasOwn(r, key)) out.push(r[key]);
    }
    return derivedKind(v0, out);
  }
  const d = call.arg(0, () => asDatum(v0));
  if (!isObject(d)) nonObjectNonSequence(name, d);
  return getField(d, key);
}

export const objectTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.BRACKET, bracket],
  [T.GET_FIELD, (call) => getFieldTerm(call, 'get_field', call.arg(1, asString))],
  [T.PLUCK, (call) => {
    const sel = selectorOf(call);
    return objOrSeq(call, 'pluck', (o) => pluck(o, sel));
  }],
  [T.WITHOUT, (call) => {
    const sel = selectorOf(call);
    return objOrSeq(call, 'without', (o) => without(o, sel));
  }],
  [T.HAS_FIELDS, (call) => {
    const sel = selectorOf(call);
    const v0 = call.arg(0);
    if (isSequence(v0)) {
      const { rows } = call.arg(0, () => asSeq(v0));
      return sameKind(v0, rows.filter((r) => hasFields(r, sel)));
    }
    const d = call.arg(0, () => asDatum(v0));
    return isObject(d) ? hasFields(d, sel) : nonObjectNonSequence('has_fields', d);
  }],
  [T.MERGE, (call) => {
    const fns: Array<(o: unknown) => unknown> = [];
    for (let i = 1; i < call.argc; i++) fns.push(call.fn(i));
    return objOrSeq(call, 'merge', (o) => {
      let acc: unknown = o;
      for (let i = 0; i < fns.length; i++) {
        const next = asDatum((fns[i] as (o: unknown) => unknown)(o));
        acc = isObject(acc) && isObject(next) ? mergeDeep(acc, next) : next;
      }
      return acc;
    });
  }],
];
