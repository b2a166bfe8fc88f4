// Databases, tables, indexes and system tables through runQuery, with the drivers' JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runQuery } from '../../../src/testing/server/reql/run-query.js';
import { harness, SELF, T, T_TS, UUID_RE, wire } from './helpers.js';

test('dbCreate / dbList / dbDrop: real result shapes; rethinkdb always listed', () => {
  const h = harness();
  const created = h.atom([57, ['cap']]) as { config_changes: Array<{ new_val: { id: string } }> };
  assert.deepEqual(Object.keys(created), ['config_changes', 'dbs_created']);
  const id = created.config_changes[0]?.new_val.id ?? '';
  assert.match(id, UUID_RE);
  assert.deepEqual(created, { config_changes: [{ new_val: { id, name: 'cap' }, old_val: null }], dbs_created: 1 });
  assert.deepEqual(h.atom([59, []]), ['cap', 'rethinkdb', 'test']);
  assert.deepEqual(h.atom([59]), ['cap', 'rethinkdb', 'test'], 'rethinkdb-ts sends [59]');
  h.atom([60, [[14, ['cap']], 'a']]);
  assert.deepEqual(h.atom([58, ['cap']]), {
    config_changes: [{ new_val: null, old_val: { id, name: 'cap' } }], dbs_dropped: 1, tables_dropped: 1,
  });
  assert.deepEqual(h.atom([59, []]), ['rethinkdb', 'test']);
});

test('database errors: missing, existing, special, bad name', () => {
  const h = harness();
  assert.deepEqual(wire(h.fail([58, ['nope']])), { t: 18, e: 4100000, r: 'Database `nope` does not exist.', b: [] });
  assert.deepEqual(wire(h.fail([57, ['test']])), { t: 18, e: 4100000, r: 'Database `test` already exists.', b: [] });
  assert.equal(h.fail([57, ['rethinkdb']]).message, 'Database `rethinkdb` already exists.');
  assert.equal(h.fail([58, ['rethinkdb']]).message, "Database `rethinkdb` is special; you can't delete it.");
  assert.equal(h.fail([57, ['a b']]).message, 'Database name `a b` invalid (Use A-Z, a-z, 0-9, _ and - only).');
  assert.deepEqual(wire(h.fail([15, [[14, ['missing']], 't']])),
    { t: 18, e: 4100000, r: 'Database `missing` does not exist.', b: [0] });
  assert.deepEqual(wire(h.fail([14, ['test']])), {
    t: 18, e: 3000000, r: 'Query result must be of type DATUM, GROUPED_DATA, or STREAM (got DATABASE).', b: [],
  });
});

test('tableCreate / tableList / tableDrop, with and without a db, both drivers\' forms', () => {
  const h = harness();
  const res = h.atom([60, ['t']]) as { config_changes: Array<{ new_val: Record<string, unknown> }> };
  const config = res.config_changes[0]?.new_val ?? {};
  assert.deepEqual(res, { config_changes: [{ new_val: config, old_val: null }], tables_created: 1 });
  assert.deepEqual(config, {
    db: 'test', durability: 'hard', id: config.id, indexes: [], name: 't', primary_key: 'id',
    shards: [{ nonvoting_replicas: [], primary_replica: SELF.name, replicas: [SELF.name] }],
    write_acks: 'majority', write_hook: null,
  });
  assert.deepEqual(Object.keys(config), Object.keys(config).sort(), 'keys sorted');
  h.atom([57, ['x']]);
  const k = h.atom([60, [[14, ['x']], 'u'], { primary_key: 'k' }]) as { config_changes: Array<{ new_val: { primary_key: string } }> };
  assert.equal(k.config_changes[0]?.new_val.primary_key, 'k');
  assert.deepEqual(h.atom([62, []]), ['t']);
  assert.deepEqual(h.atom([62, [[14, ['test']]]]), ['t'], 'rethinkdb-ts form');
  assert.deepEqual(h.atom([62, []], { db: [14, ['x']] }), ['u'], 'official db optarg');
  assert.deepEqual(h.atom([62, []], { db: 'x' }), ['u'], 'rethinkdb-ts db optarg');
  const dropped = h.atom([61, [[14, ['x']], 'u']]) as { config_changes: Array<{ old_val: unknown }> };
  assert.deepEqual(Object.keys(dropped), ['config_changes', 'tables_dropped']);
  assert.equal((dropped.config_changes[0]!.old_val as { name: string }).name, 'u');
  assert.deepEqual(h.atom([62, [[14, ['x']]]]), []);
});

test('table errors: missing, existing, special db; backtraces point at the TABLE term', () => {
  const h = harness();
  assert.deepEqual(wire(h.fail(T)), { t: 18, e: 4100000, r: 'Table `test.t` does not exist.', b: [] });
  assert.deepEqual(wire(h.fail([43, [[15, ['missing']]]])),
    { t: 18, e: 4100000, r: 'Table `test.missing` does not exist.', b: [0] });
  h.atom([60, ['t']]);
  assert.equal(h.fail([60, ['t']]).message, 'Table `test.t` already exists.');
  assert.equal(h.fail([61, ['zz']]).message, 'Table `test.zz` does not exist.');
  assert.equal(h.fail([60, [[14, ['rethinkdb']], 'x']]).message,
    "Database `rethinkdb` is special; you can't create new tables in it.");
  assert.equal(h.fail(T, { db: 'nope' }).message, 'Database `nope` does not exist.');
  assert.deepEqual(h.stream(T_TS), [], 'an empty table reads as an empty stream');
});

