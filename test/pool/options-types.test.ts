// The connection type of a pool follows its `driver` option, and an exported PoolOptions value
// is accepted as is (these are compile-time checks: `npm run typecheck` fails if one breaks).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { AsyncConnectionPool, type Connector, type PoolOptions } from '../../src/index.js';

class MemConnection {
  open = true;
  readonly memOnly = 1;
}
const connector: Connector<MemConnection, { label: string }> = {
  connect: async () => new MemConnection(),
  close: async () => {},
  isOpen: (c) => c.open,
  ping: async () => {},
  onClose: () => {},
};

/** Compiles only if `T` is exactly `U`. */
function sameType<T, U>(_proof: [T] extends [U] ? ([U] extends [T] ? true : false) : false): void {}
type ConnOf<P> = P extends AsyncConnectionPool<infer C> ? C : never;

it('infers the connection type from the driver option', async () => {
  const official = new AsyncConnectionPool({ host: '127.0.0.1', port: 1 });
  const officialR = new AsyncConnectionPool({}, { driver: r, poolSize: 1 });
  const ts = new AsyncConnectionPool({}, { driver: rts });
  const custom = new AsyncConnectionPool({ label: 'mem' }, { driver: connector });
  sameType<ConnOf<typeof official>, r.Connection>(true);
  sameType<ConnOf<typeof officialR>, r.Connection>(true);
  sameType<ConnOf<typeof ts>, TsConnection>(true);
  sameType<ConnOf<typeof custom>, MemConnection>(true);
  // An exported PoolOptions value (default: the official driver's connection) is accepted.
  const options: PoolOptions = { poolSize: 2, backoff: { baseMs: 10 } };
  const typed = new AsyncConnectionPool({}, options);
  sameType<ConnOf<typeof typed>, r.Connection>(true);
  const memOptions: PoolOptions<MemConnection> = { driver: connector };
  sameType<ConnOf<AsyncConnectionPool<MemConnection>>, ConnOf<typeof custom>>(true);
  void new AsyncConnectionPool({}, memOptions);
  // @ts-expect-error a driver must be a Connector or have connect()
  assert.throws(() => new AsyncConnectionPool({}, { driver: 42 }), TypeError);
  await Promise.all([official, officialR, ts, custom, typed].map((p) => p.releasePool()));
});
