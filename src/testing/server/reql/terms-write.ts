// Writes: INSERT, UPDATE, REPLACE, DELETE, with the real server's result object (all six
// counters always present, keys sorted, `first_error` once a row failed). A failure on one
// row (duplicate key, changed primary key, an error in the update function) is counted in
// `errors`, not thrown, exactly as the server does it.
import { randomUUID } from 'node:crypto';
import { ErrorType, T } from '../protocol.js';
import type { Table } from '../store.js';
import { datumTypeName, deepEqual, isObject, prettyPrint, type DatumObject } from './datum.js';
import { ReqlError, runtimeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDatum, asSeq, asString, asTable } from './convert.js';
import { mergeDeep } from './terms-object.js';
import { checkPrimaryKey } from './terms-read.js';
import { SelectionVal, SingleSelectionVal, Special, TableVal, wrongKind, type TableSource } from './values.js';

class WriteResult {
  deleted = 0;
  errors = 0;
  inserted = 0;
  replaced = 0;
  skipped = 0;
  unchanged = 0;
  firstError: string | undefined;
  readonly generatedKeys: string[] = [];
  readonly changes: DatumObject[] = [];

  constructor(private readonly returnChanges: boolean | 'always') {}

  fail(err: unknown): void {
    // Only runtime errors are per-row outcomes; anything else is a bug to surface.
    if (!(err instanceof ReqlError) || err.errorType === undefined) throw err;
    this.errors++;
    this.firstError ??= err.message;
  }

  change(oldVal: unknown, newVal: unknown, changed: boolean): void {
    if (this.returnChanges === 'always' || (this.returnChanges && changed)) {
      this.changes.push({ new_val: newVal ?? null, old_val: oldVal ?? null });
    }
  }

  toDatum(): DatumObject {
    const out: Record<string, unknown> = {};
    if (this.returnChanges !== false) out['changes'] = this.changes;
    out['deleted'] = this.deleted;
    out['errors'] = this.errors;
    if (this.firstError !== undefined) out['first_error'] = this.firstError;
    if (this.generatedKeys.length > 0) out['generated_keys'] = this.generatedKeys;
    out['inserted'] = this.inserted;
    out['replaced'] = this.replaced;
    out['skipped'] = this.skipped;
    out['unchanged'] = this.unchanged;
    return out;
  }
}

function writableOf(source: TableSource): Table {
  if (source.writable === undefined) {
    throw runtimeError(ErrorType.OP_FAILED,
      `Table \`${source.db}.${source.name}\` is read-only in the async-repool test server.`);
  }
  return source.writable;
}

function returnChangesOpt(call: Call): boolean | 'always' {
  const v = call.opt('return_changes', asDatum);
  return v === 'always' ? 'always' : v === true;
}

function notObject(v: unknown): ReqlError {
  return runtimeError(ErrorType.QUERY_LOGIC,
    `Inserted value must be an OBJECT (got ${datumTypeName(v)}):\n${prettyPrint(v)}`);
}

function pkChanged(pk: string, oldRow: unknown, newRow: unknown): ReqlError {
  return runtimeError(ErrorType.QUERY_LOGIC,
    `Primary key \`${pk}\` cannot be changed (\`${prettyPrint(oldRow)}\` -> \`${prettyPrint(newRow)}\`).`);
}

/** Stores `next` in place of `old` (either may be null) and counts the outcome. */
function applyRow(t: Table, res: WriteResult, key: unknown, old: DatumObject | null, next: unknown): void {
  if (next === null) {
    if (old === null) { res.skipped++; return; }
    t.delete(key);
    res.deleted++;
    res.change(old, null, true);
    return;
  }
  if (!isObject(next)) throw notObject(next);
  if (!Object.hasOwn(next, t.primaryKey)) {
    throw runtimeError(ErrorType.QUERY_LOGIC,
      `Inserted object must have primary key \`${t.primaryKey}\`:\n${prettyPrint(next)}`);
  }
  if (!deepEqual(next[t.primaryKey], key)) throw pkChanged(t.primaryKey, old, next);
  if (old !== null && deepEqual(old, next)) {
    res.unchanged++;
    res.change(old, old, false);
    return;
  }
  const stored = t.put(next);
  if (old === null) res.inserted++;
  else res.replaced++;
  res.change(old, stored, true);
}

const CONFLICT_MODES = ['error', 'replace', 'update'];

