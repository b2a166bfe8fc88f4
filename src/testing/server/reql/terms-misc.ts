// Structure and control: MAKE_ARRAY, MAKE_OBJ, VAR, IMPLICIT_VAR, FUNC, FUNCALL, BRANCH,
// DEFAULT, ERROR; values: NOW, UUID, ISO8601, EPOCH_TIME, COERCE_TO, TYPE_OF.
import { createHash, randomUUID } from 'node:crypto';
import { ErrorType, T } from '../protocol.js';
import { binaryBytes, datumTypeName, isObject, setField, sortedObject, truthy } from './datum.js';
import { ReqlError, runtimeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { funcParams } from './compile.js';
import { asDatum, asNumber, asSeq, asString, isSequence } from './convert.js';
import { isBinary, makeTime, parseIso8601 } from './time.js';
import { FuncVal, Special, typeOfValue } from './values.js';

/** Namespace of `r.uuid(string)` (version 5 UUIDs), from the server's uuid.cc. */
const UUID_NAMESPACE = Buffer.from('91461c99f89d49d2af96d8e2e14e9b58', 'hex');

function uuidV5(name: string): string {
  const h = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function defaultTerm(call: Call): unknown {
  let value: unknown;
  let errorMessage: string | null = null;
  try {
    value = call.arg(0, asDatum);
  } catch (err) {
    if (!(err instanceof ReqlError) || err.errorType !== ErrorType.NON_EXISTENCE) throw err;
    errorMessage = err.message;
    value = null;
  }
  if (value !== null) return value;
  // A function default receives the error message (or null when the value was null).
  const raw = call.args[1];
  if (Array.isArray(raw) && raw[0] === T.FUNC) return asDatum(call.fn(1)(errorMessage));
  return call.arg(1, asDatum);
}

const COERCE_NAMES = new Set(['ARRAY', 'OBJECT', 'STRING', 'NUMBER', 'BOOL', 'NULL', 'BINARY']);

function coerceTo(call: Call): unknown {
  const v = call.arg(0);
  const target = call.arg(1, asString).toUpperCase();
  if (!COERCE_NAMES.has(target)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Unknown Type: ${target}`, [1]);
  }
  const isDatum = !(v instanceof Special) || !isSequence(v);
  const d = isDatum ? call.arg(0, () => asDatum(v)) : undefined;
  const from = isDatum ? datumTypeName(d) : typeOfValue(v);
  const fail = (): never => {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Cannot coerce ${from} to ${target}.`);
  };
  if (target === 'BOOL') return isDatum ? d !== null : true;
  if (isDatum && from === target) return d;
  if (isDatum && !Array.isArray(d)) {
    if (target === 'STRING') {
      if (isBinary(d)) return binaryBytes(d).toString('utf8');
      return JSON.stringify(d);
    }
    if (target === 'BINARY' && typeof d === 'string') {
      return { $reql_type$: 'BINARY', data: Buffer.from(d, 'utf8').toString('base64') };
    }
    if (target === 'ARRAY' && isObject(d) && from === 'OBJECT') return Object.entries(d).map(([k, x]) => [k, x]);
    if (target === 'NUMBER' && typeof d === 'string') {
      const n = /\s$/.test(d) || d.trim() === '' ? NaN : Number(d.trim());
      if (!Number.isFinite(n)) throw runtimeError(ErrorType.QUERY_LOGIC, `Could not coerce \`${d}\` to NUMBER.`);
      return n;
    }
    return fail();
  }
  const rows = isDatum ? (d as unknown[]) : call.arg(0, () => asSeq(v)).rows;
  if (target === 'ARRAY') return rows;
  if (target === 'STRING') return JSON.stringify(rows);
  if (target === 'OBJECT') {
    const out: Record<string, unknown> = {};
    for (const pair of rows) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw runtimeError(ErrorType.QUERY_LOGIC,
          `Expected array of size 2, but got size ${Array.isArray(pair) ? pair.length : 0}.`);
      }
      const key = asString(pair[0]);
      if (Object.hasOwn(out, key)) {
        throw runtimeError(ErrorType.QUERY_LOGIC, `Duplicate key ${JSON.stringify(key)} in coerced object.  ` +
          `(got ${JSON.stringify(out[key])} and ${JSON.stringify(pair[1])} as values)`);
      }
      setField(out, key, pair[1]);
    }
    return sortedObject(out);
  }
  return fail();
}

export const miscTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.MAKE_ARRAY, (call) => {
    const out: unknown[] = new Array(call.argc);
    for (let i = 0; i < call.argc; i++) out[i] = call.arg(i, asDatum);
    return out;
  }],
  [T.MAKE_OBJ, (call) => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(call.optargs ?? {})) setField(out, k, call.opt(k, asDatum));
    return sortedObject(out);
  }],
  [T.VAR, (call) => call.scope.lookup(call.args[0] as number)],
  [T.IMPLICIT_VAR, (call) => call.scope.implicit],
  [T.FUNC, (call) => new FuncVal(funcParams(call.args[0]), call.args[1], call.scope)],
  [T.FUNCALL, (call) => {
    const values: unknown[] = [];
    for (let i = 1; i < call.argc; i++) values.push(call.arg(i, asDatum));
    return call.fn(0)(...values);
  }],
  [T.BRANCH, (call) => {
    // branch(c1, v1, c2, v2, ..., else): the first truthy condition picks its value.
    for (let i = 0; i + 1 < call.argc; i += 2) {
      if (truthy(call.arg(i, asDatum))) return call.arg(i + 1);
    }
    return call.arg(call.argc - 1);
  }],
  [T.DEFAULT, defaultTerm],
  [T.ERROR, (call) => {
    if (call.argc === 0) throw runtimeError(ErrorType.USER, 'Empty ERROR term outside a default block.');
    throw runtimeError(ErrorType.USER, call.arg(0, asString));
  }],
  [T.NOW, (call) => call.now()],
  [T.UUID, (call) => (call.argc === 0 ? randomUUID() : uuidV5(call.arg(0, asString)))],
  [T.ISO8601, (call) => {
    const s = call.arg(0, asString);
    const tz = call.opt('default_timezone', asString);
    return parseIso8601(s, tz);
  }],
  [T.EPOCH_TIME, (call) => makeTime(call.arg(0, asNumber))],
  [T.COERCE_TO, coerceTo],
  [T.TYPE_OF, (call) => typeOfValue(call.arg(0))],
];
