// Field access and object shaping: BRACKET, GET_FIELD, HAS_FIELDS, WITH_FIELDS, PLUCK,
// WITHOUT, MERGE, KEYS, VALUES, OBJECT, LITERAL. The first six work on one object or on
// every row of a sequence (the server's obj_or_seq terms): over a sequence, `x('a')` skips
// rows without `a` (or null rows), HAS_FIELDS filters (keeping a table selection), the
// others map.
import { T } from '../protocol.js';
import {
  datumTypeName, isObject, ptypeOf, setField, sortedObject, truncPrint, type DatumObject,
} from './datum.js';
import { isNonExistence, logicError, typeError } from './errors.js';
import { LITERAL_OK, type Call, type Handler } from './evaluate.js';
import { asDatum, asSeq, asString, checkArray, derivedKind, isSequence, sameKind } from './convert.js';
import { mergeDatum } from './merge.js';
import { hasPaths, parsePath, project, unproject, type Path } from './paths.js';
import { sanitizePtype } from './ptypes.js';
import { nthOf } from './terms-seq.js';
import { getField } from './field.js';
import { FuncVal, Special } from './values.js';

type Mode = 'map' | 'filter' | 'skip';

/**
 * Applies `perObject` to an object, or to every row of a sequence: mapped, as a filter,
 * or mapped skipping rows that raise NON_EXISTENCE (field access).
 */
function objOrSeq(call: Call, name: string, mode: Mode, perObject: (o: DatumObject) => unknown): unknown {
  const v0 = call.arg(0);
  const d = v0 instanceof Special && isSequence(v0) ? undefined : call.arg(0, asDatum);
  if (isObject(d)) return perObject(checkPtype(name, d));
  if (Array.isArray(d) || (d === undefined && isSequence(v0))) {
    const { rows } = call.arg(0, asSeq);
    const each = (row: unknown): unknown => {
      if (Array.isArray(row) || row instanceof Special) throw logicError(`Cannot perform ${name} on a sequence of sequences.`);
      if (!isObject(row)) throw typeError(row, `Cannot perform ${name} on a non-object non-sequence \`${truncPrint(row)}\`.`);
      return perObject(checkPtype(name, row));
    };
    const limit = call.env.arrayLimit;
    if (mode === 'filter') return sameKind(v0, rows.filter((r) => each(r) === true), limit);
    if (mode === 'map') return derivedKind(v0, rows.map(each), limit);
    return derivedKind(v0, rows.concatMap((r) => {
      try {
        return [each(r)];
      } catch (err) {
        if (isNonExistence(err)) return [];
        throw err;
      }
    }), limit);
  }
  throw typeError(d, `Cannot perform ${name} on a non-object non-sequence \`${truncPrint(d)}\`.`);
}

function checkPtype(name: string, o: DatumObject): DatumObject {
  const pt = ptypeOf(o);
  if (pt !== undefined) throw logicError(`Cannot call \`${name}\` on objects of type \`${datumTypeName(o)}\`.`);
  return o;
}

function pathsOf(call: Call): Path {
  const specs: unknown[] = [];
  for (let i = 1; i < call.argc; i++) specs.push(call.arg(i, asDatum));
  return parsePath(specs);
}

function bracket(call: Call): unknown {
  const key = call.arg(1, asDatum);
  if (typeof key === 'number') return nthOf(call, key);
  if (typeof key !== 'string') {
    throw typeError(key, `Expected NUMBER or STRING as second argument to \`bracket\` but found ${datumTypeName(key)}.`);
  }
  return objOrSeq(call, 'bracket', 'skip', (o) => getField(o, key));
}

function merge(call: Call): unknown {
  const patches: Array<(o: DatumObject) => unknown> = [];
  for (let i = 1; i < call.argc; i++) {
    const v = call.arg(i, undefined, LITERAL_OK);
    if (v instanceof FuncVal) {
      const f = call.fn(i, LITERAL_OK);
      patches.push((o) => asDatum(f(o)));
    } else {
      const d = call.arg(i, asDatum);
      patches.push(() => d);
    }
  }
  return objOrSeq(call, 'merge', 'map', (o) => {
    let acc: unknown = o;
    for (const patch of patches) {
      const next = patch(o);
      if (isObject(next) && ptypeOf(next) !== undefined && ptypeOf(next) !== 'LITERAL') {
        throw logicError(`Cannot merge objects of type \`${datumTypeName(next)}\`.`);
      }
      acc = mergeDatum(acc, next);
    }
    return acc;
  });
}

function keysOrValues(call: Call, name: string): unknown[] {
  const d = call.arg(0, asDatum);
  if (!isObject(d) || ptypeOf(d) !== undefined) {
    throw logicError(`Cannot call \`${name}\` on objects of type \`${datumTypeName(d)}\`.`);
  }
  const keys = Object.keys(d).sort();
  return checkArray(name === 'keys' ? keys : keys.map((k) => d[k]), call.env.arrayLimit);
}

export const objectTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.BRACKET, bracket],
  [T.GET_FIELD, (call) => {
    const key = call.arg(1, asString);
    return objOrSeq(call, 'get_field', 'skip', (o) => getField(o, key));
  }],
  [T.PLUCK, (call) => {
    const path = pathsOf(call);
    return objOrSeq(call, 'pluck', 'map', (o) => project(o, path));
  }],
  [T.WITHOUT, (call) => {
    const path = pathsOf(call);
    return objOrSeq(call, 'without', 'map', (o) => unproject(o, path));
  }],
  [T.HAS_FIELDS, (call) => {
    const path = pathsOf(call);
    return objOrSeq(call, 'has_fields', 'filter', (o) => hasPaths(o, path));
  }],
  [T.WITH_FIELDS, (call) => {
    const path = pathsOf(call);
    const kept = objOrSeq(call, 'has_fields', 'filter', (o) => hasPaths(o, path));
    if (typeof kept === 'boolean') throw logicError('Cannot perform with_fields on a non-sequence.');
    return derivedKind(kept, asSeq(kept).rows.map((r) => project(r, path)), call.env.arrayLimit);
  }],
  [T.MERGE, merge],
  [T.KEYS, (call) => keysOrValues(call, 'keys')],
  [T.VALUES, (call) => keysOrValues(call, 'values')],
  [T.OBJECT, (call) => {
    if (call.argc % 2 !== 0) throw logicError(`OBJECT expects an even number of arguments (but found ${call.argc}).`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < call.argc; i += 2) {
      const key = call.arg(i, asString);
      const value = call.arg(i + 1, asDatum);
      if (Object.hasOwn(out, key)) {
        throw logicError(`Duplicate key ${JSON.stringify(key)} in object.  (got ${truncPrint(out[key])} and ${
          truncPrint(value)} as values)`);
      }
      setField(out, key, value);
    }
    return sanitizePtype(sortedObject(out));
  }],
  [T.LITERAL, (call) => {
    if ((call.flags & LITERAL_OK) === 0) {
      throw logicError('Stray literal keyword found: literal is only legal inside of the object passed to merge or ' +
        'update and cannot nest inside other literals.');
    }
    return call.argc === 0 ? { $reql_type$: 'LITERAL' } : { $reql_type$: 'LITERAL', value: call.arg(0, asDatum) };
  }],
];

