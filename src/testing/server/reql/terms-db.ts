// Databases, tables and indexes: DB, TABLE, the create/drop/list terms, index terms,
// config/status/wait/sync. Result shapes and messages are the real server's.
import { ErrorType, T } from '../protocol.js';
import { SYSTEM_DB, type Table } from '../store.js';
import type { DatumObject } from './datum.js';
import { logicError, runtimeError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDb, asInt, asString, asTable } from './convert.js';
import { SYSTEM_TABLE_NAMES, systemTable, tableConfig, tableStatus } from './system-tables.js';
import { DbVal, TableVal, wrongKind } from './values.js';

const NAME_RE = /^[A-Za-z0-9_-]+$/;

function checkName(name: string, kind: string): string {
  if (!NAME_RE.test(name)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `${kind} name \`${name}\` invalid (Use A-Z, a-z, 0-9, _ and - only).`);
  }
  return name;
}

function opFailed(message: string): never {
  throw runtimeError(ErrorType.OP_FAILED, message);
}

function missingDb(name: string): never {
  return opFailed(`Database \`${name}\` does not exist.`);
}

/** The database a TABLE-like term names: its first argument when it has `withDb`, else the default. */
function dbOf(call: Call, withDb: boolean): string {
  if (withDb) return call.arg(0, asDb).name;
  const name = call.env.defaultDb;
  if (!call.env.store.hasDb(name)) missingDb(name);
  return name;
}

/** A stored table, or the real server's error for a missing one (or for the system db). */
export function userTable(call: Call, db: string, name: string): Table {
  const t = call.env.store.getTable(db, name);
  if (t === undefined) opFailed(`Table \`${db}.${name}\` does not exist.`);
  return t;
}

const READ_MODES = ['majority', 'single', 'outdated', '_debug_direct'];

function tableTerm(call: Call): TableVal {
  const readMode = call.optOrGlobal('read_mode', asString);
  if (readMode !== undefined && !READ_MODES.includes(readMode)) {
    throw logicError(`Read mode \`${readMode}\` unrecognized (options are "majority", "single", and "outdated").`);
  }
  const format = call.opt('identifier_format', asString);
  if (format !== undefined && format !== 'name' && format !== 'uuid') {
    throw logicError(`Identifier format \`${format}\` unrecognized (options are "name" and "uuid").`);
  }
  const withDb = call.argc === 2;
  const db = dbOf(call, withDb);
  const name = checkName(call.arg(withDb ? 1 : 0, asString), 'Table');
  if (db === SYSTEM_DB) return new TableVal(systemTable(name, call.env.ctx));
  return new TableVal(userTable(call, db, name));
}

const tableSourceConfig = (t: Table, call: Call): DatumObject => tableConfig(t, call.env.ctx.self.name);

function writableTable(call: Call, i: number): Table {
  const tv = call.arg(i, asTable);
  const t = tv.source.writable;
  if (t === undefined) {
    opFailed(`Database \`${SYSTEM_DB}\` is special; the async-repool test server does not support this on it.`);
  }
  return t;
}

export const dbTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.DB, (call) => {
    const name = call.arg(0, asString);
    if (!call.env.store.hasDb(name)) missingDb(name);
    return new DbVal(name);
  }],
  [T.TABLE, tableTerm],
  [T.DB_LIST, (call) => call.env.store.dbNames()],
  [T.DB_CREATE, (call) => {
    const name = checkName(call.arg(0, asString), 'Database');
    const db = call.env.store.createDb(name);
    if (db === undefined) opFailed(`Database \`${name}\` already exists.`);
    return { config_changes: [{ new_val: { id: db.id, name }, old_val: null }], dbs_created: 1 };
  }],
  [T.DB_DROP, (call) => {
    const name = checkName(call.arg(0, asString), 'Database');
    if (name === SYSTEM_DB) opFailed(`Database \`${SYSTEM_DB}\` is special; you can't delete it.`);
    const db = call.env.store.dropDb(name);
    if (db === undefined) missingDb(name);
    return {
      config_changes: [{ new_val: null, old_val: { id: db.id, name } }],
      dbs_dropped: 1,
      tables_dropped: db.tables.size,
    };
  }],
  [T.TABLE_LIST, (call) => {
    const db = dbOf(call, call.argc === 1);
    if (db === SYSTEM_DB) return [...SYSTEM_TABLE_NAMES];
    return [...(call.env.store.getDb(db)?.tables.keys() ?? [])].sort();
  }],
  [T.TABLE_CREATE, (call) => {
    const withDb = call.argc === 2;
    const db = dbOf(call, withDb);
    const name = checkName(call.arg(withDb ? 1 : 0, asString), 'Table');
    const shards = call.opt('shards', asInt);
    if (shards !== undefined && shards <= 0) throw logicError('Every table must have at least one shard.');
    const pk = call.opt('primary_key', asString) ?? 'id';
    const durability = call.opt('durability', asString);
    if (durability !== undefined && durability !== 'hard' && durability !== 'soft') {
      throw logicError(`Durability option \`${durability}\` unrecognized (options are "hard" and "soft").`);
    }
    if (db === SYSTEM_DB) opFailed(`Database \`${SYSTEM_DB}\` is special; you can't create new tables in it.`);
    const t = call.env.store.createTable(db, name, pk);
    if (t === undefined) opFailed(`Table \`${db}.${name}\` already exists.`);
    if (durability === 'soft') t.durability = 'soft';
    return { config_changes: [{ new_val: tableSourceConfig(t, call), old_val: null }], tables_created: 1 };
  }],
  [T.TABLE_DROP, (call) => {
    const withDb = call.argc === 2;
    const db = dbOf(call, withDb);
    const name = checkName(call.arg(withDb ? 1 : 0, asString), 'Table');
    if (db === SYSTEM_DB) opFailed(`Database \`${SYSTEM_DB}\` is special; you can't drop tables in it.`);
    const config = tableSourceConfig(userTable(call, db, name), call);
    call.env.store.dropTable(db, name);
    return { config_changes: [{ new_val: null, old_val: config }], tables_dropped: 1 };
  }],
  [T.CONFIG, (call) => {
    const v = call.arg(0);
    if (v instanceof DbVal) {
      const db = call.env.store.getDb(v.name);
      return { id: db?.id ?? v.name, name: v.name };
    }
    if (v instanceof TableVal) {
      const t = v.source.writable;
      return t === undefined ? opFailed(`Database \`${SYSTEM_DB}\` is special; you can't configure it.`)
        : tableSourceConfig(t, call);
    }
    return call.arg(0, () => wrongKind('TABLE', v));
  }],
  [T.STATUS, (call) => tableStatus(writableTable(call, 0), call.env.ctx.self.name)],
  [T.WAIT, (call) => {
    if (call.argc === 0) return { ready: call.env.store.userDatabases().reduce((n, d) => n + d.tables.size, 0) };
    const v = call.arg(0);
    if (v instanceof DbVal) return { ready: call.env.store.getDb(v.name)?.tables.size ?? 0 };
    call.arg(0, asTable);
    return { ready: 1 };
  }],
  [T.SYNC, (call) => {
    writableTable(call, 0);
    return { synced: 1 };
  }],
];
