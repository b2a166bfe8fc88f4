// Types and values: COERCE_TO, TYPE_OF, INFO, JSON, TO_JSON_STRING, BINARY, UUID, RANDOM,
// SAMPLE, with the server's type names ("Cannot coerce NUMBER to ARRAY.").
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { T } from '../protocol.js';
import { compactJson, datumTypeName, MAXVAL, MINVAL, prettyPrint, setField, sortedObject, truncPrint } from './datum.js';
import { logicError, typeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asBool, asDatum, asInt, asNumber, asSeq, asString, checkArray, isSequence } from './convert.js';
import { parseJson } from './json.js';
import { binaryOf, decodeBinary, isBinary } from './ptypes.js';
import { Rows } from './rows.js';
import { tableInfo } from './system-tables.js';
import {
  DbVal, FuncVal, GroupedVal, SelectionVal, SingleSelectionVal, Special, StreamVal, TableVal, typeOfValue,
} from './values.js';

/** Namespace of `r.uuid(string)` (version 5 UUIDs), from the server's uuid.cc. */
const UUID_NAMESPACE = Buffer.from('91461c99f89d49d2af96d8e2e14e9b58', 'hex');

function uuidV5(name: string): string {
  const h = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const DATUM_NAMES = new Set(['NULL', 'BINARY', 'BOOL', 'NUMBER', 'STRING', 'ARRAY', 'OBJECT', 'MINVAL', 'MAXVAL']);
const VALUE_NAMES = new Set(['DB', 'TABLE', 'TABLE_SLICE', 'SELECTION<STREAM>', 'SELECTION<ARRAY>', 'STREAM',
  'SELECTION<OBJECT>', 'DATUM', 'FUNCTION', 'GROUPED_DATA']);

/** The coercion name of a value: a datum's type (pseudo-types other than BINARY are OBJECT), or its kind. */
function coerceName(v: unknown): string {
  if (v instanceof Special && !(v instanceof SingleSelectionVal)) {
    return v instanceof TableVal ? 'TABLE' : v instanceof SelectionVal ? (v.kind === 'slice' ? 'TABLE_SLICE' : v.typeOf)
      : v instanceof StreamVal ? 'STREAM' : v instanceof FuncVal ? 'FUNCTION' : v instanceof DbVal ? 'DB' : 'GROUPED_DATA';
  }
  const d = asDatum(v);
  if (isBinary(d)) return 'BINARY';
  const t = datumTypeName(d);
  return t.startsWith('PTYPE<') ? 'OBJECT' : t;
}

/** Whether a value of kind `from` passes as `to` unchanged (a table is a stream, a row a datum...). */
function convertible(v: unknown, to: string): boolean {
  if (to === 'DATUM') return !(v instanceof Special) || v instanceof SingleSelectionVal;
  if (to === 'STREAM') return isSequence(v) && !Array.isArray(v);
  if (to === 'SELECTION<STREAM>') return v instanceof TableVal || v instanceof SelectionVal;
  if (to === 'TABLE_SLICE') return v instanceof TableVal || (v instanceof SelectionVal && v.kind === 'slice');
  if (to === 'TABLE') return v instanceof TableVal;
  if (to === 'SELECTION<OBJECT>') return v instanceof SingleSelectionVal;
  if (to === 'FUNCTION') return v instanceof FuncVal;
  if (to === 'DB') return v instanceof DbVal;
  if (to === 'GROUPED_DATA') return v instanceof GroupedVal;
  return false;
}

function strToNumber(s: string): number {
  const t = s.replace(/^\s+/, '');
  const n = t === '' || /\s$/.test(t) ? NaN : Number(t);
  if (Number.isNaN(n)) throw logicError(`Could not coerce \`${s}\` to NUMBER.`);
  if (!Number.isFinite(n)) throw logicError(`Non-finite number: ${n > 0 ? 'inf' : '-inf'}`);
  return n;
}

function coerceTo(call: Call): unknown {
  const v = call.arg(0);
  const target = call.arg(1, asString).toUpperCase();
  if (!DATUM_NAMES.has(target) && !VALUE_NAMES.has(target)) throw logicError(`Unknown Type: ${target}`);
  const from = coerceName(v);
  if (from === target || (VALUE_NAMES.has(target) && convertible(v, target))) return v;
  if (target === 'BOOL') return from !== 'NULL';
  const isDatum = DATUM_NAMES.has(from);
  if (isDatum) {
    const d = call.arg(0, asDatum);
    if (from === 'BINARY' && target === 'STRING') return decodeBinary(d as Record<string, unknown>).toString('utf8');
    if (from === 'STRING' && target === 'BINARY') return binaryOf(Buffer.from(d as string, 'utf8'));
    if (target === 'STRING') return compactJson(d);
    if (from === 'OBJECT' && target === 'ARRAY') {
      const o = d as Record<string, unknown>;
      return checkArray(Object.keys(o).sort().map((k) => [k, o[k]]), call.env.arrayLimit);
    }
    if (from === 'STRING' && target === 'NUMBER') return strToNumber(d as string);
  }
  if (isSequence(v) && (!isDatum || from === 'ARRAY')) {
    const { rows } = call.arg(0, asSeq);
    if (target === 'ARRAY' || target === 'DATUM') return checkArray(rows.all(), call.env.arrayLimit);
    if (target === 'OBJECT') {
      const out: Record<string, unknown> = {};
      for (const pair of rows.all()) {
        const items = Array.isArray(pair) ? pair : asDatum(pair);
        if (!Array.isArray(items)) throw typeError(items, `Expected type ARRAY but found ${datumTypeName(items)}.`);
        if (items.length !== 2) throw logicError(`Expected array of size 2, but got size ${items.length}.`);
        const key = asString(items[0]);
        if (Object.hasOwn(out, key)) {
          throw logicError(`Duplicate key ${JSON.stringify(key)} in coerced object.  (got ${truncPrint(out[key])} and ${
            truncPrint(items[1])} as values)`);
        }
        setField(out, key, items[1]);
      }
      return sortedObject(out);
    }
  }
  const target0 = isDatum ? call.arg(0, asDatum) : v;
  throw typeError(target0 instanceof Special ? from : target0, `Cannot coerce ${from} to ${target}.`);
}

function sample(call: Call): unknown {
  const n = call.arg(1, asInt);
  if (n < 0) throw logicError(`Number of items to sample must be non-negative, got \`${n}\`.`);
  const v = call.arg(0);
  const { rows, source } = call.arg(0, asSeq);
  const all = [...rows.all()];
  for (let i = all.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const picked = checkArray(all.slice(0, n), call.env.arrayLimit);
  if (source !== undefined && (v instanceof TableVal || v instanceof SelectionVal)) {
    return new SelectionVal(source, Rows.of(picked), 'array');
  }
  return picked;
}

function random(call: Call): number {
  const useFloat = call.hasOpt('float') ? call.opt('float', asBool) === true : call.argc === 0;
  if (useFloat) {
    const lo = call.argc === 2 ? call.arg(0, asNumber) : 0;
    const hi = call.argc === 0 ? 1 : call.arg(call.argc - 1, asNumber);
    const r = lo + Math.random() * (hi - lo);
    return r === hi ? lo : r;
  }
  if (call.argc === 0) throw logicError('Generating a random integer requires one or two bounds.');
  const bound = (i: number, kind: string): number => {
    const x = call.arg(i, asNumber);
    if (!Number.isSafeInteger(x)) throw logicError(`${kind} bound (${x}) could not be safely converted to an integer.`);
    return x;
  };
  const lo = call.argc === 2 ? bound(0, 'Lower') : 0;
  const hi = bound(call.argc - 1, 'Upper');
  if (lo >= hi) throw logicError(`Lower bound (${lo}) is not less than upper bound (${hi}).`);
  return lo + Math.floor(Math.random() * (hi - lo));
}

function info(call: Call): Record<string, unknown> {
  const v = call.arg(0);
  const out: Record<string, unknown> = { type: typeOfValue(v) };
  if (v instanceof DbVal) {
    out.name = v.name;
    out.id = call.env.store.getDb(v.name)?.id ?? null;
  } else if (v instanceof TableVal) {
    Object.assign(out, tableInfo(v.source, call.env.store));
  } else if (v instanceof SelectionVal || v instanceof SingleSelectionVal) {
    out.table = { type: 'TABLE', ...tableInfo(v.source, call.env.store) };
    if (v instanceof SelectionVal && v.kind === 'slice' && v.slice !== undefined) {
      out.index = v.slice.index;
      out.sorting = v.slice.order === 'asc' ? 'ASCENDING' : v.slice.order === 'desc' ? 'DESCENDING' : 'UNORDERED';
      const b = v.slice.bounds;
      const side = (name: 'left' | 'right', value: unknown, open: boolean, unbounded: unknown): void => {
        if (b === undefined || value === unbounded) out[`${name}_bound_type`] = 'unbounded';
        else if (value === (unbounded === MINVAL ? MAXVAL : MINVAL)) out[`${name}_bound_type`] = 'unachievable';
        else {
          out[`${name}_bound`] = value;
          out[`${name}_bound_type`] = open ? 'open' : 'closed';
        }
      };
      side('left', b?.lo, b?.loOpen ?? false, MINVAL);
      side('right', b?.hi, b?.hiOpen ?? true, MAXVAL);
    }
  } else if (v instanceof FuncVal) {
    out.source_code = JSON.stringify(v.body);
  } else if (!(v instanceof Special)) {
    if (isBinary(v)) out.count = decodeBinary(v).length;
    if (v !== null) out.value = prettyPrint(v);
  }
  return sortedObject(out) as Record<string, unknown>;
}

export const typeTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.COERCE_TO, coerceTo],
  [T.TYPE_OF, (call) => typeOfValue(call.arg(0))],
  [T.INFO, info],
  [T.JSON, (call) => parseJson(call.arg(0, asString), call.env.arrayLimit)],
  [T.TO_JSON_STRING, (call) => compactJson(call.arg(0, asDatum))],
  [T.BINARY, (call) => {
    const d = call.arg(0, asDatum);
    if (isBinary(d)) return d;
    return binaryOf(Buffer.from(call.arg(0, asString), 'utf8'));
  }],
  [T.UUID, (call) => (call.argc === 0 ? randomUUID() : uuidV5(call.arg(0, asString)))],
  [T.RANDOM, random],
  [T.SAMPLE, sample],
  // The one geometry term: points are plain GEOMETRY objects (no other geo term is supported).
  [T.POINT, (call) => {
    const lon = call.arg(0, asNumber);
    const lat = call.arg(1, asNumber);
    if (lon < -180 || lon > 180) throw logicError(`Longitude must be between -180 and 180.  Got ${lon}.`);
    if (lat < -90 || lat > 90) throw logicError(`Latitude must be between -90 and 90.  Got ${lat}.`);
    return { $reql_type$: 'GEOMETRY', coordinates: [lon, lat], type: 'Point' };
  }],
];
