// The `rethinkdb` system database: tables computed from the servers sharing the store and
// from the store's own catalogue, with the fields a real 2.4 server writes. Drivers' pools
// read `server_status` to discover the cluster (rethinkdb-ts uses `network.hostname`,
// `canonical_addresses[].host` and `reql_port`).
import { hostname } from 'node:os';
import { ErrorType } from '../protocol.js';
import { canonicalKey, SYSTEM_DB, type Doc, type Store, type Table } from '../store.js';
import { canonicalFrozen, type DatumObject } from './datum.js';
import { runtimeError } from './errors.js';
import { makeTime } from './time.js';
import type { EvalContext, ServerDescriptor } from './types.js';
import type { TableSource } from './values.js';

export const SERVER_VERSION_STRING = 'rethinkdb 2.4.4 (async-repool test server)';

/** The system tables, as the real server lists them. */
export const SYSTEM_TABLE_NAMES: readonly string[] = [
  'cluster_config', 'current_issues', 'db_config', 'jobs', 'logs', 'permissions', 'server_config',
  'server_status', 'stats', 'table_config', 'table_status', 'users',
];

/** What `info()` says about a table. */
export function tableInfo(source: TableSource, store: Store): DatumObject {
  const t = source.writable;
  const db = store.getDb(source.db);
  return {
    db: { id: db?.id ?? source.db, name: source.db, type: 'DB' },
    doc_count_estimates: [source.rows().length],
    id: t?.id ?? source.name,
    indexes: t === undefined ? [] : [...t.indexes.keys()].sort(),
    name: source.name,
    primary_key: source.primaryKey,
    type: 'TABLE',
  };
}

/** `rethinkdb.stats`: the cluster, each server and each table, with idle counters. */
function statsRows(ctx: EvalContext): DatumObject[] {
  const engine = { client_connections: 1, clients_active: 1, queries_per_sec: 0, read_docs_per_sec: 0,
    written_docs_per_sec: 0 };
  const rows: DatumObject[] = [{ id: ['cluster'], query_engine: engine }];
  for (const s of ctx.servers()) {
    rows.push({ id: ['server', s.id], query_engine: { ...engine, queries_total: 0, read_docs_total: 0,
      written_docs_total: 0 }, server: s.name });
  }
  for (const t of allTables(ctx.store)) {
    rows.push({ db: t.db, id: ['table', t.id], query_engine: { read_docs_per_sec: 0, written_docs_per_sec: 0 },
      table: t.name });
  }
  return rows;
}

/** A table's `config()` row, as tableCreate's config_changes and `table_config` show it. */
export function tableConfig(t: Table, serverName: string): DatumObject {
  return {
    db: t.db,
    durability: t.durability,
    id: t.id,
    indexes: [...t.indexes.keys()].sort(),
    name: t.name,
    primary_key: t.primaryKey,
    shards: [{ nonvoting_replicas: [], primary_replica: serverName, replicas: [serverName] }],
    write_acks: 'majority',
    write_hook: null,
  };
}

/** A table's `status()` row: always fully ready, on the answering server. */
export function tableStatus(t: Table, serverName: string): DatumObject {
  return {
    db: t.db,
    id: t.id,
    name: t.name,
    raft_leader: serverName,
    shards: [{ primary_replicas: [serverName], replicas: [{ server: serverName, state: 'ready' }] }],
    status: {
      all_replicas_ready: true,
      ready_for_outdated_reads: true,
      ready_for_reads: true,
      ready_for_writes: true,
    },
  };
}

function serverStatus(s: ServerDescriptor, all: readonly ServerDescriptor[]): DatumObject {
  const connectedTo: Record<string, boolean> = {};
  for (const o of all) if (o.id !== s.id) connectedTo[o.name] = true;
  const started = makeTime(s.timeStarted / 1000);
  // There is no cluster port: the ReQL port stands in for it, so discovery code that
  // (wrongly) connects to canonical_addresses[].port still reaches the server.
  return {
    id: s.id,
    name: s.name,
    network: {
      canonical_addresses: [{ host: s.host, port: s.port }],
      cluster_port: s.port,
      connected_to: connectedTo,
      hostname: hostname(),
      http_admin_port: '<no http admin>',
      reql_port: s.port,
      time_connected: started,
    },
    process: {
      argv: ['rethinkdb', '--bind', s.host, '--driver-port', String(s.port)],
      cache_size_mb: 100,
      pid: s.pid,
      time_started: started,
      version: SERVER_VERSION_STRING,
    },
  };
}

function allTables(store: Store): Table[] {
  return store.userDatabases().flatMap((d) => [...d.tables.values()]);
}

function computeRows(name: string, ctx: EvalContext): DatumObject[] {
  const servers = ctx.servers();
  const self = ctx.self.name;
  switch (name) {
    case 'server_status': return servers.map((s) => serverStatus(s, servers));
    case 'server_config':
      return servers.map((s) => ({ cache_size_mb: 'auto', id: s.id, name: s.name, tags: ['default'] }));
    case 'users':
      return ctx.users === undefined
        ? [{ id: 'admin', password: false }]
        : ctx.users().map((u) => ({ id: u.id, password: u.password }));
    case 'db_config': return ctx.store.userDatabases().map((d) => ({ id: d.id, name: d.name }));
    case 'table_config': return allTables(ctx.store).map((t) => tableConfig(t, self));
    case 'table_status': return allTables(ctx.store).map((t) => tableStatus(t, self));
    case 'cluster_config': return [{ heartbeat_timeout_secs: 10, id: 'heartbeat' }];
    case 'stats': return statsRows(ctx);
    case 'logs': return servers.map((s) => ({
      id: [makeTime(s.timeStarted / 1000), s.id], level: 'notice', message: 'Server ready', server: s.name,
      timestamp: makeTime(s.timeStarted / 1000), uptime: 0,
    }));
    default: return [];
  }
}

class SystemTable implements TableSource {
  readonly db = SYSTEM_DB;
  readonly primaryKey = 'id';
  readonly writable = undefined;
  private cache: readonly Doc[] | undefined;
  constructor(readonly name: string, private readonly ctx: EvalContext) {}

  rows(): readonly Doc[] {
    this.cache ??= computeRows(this.name, this.ctx).map((r) => canonicalFrozen(r) as Doc);
    return this.cache;
  }

  scan(): readonly Doc[] {
    return this.rows();
  }

  get(key: unknown): Doc | undefined {
    const ck = canonicalKey(key);
    return this.rows().find((r) => canonicalKey(r.id) === ck);
  }
}

/** The system table `name`, or an error naming it as the real server does. */
export function systemTable(name: string, ctx: EvalContext): TableSource {
  if (!SYSTEM_TABLE_NAMES.includes(name)) {
    throw runtimeError(ErrorType.OP_FAILED, `Table \`${SYSTEM_DB}.${name}\` does not exist.`);
  }
  return new SystemTable(name, ctx);
}