test('indexCreate / indexList / indexWait / indexDrop shapes and errors', () => {
  const h = harness();
  h.atom([60, ['t']]);
  assert.deepEqual(h.atom([75, [T, 'a']]), { created: 1 });
  assert.deepEqual(h.atom([75, [T, 'b', [69, [[2, [1]], [170, [[10, [1]], 'b']]]]], { multi: true }]), { created: 1 });
  assert.deepEqual(h.atom([77, [T]]), ['a', 'b']);
  const waited = h.atom([140, [T]]) as Array<Record<string, unknown>>;
  assert.equal(waited.length, 2);
  const a = waited[0] ?? {};
  assert.deepEqual(Object.keys(a), ['function', 'geo', 'index', 'multi', 'outdated', 'query', 'ready']);
  assert.equal(a.index, 'a');
  assert.equal(a.ready, true);
  assert.equal((a.function as Record<string, unknown>).$reql_type$, 'BINARY');
  assert.equal(waited[1]?.multi, true);
  assert.deepEqual((h.atom([140, [T, 'b']]) as unknown[]).length, 1);
  assert.equal(h.fail([75, [T, 'a']]).message, 'Index `a` already exists on table `test.t`.');
  assert.equal(h.fail([140, [T, 'zz']]).message, 'Index `zz` was not found on table `test.t`.');
  assert.equal(h.fail([75, [T, 'id']]).message, 'Index name conflict: `id` is the name of the primary key.');
  assert.deepEqual(h.atom([76, [T, 'a']]), { dropped: 1 });
  assert.deepEqual(wire(h.fail([76, [T, 'a']])),
    { t: 18, e: 4100000, r: 'Index `a` does not exist on table `test.t`.', b: [] });
  assert.equal(h.fail([75, [[15, [[14, ['rethinkdb']], 'users']], 'a']]).errorType, 4100000);
});

test('config, status, wait, sync', () => {
  const h = harness();
  h.atom([60, ['t']]);
  const config = h.atom([174, [T]]) as Record<string, unknown>;
  assert.equal(config.name, 't');
  assert.equal(config.primary_key, 'id');
  assert.deepEqual(h.atom([174, [[14, ['test']]]]), { id: h.store.getDb('test')?.id, name: 'test' });
  const status = h.atom([175, [T]]) as { status: Record<string, boolean> };
  assert.equal(status.status.all_replicas_ready, true);
  assert.deepEqual(h.atom([177, [T]]), { ready: 1 });
  assert.deepEqual(h.atom([177, [[14, ['test']]]]), { ready: 1 });
  assert.deepEqual(h.atom([138, [T]]), { synced: 1 });
});

test('system tables: server_status and server_config rows from ctx.servers(); users', () => {
  const other = { ...SELF, id: '99999999-2222-4333-8444-555555555555', name: 'repool_two', port: 28016 };
  const h = harness([SELF, other]);
  const rows = h.stream([15, [[14, ['rethinkdb']], 'server_status']]) as Array<Record<string, any>>;
  assert.equal(rows.length, 2);
  const me = rows[0] ?? {};
  assert.deepEqual(Object.keys(me), ['id', 'name', 'network', 'process']);
  assert.equal(me.id, SELF.id);
  assert.equal(me.name, SELF.name);
  const net = me.network;
  assert.deepEqual(net.canonical_addresses, [{ host: '127.0.0.1', port: 28015 }]);
  assert.equal(net.reql_port, 28015);
  assert.equal(net.http_admin_port, '<no http admin>');
  assert.deepEqual(net.connected_to, { repool_two: true });
  assert.equal(typeof net.hostname, 'string');
  assert.deepEqual(net.time_connected, { $reql_type$: 'TIME', epoch_time: 1_700_000_000, timezone: '+00:00' });
  assert.equal(me.process.pid, 4242);
  assert.match(me.process.version, /^rethinkdb 2\.4\.4 \(/);
  assert.ok(Array.isArray(me.process.argv));
  assert.deepEqual(me.process.time_started, net.time_connected);
  assert.deepEqual(h.stream([15, [[14, ['rethinkdb']], 'server_config']]), [
    { cache_size_mb: 'auto', id: SELF.id, name: SELF.name, tags: ['default'] },
    { cache_size_mb: 'auto', id: other.id, name: other.name, tags: ['default'] },
  ]);
  assert.deepEqual(h.stream([15, [[14, ['rethinkdb']], 'users']]), [{ id: 'admin', password: false }]);
  assert.equal((h.atom([16, [[15, [[14, ['rethinkdb']], 'server_status']], other.id]]) as { name: string }).name, 'repool_two');
  assert.ok((h.atom([62, [[14, ['rethinkdb']]]]) as string[]).includes('server_status'));
  assert.equal(h.fail([15, [[14, ['rethinkdb']], 'nope']]).message, 'Table `rethinkdb.nope` does not exist.');
  // Writes to a system table fail row by row, as on the real server.
  const write = h.atom([56, [[15, [[14, ['rethinkdb']], 'server_config']], { id: 1 }]]) as Record<string, unknown>;
  assert.equal(write.errors, 1);
  assert.equal(write.first_error, "It's illegal to write to the `rethinkdb.server_config` table.");
  assert.deepEqual(h.stream([15, [[14, ['rethinkdb']], 'table_config']]), []);
});

test('rethinkdb.users shows the users the context gives', () => {
  const h = harness();
  const ctx = { ...h.ctx, users: () => [{ id: 'admin', password: false }, { id: 'bob', password: true }] };
  const res = runQuery({ term: [15, [[14, ['rethinkdb']], 'users']], optargs: {} }, ctx);
  assert.deepEqual(JSON.parse(JSON.stringify(res)),
    { kind: 'stream', rows: [{ id: 'admin', password: false }, { id: 'bob', password: true }] });
});
