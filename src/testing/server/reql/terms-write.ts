// Writes: INSERT, UPDATE, REPLACE, DELETE, with the real server's rules: bad optargs and
// non-deterministic functions (without `nonAtomic`) refuse the whole write, while a
// failure on one row (duplicate key, changed primary key, an error in the row's function)
// is counted in `errors` with the first message in `first_error`.
import { randomUUID } from 'node:crypto';
import { T } from '../protocol.js';
import type { Table } from '../store.js';
import { datumTypeName, deepEqual, isObject, prettyPrint, type DatumObject } from './datum.js';
import { logicError, opFailed, ReqlError, typeError } from './errors.js';
import { LITERAL_OK, type Call, type Fn, type Handler } from './evaluate.js';
import { asBool, asDatum, asSeq, asString, asTable } from './convert.js';
import { isDeterministic } from './determinism.js';
import { mergeDatum } from './merge.js';
import { checkPrimaryKey, keyTooLong } from './keys.js';
import { FuncVal, SelectionVal, SingleSelectionVal, Special, TableVal, wrongKind, type TableSource } from './values.js';
import { WriteResult, type ReturnChanges } from './write-result.js';

function returnChangesOpt(call: Call): ReturnChanges {
  if (call.hasOpt('return_vals')) {
    throw logicError('Error: encountered obsolete optarg `return_vals`.  Use `return_changes` instead.');
  }
  const v = call.opt('return_changes', asDatum);
  if (v === undefined) return false;
  if (typeof v === 'string') {
    if (v !== 'always') {
      throw logicError(`Invalid return_changes value \`${v}\` (options are \`true\`, \`false\`, and \`'always'\`.)`);
    }
    return 'always';
  }
  return call.opt('return_changes', asBool) === true;
}

function checkDurability(call: Call): void {
  const d = call.optOrGlobal('durability', asString);
  if (d !== undefined && d !== 'hard' && d !== 'soft') {
    throw logicError(`Durability option \`${d}\` unrecognized (options are "hard" and "soft").`);
  }
}

/** A row failure's message, or a rethrow for anything that is not a query error. */
function rowError(err: unknown): string {
  if (err instanceof ReqlError && err.errorType !== undefined) return err.message;
  throw err;
}

function systemWrite(source: TableSource): string {
  return `It's illegal to write to the \`${source.db}.${source.name}\` table.`;
}

/** Checks `next` as the new value of the row with key `key` (either may be null). */
function checkReplacement(pk: string, key: unknown, old: DatumObject | null, next: unknown): DatumObject | null {
  if (next === null) return null;
  if (!isObject(next)) {
    throw typeError(next, `Inserted value must be an OBJECT (got ${datumTypeName(next)}):\n${prettyPrint(next)}`);
  }
  if (!Object.hasOwn(next, pk)) throw logicError(`Inserted object must have primary key \`${pk}\`:\n${prettyPrint(next)}`);
  if (old !== null && !deepEqual(old[pk], next[pk])) {
    throw logicError(`Primary key \`${pk}\` cannot be changed (\`${prettyPrint(old)}\` -> \`${prettyPrint(next)}\`).`);
  }
  if (old === null && key !== undefined && !deepEqual(key, next[pk])) {
    throw logicError(`Primary key \`${pk}\` cannot be changed (null -> ${prettyPrint(next)})`);
  }
  return next;
}

/** Stores one row's outcome and counts it. */
function apply(t: Table, res: WriteResult, key: unknown, old: DatumObject | null, next: DatumObject | null): void {
  if (old !== null && next !== null && deepEqual(old, next)) {
    res.row(old, old);
    return;
  }
  let stored: DatumObject | null = null;
  if (next === null) t.delete(key);
  else stored = t.put(next);
  res.row(old, stored);
}