function insert(call: Call): DatumObject {
  const t = writableOf(call.arg(0, asTable).source);
  const v1 = call.arg(1);
  const single = v1 instanceof Special && !(v1 instanceof SingleSelectionVal) ? undefined : call.arg(1, () => asDatum(v1));
  const docs = isObject(single) ? [single] : call.arg(1, () => asSeq(v1)).rows;
  // `conflict` is a mode name or a function (id, oldDoc, newDoc) => doc.
  const rawConflict = call.optargs?.['conflict'];
  const conflictFn = Array.isArray(rawConflict) && rawConflict[0] === T.FUNC ? call.optFn('conflict') : undefined;
  const mode = conflictFn === undefined ? call.opt('conflict', asString) ?? 'error' : 'function';
  if (conflictFn === undefined && !CONFLICT_MODES.includes(mode)) {
    throw runtimeError(ErrorType.QUERY_LOGIC,
      `Conflict option \`${mode}\` unrecognized (options are "error", "replace" and "update").`, ['conflict']);
  }
  const res = new WriteResult(returnChangesOpt(call));
  const pk = t.primaryKey;
  for (const doc of docs) {
    try {
      if (!isObject(doc)) throw notObject(doc);
      let row: DatumObject = doc;
      if (!Object.hasOwn(doc, pk)) {
        const id = randomUUID();
        row = { ...doc, [pk]: id };
        res.generatedKeys.push(id);
      }
      const key = row[pk];
      checkPrimaryKey(key);
      const old = t.get(key) ?? null;
      if (old === null) applyRow(t, res, key, null, row);
      else if (conflictFn !== undefined) applyRow(t, res, key, old, asDatum(conflictFn(key, old, row)));
      else if (mode === 'replace') applyRow(t, res, key, old, row);
      else if (mode === 'update') applyRow(t, res, key, old, mergeDeep(old, row));
      else {
        throw runtimeError(ErrorType.OP_FAILED,
          `Duplicate primary key \`${pk}\`:\n${prettyPrint(old)}\n${prettyPrint(row)}`);
      }
    } catch (err) {
      res.fail(err);
    }
  }
  return res.toDatum();
}

/** The rows an UPDATE/REPLACE/DELETE acts on, with their table. */
function targets(call: Call): { table: Table; rows: Array<{ key: unknown; row: DatumObject | null }> } {
  const v0 = call.arg(0);
  if (v0 instanceof SingleSelectionVal) {
    return { table: writableOf(v0.source), rows: [{ key: v0.key, row: v0.row }] };
  }
  if (v0 instanceof TableVal || v0 instanceof SelectionVal) {
    const { rows, source } = asSeq(v0);
    const table = writableOf(source as TableSource);
    return { table, rows: (rows as DatumObject[]).map((row) => ({ key: row[table.primaryKey], row })) };
  }
  return call.arg(0, () => wrongKind('SELECTION', v0));
}

function modify(call: Call, isReplace: boolean): DatumObject {
  const { table, rows } = targets(call);
  const f = call.fn(1);
  const res = new WriteResult(returnChangesOpt(call));
  for (const { key, row } of rows) {
    // Re-read: an earlier row of this same write may have changed the stored value.
    const current = row === null ? null : table.get(key) ?? null;
    try {
      if (!isReplace && current === null) { res.skipped++; continue; }
      const out = asDatum(f(current));
      if (isReplace) { applyRow(table, res, key, current, out); continue; }
      if (out === null) { res.unchanged++; continue; }
      if (!isObject(out)) throw notObject(out);
      const next = mergeDeep(current as DatumObject, out);
      if (!deepEqual(next[table.primaryKey], key)) throw pkChanged(table.primaryKey, current, next);
      applyRow(table, res, key, current, next);
    } catch (err) {
      res.fail(err);
    }
  }
  return res.toDatum();
}

export const writeTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.INSERT, insert],
  [T.UPDATE, (call) => modify(call, false)],
  [T.REPLACE, (call) => modify(call, true)],
  [T.DELETE, (call) => {
    const { table, rows } = targets(call);
    const res = new WriteResult(returnChangesOpt(call));
    for (const { key } of rows) {
      const current = table.get(key) ?? null;
      if (current === null) { res.skipped++; continue; }
      table.delete(key);
      res.deleted++;
      res.change(current, null, true);
    }
    return res.toDatum();
  }],
];
