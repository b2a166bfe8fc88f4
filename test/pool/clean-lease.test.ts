// A lease gets a clean connection: what a lessee changes on the connection object (its
// default db through conn.use(), its error listener) is put back on release, so it leaks
// neither into the next lease nor into pool.run().
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import type { EventEmitter } from 'node:events';
import { connectOptions, makePool, r, startServer } from './helpers.js';

// @types/rethinkdb lacks tableList() and the connection's EventEmitter methods; the driver has them.
const tableList = () => (r as unknown as { tableList(): r.Operation<string[]> }).tableList();
const emitter = (c: unknown) => c as EventEmitter;

let server: TestServer;
before(async () => {
  server = await startServer();
  const admin = await r.connect({ host: server.host, port: server.port, user: 'bob', password: 'secret' });
  await r.dbCreate('scratch').run(admin);
  await r.db('scratch').tableCreate('only_in_scratch').run(admin);
  await r.db('test').tableCreate('only_in_test').run(admin);
  await admin.close();
});
after(() => server.stop());

it('official: conn.use() by one lessee is undone on release', async () => {
  const pool = makePool(server, { poolSize: 1 });
  await pool.initPool();
  const first = await pool.acquire();
  first.use('scratch');
  assert.deepEqual([...await tableList().run(first)], ['only_in_scratch']);
  emitter(first).removeAllListeners('error'); // a careless lessee
  pool.release(first);
  const second = await pool.acquire();
  assert.equal(second, first, 'the same connection (poolSize 1)');
  assert.deepEqual([...await tableList().run(second)], ['only_in_test'], 'back on its own default db');
  assert.ok(emitter(second).listeners('error').length > 0, 'the pool listens for errors again');
  pool.release(second);
  assert.deepEqual(await pool.run(tableList()), ['only_in_test'], 'run() too');
  await pool.releasePool();
});

it('rethinkdb-ts: conn.use() by one lessee is undone on release', async () => {
  const pool = new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 1 });
  await pool.initPool();
  const first = await pool.acquire();
  first.use('scratch');
  assert.deepEqual(await rts.tableList().run(first), ['only_in_scratch']);
  pool.release(first);
  assert.deepEqual(await pool.run(rts.tableList()), ['only_in_test']);
  await pool.releasePool();
});

it('what onConnect sets up is what a lease gets back', async () => {
  const pool = makePool(server, { poolSize: 1, onConnect: (conn) => conn.use('scratch') });
  const conn = await pool.acquire();
  conn.use('test');
  pool.release(conn);
  assert.deepEqual(await pool.run(tableList()), ['only_in_scratch']);
  await pool.releasePool();
});
