// Secondary indexes as the real server computes them: each row's key comes from the index
// function given at creation (or the field of the index's name), a compound key is an
// array, a multi index files a row under each element of its array, and a row whose
// function fails or gives null is simply not in the index. Entries are kept per table
// revision, so repeated reads between writes cost one pass.
import { canonicalKey, type Table } from '../store.js';
import { compareDatums, deepEqual, isObject, type DatumObject } from './datum.js';
import { opFailed, ReqlError } from './errors.js';
import { evalTerm, invoke, type Env } from './evaluate.js';
import { asDatum } from './convert.js';
import { binaryOf } from './ptypes.js';
import { FuncVal, Scope, type TableSource } from './values.js';

export interface IndexEntry {
  readonly key: unknown;
  readonly row: DatumObject;
}

const cache = new WeakMap<Table, Map<string, { revision: number; entries: readonly IndexEntry[] }>>();

export function indexNotFound(source: TableSource, index: string): ReqlError {
  return opFailed(`Index \`${index}\` was not found on table \`${source.db}.${source.name}\`.`);
}

/** Whether `index` can be read on this table (the primary key always can). */
export function checkIndex(source: TableSource, index: string): void {
  if (index !== source.primaryKey && source.writable?.indexes.get(index) === undefined) {
    throw indexNotFound(source, index);
  }
}

/** Every (key, row) of an index, in key order then primary key order. */
export function indexEntries(env: Env, source: TableSource, index: string): readonly IndexEntry[] {
  const pk = source.primaryKey;
  if (index === pk) {
    return [...source.rows()].sort((a, b) => compareDatums(a[pk], b[pk])).map((row) => ({ key: row[pk], row }));
  }
  const table = source.writable;
  const info = table?.indexes.get(index);
  if (table === undefined || info === undefined) throw indexNotFound(source, index);
  let perTable = cache.get(table);
  if (perTable === undefined) {
    perTable = new Map();
    cache.set(table, perTable);
  }
  const hit = perTable.get(index);
  if (hit !== undefined && hit.revision === table.revision) return hit.entries;
  const keyOf = indexFunction(env, info.fn, index);
  const entries: IndexEntry[] = [];
  for (const row of table.rows()) {
    let v: unknown;
    try {
      v = keyOf(row);
    } catch (err) {
      if (err instanceof ReqlError) continue; // rows the function fails on are not indexed
      throw err;
    }
    const keys = info.multi && Array.isArray(v) ? dedupe(v) : [v];
    for (const key of keys) if (indexable(key)) entries.push({ key, row });
  }
  entries.sort((a, b) => compareDatums(a.key, b.key) || compareDatums(a.row[pk], b.row[pk]));
  perTable.set(index, { revision: table.revision, entries });
  return entries;
}

function indexFunction(env: Env, fnTerm: unknown, field: string): (row: DatumObject) => unknown {
  if (fnTerm === undefined) {
    return (row) => {
      if (!Object.hasOwn(row, field)) throw opFailed('missing');
      return row[field];
    };
  }
  const f = evalTerm(fnTerm, Scope.root, env);
  return (row) => asDatum(f instanceof FuncVal ? invoke(f, [row], env) : f);
}

function dedupe(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((x) => deepEqual(x, v))) out.push(v);
  return out;
}

/** Null, objects and arrays holding them cannot be index keys. */
function indexable(key: unknown): boolean {
  if (key === null || key === undefined) return false;
  if (Array.isArray(key)) return key.every(indexable);
  return !isObject(key) || typeof key.$reql_type$ === 'string';
}

/** The `function` field of indexStatus for an index on a field, byte for byte as the server writes it. */
export function indexFunctionBlob(field: string, fnTerm: unknown): DatumObject {
  const json = fnTerm === undefined
    ? `[31,[[10,[[1,-19,0]],0],[1,${JSON.stringify(field)},0]],0]`
    : JSON.stringify(fnTerm);
  const body = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length + 1); // the serialized string counts its terminating NUL
  const id = Buffer.alloc(8);
  id.writeBigInt64LE(-19n);
  return binaryOf(Buffer.concat([
    Buffer.from('$reql_index_function$\t\x07\x07\x07', 'latin1'), Buffer.alloc(6), Buffer.from([1]), id, len, body,
    Buffer.alloc(7), // the NUL, then an empty backtrace and the multi and geo flags
  ]));
}

/** The `query` field of indexStatus. */
export function indexCreateQuery(field: string, fnTerm: unknown, multi: boolean, geo: boolean): string {
  const fn = fnTerm === undefined
    ? `function(_var19) { return _var19.getField(${JSON.stringify(field)}); }`
    : `function(var1) { return ${JSON.stringify(fnTerm)}; }`;
  const opts = [multi ? 'multi: true' : '', geo ? 'geo: true' : ''].filter((s) => s !== '');
  return `indexCreate('${field}', ${fn}${opts.length > 0 ? `, {${opts.join(', ')}}` : ''})`;
}

/** A key as a Map key, for lookups by value. */
export function keyId(key: unknown): string {
  return canonicalKey(key);
}
