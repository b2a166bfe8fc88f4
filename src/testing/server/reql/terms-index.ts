// Reads by key and the index terms: GET, GET_ALL, BETWEEN, INDEX_CREATE, INDEX_DROP,
// INDEX_LIST, INDEX_STATUS, INDEX_WAIT, INDEX_RENAME. A table slice (orderBy({index}),
// between) remembers its index, order and bounds; its rows are read from the index.
import { T } from '../protocol.js';
import { SYSTEM_DB, type Table } from '../store.js';
import { canonicalFrozen, compareDatums, deepEqual, ptypeOf, type DatumObject } from './datum.js';
import { logicError, nonExistence, opFailed } from './errors.js';
import type { Call, Env, Handler } from './evaluate.js';
import { asBool, asDatum, asString, asTable } from './convert.js';
import { isDeterministic } from './determinism.js';
import {
  checkIndex, indexCreateQuery, indexEntries, indexFunctionBlob, indexNotFound, type IndexEntry,
} from './indexes.js';
import { checkPrimaryKey } from './keys.js';
import { Rows } from './rows.js';
import {
  FuncVal, SelectionVal, SingleSelectionVal, TableVal, wrongKind, type SliceInfo, type TableSource,
} from './values.js';

/** The (key, row) entries of a table slice: from its index, within its bounds, in its order. */
export function sliceEntries(env: Env, source: TableSource, slice: SliceInfo): readonly IndexEntry[] {
  let entries = indexEntries(env, source, slice.index);
  const b = slice.bounds;
  if (b !== undefined) {
    entries = entries.filter(({ key }) => {
      const lo = compareDatums(key, b.lo);
      const hi = compareDatums(key, b.hi);
      return (b.loOpen ? lo > 0 : lo >= 0) && (b.hiOpen ? hi < 0 : hi <= 0);
    });
  }
  return slice.order === 'desc' ? [...entries].reverse() : entries;
}

/** The rows (or keys) of a table slice, read when first needed. */
export function sliceRows(env: Env, source: TableSource, slice: SliceInfo, keysOnly = false): Rows {
  checkIndex(source, slice.index);
  return Rows.lazy((function* () {
    for (const e of sliceEntries(env, source, slice)) yield keysOnly ? e.key : e.row;
  })());
}

/** A slice ordered by `index` (refused twice, or after between on another index). */
export function withSorting(slice: SliceInfo | undefined, index: string, order: 'asc' | 'desc'): SliceInfo {
  if (slice?.order !== undefined) throw logicError('Cannot perform multiple indexed ORDER_BYs on the same table.');
  if (slice !== undefined && slice.index !== index) {
    throw logicError(`Cannot order by index \`${index}\` after calling BETWEEN on index \`${slice.index}\`.`);
  }
  return { ...slice, index, order };
}

function between(call: Call): SelectionVal {
  const v0 = call.arg(0);
  const isSlice = v0 instanceof SelectionVal && v0.kind === 'slice';
  if (!(v0 instanceof TableVal) && !isSlice) call.arg(0, () => wrongKind('TABLE_SLICE', v0));
  const source = (v0 as TableVal | SelectionVal).source;
  const prev = isSlice ? (v0 as SelectionVal).slice : undefined;
  const open = (name: string, dflt: boolean): boolean => {
    const v = call.opt(name, asString);
    if (v === undefined) return dflt;
    if (v === 'open' || v === 'closed') return v === 'open';
    throw logicError(`Expected \`open\` or \`closed\` for optarg \`${name}\` (got \`${JSON.stringify(v)}\`).`);
  };
  const loOpen = open('left_bound', false);
  const hiOpen = open('right_bound', true);
  const bound = (i: number): unknown => {
    const d = call.arg(i, asDatum);
    if (d === null) {
      throw logicError('Cannot use `null` in BETWEEN, use `r.minval` or `r.maxval` to denote unboundedness.');
    }
    return d;
  };
  const lo = bound(1);
  const hi = bound(2);
  const index = call.opt('index', asString) ?? prev?.index ?? source.primaryKey;
  if (prev?.bounds !== undefined) throw logicError('Cannot perform multiple BETWEENs on the same table.');
  if (prev !== undefined && prev.index !== index) {
    throw logicError(`Cannot call BETWEEN on index \`${index}\` after ordering on index \`${prev.index}\`.`);
  }
  const slice: SliceInfo = { ...prev, index, bounds: { lo, hi, loOpen, hiOpen } };
  return new SelectionVal(source, sliceRows(call.env, source, slice), 'slice', slice);
}

