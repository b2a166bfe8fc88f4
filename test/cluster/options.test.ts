// The cluster options are validated at construction: TypeError naming the option.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool, type Connector } from '../../src/index.js';
import { startTestCluster } from '../../src/testing/index.js';
import { rethinkdbConnector } from '../../src/drivers/rethinkdb.js';
import type { Conn } from './helpers.js';

const make = (options: unknown) => () => new AsyncConnectionPool({ host: '127.0.0.1', port: 1 }, options as never);
const throwsNaming = (options: unknown, name: string | RegExp) =>
  assert.throws(make(options), (e: unknown) => e instanceof TypeError &&
    (typeof name === 'string' ? e.message.includes(name) : name.test(e.message)), JSON.stringify(options));

it('servers must be a non-empty array of { host, port }', () => {
  throwsNaming({ servers: [] }, 'servers must be a non-empty array');
  throwsNaming({ servers: 'a:1' }, 'servers must be');
  throwsNaming({ servers: [null] }, 'servers[0] must be an object');
  throwsNaming({ servers: [{ port: 1 }] }, 'servers[0].host');
  throwsNaming({ servers: [{ host: '', port: 1 }] }, 'servers[0].host');
  throwsNaming({ servers: [{ host: 7, port: 1 }] }, 'servers[0].host');
  throwsNaming({ servers: [{ host: 'a' }] }, 'servers[0].port');
  for (const port of [0, 65_536, 1.5, '28015', -1, NaN]) {
    throwsNaming({ servers: [{ host: 'a', port: 1 }, { host: 'b', port }] }, 'servers[1].port');
  }
  throwsNaming({ servers: [{ host: 'a', port: 1, hots: 'x' }] }, /unknown server key servers\[0\]\.hots; did you mean servers\[0\]\.host\?/);
  throwsNaming({ servers: [{ host: 'a', port: 1 }, { host: 'a', port: 1 }] }, 'servers[1] repeats a:1');
});

it('discovery and discoveryIntervalMs are validated; unknown keys get a did-you-mean', () => {
  for (const v of ['yes', 1, null]) throwsNaming({ discovery: v }, 'discovery must be a boolean');
  for (const v of [0, 5, 1.5, 'x', -1, 2 ** 31]) throwsNaming({ discoveryIntervalMs: v }, 'discoveryIntervalMs');
  throwsNaming({ discoveryInterval: 100 }, /unknown pool option discoveryInterval; did you mean discoveryIntervalMs\?/);
  throwsNaming({ server: [] }, /did you mean servers\?/);
  assert.doesNotThrow(make({ servers: [{ host: 'a', port: 1 }], discovery: true, discoveryIntervalMs: 10 }));
});

it('discovery with a custom connector needs its optional serverStatus()', async () => {
  const base = rethinkdbConnector();
  const plain: Connector<Conn, unknown> = {
    connect: (o) => base.connect(o as never), close: (c) => base.close(c), isOpen: (c) => base.isOpen(c),
    ping: (c) => base.ping(c), onClose: (c, l) => base.onClose(c, l),
  };
  throwsNaming({ driver: plain, discovery: true }, /discovery: true needs a connector .*serverStatus\(conn\)/);
  assert.doesNotThrow(make({ driver: plain }));
  const cluster = await startTestCluster({ nodes: 2 });
  const statusCalls: number[] = [];
  const withStatus = { ...plain, serverStatus: (c: Conn) => { statusCalls.push(1); return base.serverStatus(c); } };
  const seed = cluster.nodes[0]!;
  const pool = new AsyncConnectionPool<Conn>({ host: seed.host, port: seed.port }, { driver: withStatus, discovery: true });
  await pool.initPool();
  assert.ok(statusCalls.length >= 1);
  assert.equal(pool.stats().servers.length, 2);
  await pool.releasePool();
  await cluster.stop();
});

it('each sub-pool connects with the user\'s options and its own host and port', async () => {
  const cluster = await startTestCluster({ nodes: 2 });
  const base = rethinkdbConnector();
  const seen: unknown[] = [];
  const spy: Connector<Conn, unknown> = {
    connect: (o) => { seen.push(o); return base.connect(o as never); },
    close: (c) => base.close(c), isOpen: (c) => base.isOpen(c), ping: (c) => base.ping(c), onClose: (c, l) => base.onClose(c, l),
  };
  const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
  const pool = new AsyncConnectionPool<Conn>({ host: 'ignored', port: 9, user: 'admin', password: '', db: 'test' }, {
    driver: spy, poolSize: 1, servers: [{ host: a.host, port: a.port }, { host: b.host, port: b.port }],
  });
  await pool.initPool();
  assert.deepEqual(seen, [
    { host: a.host, port: a.port, user: 'admin', password: '', db: 'test' },
    { host: b.host, port: b.port, user: 'admin', password: '', db: 'test' },
  ]);
  await pool.releasePool();
  await cluster.stop();
});
