// Structure and control: MAKE_ARRAY, MAKE_OBJ, VAR, IMPLICIT_VAR, FUNC, FUNCALL (r.do),
// BRANCH, AND, OR, DEFAULT, ERROR, FOR_EACH, and the values r.minval / r.maxval.
import { ErrorType, ResponseType, T } from '../protocol.js';
import { isObject, MAXVAL, MINVAL, setField, sortedObject, truthy, type DatumObject } from './datum.js';
import { isNonExistence, logicError, ReqlError, runtimeError } from './errors.js';
import { LITERAL_OK, type Call, type Handler } from './evaluate.js';
import { funcParams } from './compile.js';
import { asArray, asDatum, asSeq, asString, checkArray } from './convert.js';
import { sanitizePtype } from './ptypes.js';
import { FuncVal, GroupedVal, SingleSelectionVal, Special } from './values.js';
import { mergeStats } from './write-result.js';

/** A value as a condition: datums by ReQL truthiness, anything else refused. */
export function asCondition(v: unknown): boolean {
  return truthy(asDatum(v));
}

function isDatumLike(v: Special): boolean {
  return v instanceof SingleSelectionVal;
}

function defaultTerm(call: Call): unknown {
  let value: unknown;
  let absorbed: ReqlError | undefined;
  try {
    const v = call.arg(0);
    // Streams, tables and the like are never null: they pass through.
    if (v instanceof Special && !isDatumLike(v)) return v;
    value = asDatum(v);
    if (value !== null) return v;
  } catch (err) {
    if (!isNonExistence(err)) throw err;
    absorbed = err;
    value = null;
  }
  // A function default receives the error message (or null when the value was null).
  try {
    if (call.isFuncTerm(1)) return call.fn(1)(absorbed === undefined ? null : absorbed.message);
    return call.arg(1);
  } catch (err) {
    // r.error() with no message in a default gives back what the default was absorbing.
    if (err instanceof ReqlError && err.emptyUser) {
      if (absorbed !== undefined) throw absorbed;
      return value;
    }
    throw err;
  }
}

function funcall(call: Call): unknown {
  const f = call.constantFn(0, call.flags);
  if (call.argc === 1) return f();
  const first = call.arg(1);
  const rest: unknown[] = [];
  for (let i = 2; i < call.argc; i++) rest.push(call.arg(i, asDatum));
  if (first instanceof GroupedVal) {
    const out = new Map<string, { group: unknown; value: unknown }>();
    for (const [k, { group, value }] of first.groups) out.set(k, { group, value: asDatum(f(value, ...rest)) });
    return new GroupedVal(out, false);
  }
  return f(call.arg(1, asDatum), ...rest);
}

function forEach(call: Call): DatumObject {
  const FAIL = 'FOR_EACH expects one or more basic write queries.';
  const { rows } = call.arg(0, asSeq);
  const f = call.constantFn(1);
  let stats: DatumObject = {};
  for (const row of rows) {
    const v = f(row);
    let d: unknown;
    try {
      d = asDatum(v);
      const results = isObject(d) ? [d] : asArray(d);
      for (const r of results) stats = mergeStats(stats, r as DatumObject);
    } catch (err) {
      if (err instanceof ReqlError) {
        throw new ReqlError(err.responseType, `${FAIL}  ${err.message}`, err.errorType, err.backtrace);
      }
      throw err;
    }
  }
  return sortedObject(stats);
}

export const controlTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.MAKE_ARRAY, (call) => {
    const out: unknown[] = new Array(call.argc);
    for (let i = 0; i < call.argc; i++) out[i] = call.arg(i, asDatum);
    return checkArray(out, call.env.arrayLimit);
  }],
  [T.MAKE_OBJ, (call) => {
    const out: Record<string, unknown> = {};
    const literalOk = (call.flags & LITERAL_OK) !== 0;
    for (const k of Object.keys(call.optargs ?? {})) setField(out, k, call.opt(k, asDatum));
    return sanitizePtype(sortedObject(out), literalOk);
  }],
  [T.VAR, (call) => call.scope.lookup(call.args[0] as number)],
  [T.IMPLICIT_VAR, (call) => call.scope.implicit],
  [T.FUNC, (call) => new FuncVal(funcParams(call.args[0]), call.args[1], call.scope)],
  [T.FUNCALL, funcall],
  [T.BRANCH, (call) => {
    if (call.argc % 2 === 0) throw logicError('Cannot call `branch` term with an even number of arguments.');
    // branch(c1, v1, c2, v2, ..., else): the first truthy condition picks its value.
    for (let i = 0; i + 1 < call.argc; i += 2) {
      if (call.arg(i, asCondition)) return call.arg(i + 1);
    }
    return call.arg(call.argc - 1);
  }],
  [T.AND, (call) => {
    let last: unknown = true;
    for (let i = 0; i < call.argc; i++) {
      last = call.arg(i);
      if (!call.arg(i, asCondition)) return last;
    }
    return last;
  }],
  [T.OR, (call) => {
    let last: unknown = false;
    for (let i = 0; i < call.argc; i++) {
      last = call.arg(i);
      if (call.arg(i, asCondition)) return last;
    }
    return last;
  }],
  [T.DEFAULT, defaultTerm],
  [T.ERROR, (call) => {
    if (call.argc === 0) {
      throw new ReqlError(ResponseType.RUNTIME_ERROR, 'Empty ERROR term outside a default block.',
        ErrorType.QUERY_LOGIC, [], true);
    }
    throw runtimeError(ErrorType.USER, call.arg(0, asString));
  }],
  [T.FOR_EACH, forEach],
  [T.MINVAL, () => MINVAL],
  [T.MAXVAL, () => MAXVAL],
  // Spliced into its parent's arguments (see evaluate.ts); alone it is its array.
  [T.ARGS, (call) => call.arg(0, asArray)],
];