function getAll(call: Call): SelectionVal {
  const { source } = call.arg(0, asTable);
  const index = call.opt('index', asString) ?? source.primaryKey;
  const keys: unknown[] = [];
  for (let i = 1; i < call.argc; i++) {
    const k = call.arg(i, asDatum);
    if (ptypeOf(k) === 'GEOMETRY') {
      throw logicError('Cannot use a geospatial index with `get_all`. Use `get_intersecting` instead.');
    }
    if (k === null) throw nonExistence('Keys cannot be NULL.');
    keys.push(k);
  }
  keys.sort(compareDatums);
  checkIndex(source, index);
  const env = call.env;
  return new SelectionVal(source, Rows.lazy((function* () {
    if (index === source.primaryKey) {
      for (const k of keys) {
        const row = source.get(k);
        if (row !== undefined) yield row;
      }
      return;
    }
    const entries = indexEntries(env, source, index);
    for (const k of keys) for (const e of entries) if (deepEqual(e.key, k)) yield e.row;
  })()), 'stream');
}

function writableTable(call: Call): Table {
  const tv = call.arg(0, asTable);
  const t = tv.source.writable;
  if (t === undefined) throw opFailed(`Database \`${SYSTEM_DB}\` is special; you can't create secondary indexes on it.`);
  return t;
}

function indexStatus(t: Table, name: string): DatumObject {
  const info = t.indexes.get(name);
  return {
    function: indexFunctionBlob(name, info?.fn),
    geo: info?.geo ?? false,
    index: name,
    multi: info?.multi ?? false,
    outdated: false,
    query: indexCreateQuery(name, info?.fn, info?.multi ?? false, info?.geo ?? false),
    ready: true,
  };
}

function indexStatuses(call: Call): DatumObject[] {
  const t = writableTable(call);
  const names: string[] = [];
  for (let i = 1; i < call.argc; i++) names.push(call.arg(i, asString));
  for (const n of names) if (!t.indexes.has(n)) throw indexNotFound(t, n);
  return [...t.indexes.keys()].sort().filter((n) => names.length === 0 || names.includes(n)).map((n) => indexStatus(t, n));
}

function checkIndexName(t: Table, name: string): void {
  if (name === t.primaryKey) throw logicError(`Index name conflict: \`${name}\` is the name of the primary key.`);
}

export const indexTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.GET, (call) => {
    const table = call.arg(0, asTable);
    const key = call.arg(1, asDatum);
    call.arg(1, () => checkPrimaryKey(key));
    return new SingleSelectionVal(table.source, key, table.source.get(key) ?? null);
  }],
  [T.GET_ALL, getAll],
  [T.BETWEEN, between],
  [T.INDEX_CREATE, (call) => {
    const t = writableTable(call);
    const name = call.arg(1, asString);
    checkIndexName(t, name);
    let fn: unknown;
    if (call.argc === 3) {
      const v = call.arg(2);
      if (!(v instanceof FuncVal)) call.arg(2, () => { throw logicError('Expected type FUNCTION but found DATUM.'); });
      if (!isDeterministic(call.args[2])) throw logicError('Could not prove function deterministic.  Index functions must be deterministic.');
      fn = canonicalFrozen(call.args[2]);
    }
    const multi = call.opt('multi', asBool) === true;
    const geo = call.opt('geo', asBool) === true;
    if (t.indexes.has(name)) throw opFailed(`Index \`${name}\` already exists on table \`${t.db}.${t.name}\`.`);
    t.indexes.set(name, { name, multi, geo, fn });
    return { created: 1 };
  }],
  [T.INDEX_DROP, (call) => {
    const t = writableTable(call);
    const name = call.arg(1, asString);
    if (!t.indexes.delete(name)) throw opFailed(`Index \`${name}\` does not exist on table \`${t.db}.${t.name}\`.`);
    return { dropped: 1 };
  }],
  [T.INDEX_LIST, (call) => [...writableTable(call).indexes.keys()].sort()],
  [T.INDEX_STATUS, indexStatuses],
  [T.INDEX_WAIT, indexStatuses],
  [T.INDEX_RENAME, (call) => {
    const t = writableTable(call);
    const from = call.arg(1, asString);
    const to = call.arg(2, asString);
    checkIndexName(t, from);
    checkIndexName(t, to);
    const overwrite = call.opt('overwrite', asBool) === true;
    const info = t.indexes.get(from);
    if (info === undefined) throw opFailed(`Index \`${from}\` does not exist on table \`${t.db}.${t.name}\`.`);
    if (from === to) return { renamed: 0 };
    if (t.indexes.has(to) && !overwrite) {
      throw opFailed(`Index \`${to}\` already exists on table \`${t.db}.${t.name}\`.`);
    }
    t.indexes.delete(from);
    t.indexes.set(to, { ...info, name: to });
    return { renamed: 1 };
  }],
];
