// Datums: the JSON values ReQL computes with. A datum is plain JSON (null, boolean,
// number, string, array, object); TIME and BINARY are objects tagged `$reql_type$`, kept
// in their wire form so results need no conversion on the way out. This file holds what
// every term family needs: type names as ReQL spells them, equality, ReQL's ordering
// across types, and the server's pretty printer for error messages.
import { ErrorType } from '../protocol.js';
import { runtimeError } from './errors.js';

export type DatumObject = { readonly [key: string]: unknown };

/**
 * Sets a field whatever its name: a plain `o[k] = v` with k = "__proto__" (a legal ReQL
 * field name) would change the object's prototype instead of adding the field.
 */
export function setField(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function isObject(v: unknown): v is DatumObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `$reql_type$` of a pseudo-type object, or undefined for plain objects. */
export function ptypeOf(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const t = v.$reql_type$;
  return typeof t === 'string' ? t : undefined;
}

/** `r.minval` and `r.maxval`: datums below and above every other, for `between` bounds. */
export const MINVAL: unique symbol = Symbol('r.minval');
export const MAXVAL: unique symbol = Symbol('r.maxval');

/** Datum type names as the real server prints them (`typeOf`, "Expected type X"). */
export function datumTypeName(v: unknown): string {
  switch (typeof v) {
    case 'number': return 'NUMBER';
    case 'string': return 'STRING';
    case 'boolean': return 'BOOL';
    case 'symbol': return v === MINVAL ? 'MINVAL' : 'MAXVAL';
    default:
      if (v === null || v === undefined) return 'NULL';
      if (Array.isArray(v)) return 'ARRAY';
      {
        const pt = ptypeOf(v);
        return pt === undefined ? 'OBJECT' : `PTYPE<${pt}>`;
      }
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  // Scalars (the common case: keys, field values) need no type dispatch.
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return compareDatums(a, b) === 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Strings compare by code point, as the server compares UTF-8 bytes. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return sign(a.length - b.length);
}

function sortedKeys(o: DatumObject): string[] {
  return Object.keys(o).sort(compareStrings);
}

/**
 * ReQL's total order: first by type name (ARRAY < BOOL < NULL < NUMBER < OBJECT <
 * PTYPE<BINARY> < PTYPE<TIME> < STRING), then by value within a type.
 */
export function compareDatums(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === MINVAL || b === MAXVAL) return -1;
  if (a === MAXVAL || b === MINVAL) return 1;
  const ta = datumTypeName(a);
  const tb = datumTypeName(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case 'NUMBER': return sign((a as number) - (b as number));
    case 'STRING': return compareStrings(a as string, b as string);
    case 'BOOL': return a === b ? 0 : a === false ? -1 : 1;
    case 'NULL': return 0;
    case 'ARRAY': {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareDatums(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return sign(xa.length - xb.length);
    }
    case 'PTYPE<TIME>':
      return sign(Number((a as DatumObject).epoch_time) - Number((b as DatumObject).epoch_time));
    case 'PTYPE<BINARY>':
      return Buffer.compare(binaryBytes(a as DatumObject), binaryBytes(b as DatumObject));
    default: {
      // Objects (and other pseudo-types) compare as sorted maps: key, then value.
      const oa = a as DatumObject;
      const ob = b as DatumObject;
      const ka = sortedKeys(oa);
      const kb = sortedKeys(ob);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const kA = ka[i] as string;
        const kB = kb[i] as string;
        const ck = compareStrings(kA, kB);
        if (ck !== 0) return ck;
        const cv = compareDatums(oa[kA], ob[kB]);
        if (cv !== 0) return cv;
      }
      return sign(ka.length - kb.length);
    }
  }
}

export function binaryBytes(v: DatumObject): Buffer {
  const data = v.data;
  return Buffer.from(typeof data === 'string' ? data : '', 'base64');
}

/** An object with its keys in the server's (sorted) order, as every result prints them. */
export function sortedObject(source: DatumObject): DatumObject {
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(source)) setField(out, k, source[k]);
  return out;
}

/** Deep copy with sorted keys, frozen: the form documents are stored in. */
export function canonicalFrozen(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (Object.isFrozen(v)) return v;
    return Object.freeze(v.map(canonicalFrozen));
  }
  if (isObject(v)) {
    if (Object.isFrozen(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of sortedKeys(v)) setField(out, k, canonicalFrozen(v[k]));
    return Object.freeze(out);
  }
  return v;
}

/** ReQL truthiness: everything but `false` and `null` is true. */
export function truthy(v: unknown): boolean {
  return v !== false && v !== null && v !== undefined;
}

/**
 * The server's pretty printer (rapidjson's PrettyWriter set to tabs, patched to write
 * `":\t"` after keys), used in messages such as "No attribute `a` in object:\n{...}".
 */
export function prettyPrint(v: unknown, depth = 0): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const ind = '\t'.repeat(depth + 1);
    const items = v.map((x) => ind + prettyPrint(x, depth + 1));
    return `[\n${items.join(',\n')}\n${'\t'.repeat(depth)}]`;
  }
  if (isObject(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    const ind = '\t'.repeat(depth + 1);
    const items = keys.map((k) => `${ind}${JSON.stringify(k)}:\t${prettyPrint(v[k], depth + 1)}`);
    return `{\n${items.join(',\n')}\n${'\t'.repeat(depth)}}`;
  }
  if (typeof v === 'number') return formatNumber(v);
  if (v === MINVAL || v === MAXVAL) return v === MINVAL ? 'r.minval' : 'r.maxval';
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** Compact JSON as the server writes it (`toJsonString`, `coerceTo('string')`). */
export function compactJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(compactJson).join(',')}]`;
  if (isObject(v)) {
    return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${compactJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'number') return formatNumber(v);
  return v === undefined ? 'null' : JSON.stringify(v) ?? 'null';
}

/**
 * A number as the server prints it: integers up to 2^53 without a decimal point, other
 * values in shortest round-trip digits laid out as rapidjson does (`1e20` prints
 * `100000000000000000000.0`, `1.5e300` prints `1.5e300`, -0 prints `-0.0`).
 */
export function formatNumber(d: number): string {
  if (Object.is(d, -0)) return '-0.0';
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 53) return String(d);
  const [mantissa = '0', exponent = '0'] = Math.abs(d).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const length = digits.length;
  const k = Number(exponent) - (length - 1);
  const kk = length + k;
  let out: string;
  if (k >= 0 && kk <= 21) out = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= 21) out = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -6 && kk <= 0) out = `0.${'0'.repeat(-kk)}${digits}`;
  else if (length === 1) out = `${digits}e${kk - 1}`;
  else out = `${digits[0] ?? ''}.${digits.slice(1)}e${kk - 1}`;
  return d < 0 ? `-${out}` : out;
}

/** Pretty print cut at 300 characters, as the server's trunc_print. */
export function truncPrint(v: unknown): string {
  const s = prettyPrint(v);
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

/** Rejects NaN and infinities the way the server's datum constructor does. */
export function checkFinite(n: number): number {
  if (!Number.isFinite(n)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Non-finite number: ${n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan'}`);
  }
  return n;
}