function insert(call: Call): DatumObject {
  const source = call.arg(0, asTable).source;
  const returnChanges = returnChangesOpt(call);
  let conflictFn: Fn | undefined;
  let mode = 'error';
  if (call.hasOpt('conflict') && call.opt('conflict') instanceof FuncVal) {
    if (!isDeterministic(call.optargs?.conflict)) {
      throw logicError('The conflict function passed to `insert` must be deterministic.');
    }
    conflictFn = call.optFn('conflict');
    if (conflictFn !== undefined && conflictFn.arity !== 0 && conflictFn.arity !== 3) {
      throw logicError('The conflict function passed to `insert` should expect 3 arguments.');
    }
  } else if (call.hasOpt('conflict')) {
    mode = call.opt('conflict', asString) ?? 'error';
    if (!['error', 'replace', 'update'].includes(mode)) {
      throw logicError(`Conflict option \`${mode}\` unrecognized (options are "error", "replace" and "update").`);
    }
  }
  checkDurability(call);
  const v1 = call.arg(1);
  const single = !(v1 instanceof Special) || v1 instanceof SingleSelectionVal ? call.arg(1, asDatum) : undefined;
  const docs = isObject(single) ? [single] : call.arg(1, asSeq).rows;
  const res = new WriteResult(returnChanges);
  const t = source.writable;
  const pk = source.primaryKey;
  for (const doc of docs) {
    let old: DatumObject | null = null;
    try {
      if (t === undefined) throw logicError(systemWrite(source));
      if (!isObject(doc)) {
        throw typeError(doc, `Inserted value must be an OBJECT (got ${datumTypeName(doc)}):\n${prettyPrint(doc)}`);
      }
      let row: DatumObject = doc;
      if (!Object.hasOwn(doc, pk)) {
        const id = randomUUID();
        row = { ...doc, [pk]: id };
        res.generatedKeys.push(id);
      }
      const key = row[pk];
      checkPrimaryKey(key);
      keyTooLong(key);
      old = t.get(key) ?? null;
      let next: unknown = row;
      if (old !== null) {
        if (conflictFn !== undefined) next = asDatum(conflictFn(key, old, row));
        else if (mode === 'replace') next = row;
        else if (mode === 'update') next = mergeDatum(old, row);
        else {
          throw opFailed(`Duplicate primary key \`${pk}\`:\n${prettyPrint(old)}\n${prettyPrint(row)}`);
        }
      }
      apply(t, res, key, old, checkReplacement(pk, key, old, next));
    } catch (err) {
      res.fail(rowError(err), old);
    }
  }
  return res.toDatum();
}

/** The rows an UPDATE/REPLACE/DELETE acts on, with their table. */
function targets(call: Call): { source: TableSource; rows: Iterable<{ key: unknown; row: DatumObject | null }> } {
  const v0 = call.arg(0);
  if (v0 instanceof SingleSelectionVal) {
    return { source: v0.source, rows: [{ key: v0.key, row: v0.row }] };
  }
  if (v0 instanceof TableVal || v0 instanceof SelectionVal) {
    const { rows, source } = asSeq(v0);
    const s = source as TableSource;
    return { source: s, rows: rows.map((row) => ({ key: (row as DatumObject)[s.primaryKey], row: row as DatumObject })) as Iterable<{ key: unknown; row: DatumObject | null }> };
  }
  return call.arg(0, () => wrongKind('SELECTION', v0));
}

/** replace() and update() (update merges what the function returns into the row). */
function modify(call: Call, isUpdate: boolean): DatumObject {
  const nonAtomic = call.opt('non_atomic', asBool) === true;
  const returnChanges = returnChangesOpt(call);
  checkDurability(call);
  if (!nonAtomic && !isDeterministic(call.args[1])) {
    throw logicError('Could not prove argument deterministic.  Maybe you want to use the non_atomic flag?');
  }
  const f = call.constantFn(1, LITERAL_OK);
  const { source, rows } = targets(call);
  const res = new WriteResult(returnChanges);
  const pk = source.primaryKey;
  for (const { key, row } of rows) {
    // Re-read: an earlier row of this same write may have changed the stored value.
    const t = source.writable;
    const current = t === undefined ? row : row === null ? null : t.get(key) ?? null;
    try {
      if (t === undefined) throw logicError(systemWrite(source));
      let next: unknown;
      if (isUpdate) {
        if (current === null) next = null;
        else {
          const patch = asDatum(f(current));
          next = patch === null ? current : mergeDatum(current, patch);
        }
      } else {
        next = asDatum(f(current));
      }
      apply(t, res, key, current, checkReplacement(pk, key, current, next));
    } catch (err) {
      res.fail(rowError(err), current);
    }
  }
  return res.toDatum();
}

function deleteTerm(call: Call): DatumObject {
  const returnChanges = returnChangesOpt(call);
  checkDurability(call);
  const { source, rows } = targets(call);
  const res = new WriteResult(returnChanges);
  for (const { key, row } of rows) {
    const t = source.writable;
    const current = t === undefined ? row : row === null ? null : t.get(key) ?? null;
    try {
      if (t === undefined) throw logicError(systemWrite(source));
      apply(t, res, key, current, null);
    } catch (err) {
      res.fail(rowError(err), current);
    }
  }
  return res.toDatum();
}

export const writeTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.INSERT, insert],
  [T.UPDATE, (call) => modify(call, true)],
  [T.REPLACE, (call) => modify(call, false)],
  [T.DELETE, deleteTerm],
];
