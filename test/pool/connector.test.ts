// Any driver through the Connector interface; the driver option is resolved or refused.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { r as rts } from 'rethinkdb-ts';
import r from 'rethinkdb';
import { AsyncConnectionPool, type Connector } from '../../src/index.js';
import { resolveConnector } from '../../src/drivers/resolve.js';

class MemConn extends EventEmitter {
  open = true;
  constructor(readonly options: object) {
    super();
  }
}

function memConnector() {
  const calls: string[] = [];
  const connector: Connector<MemConn, object> = {
    connect: async (o) => {
      calls.push('connect');
      return new MemConn(o);
    },
    close: async (c) => {
      calls.push('close');
      c.open = false;
      c.emit('close');
    },
    isOpen: (c) => c.open,
    ping: async () => void calls.push('ping'),
    onClose: (c, l) => void c.on('close', l),
  };
  return { connector, calls };
}

it('pools any driver through a custom Connector, with connect options unchanged', async () => {
  const { connector, calls } = memConnector();
  const connectOptions = { anything: 'goes', nested: { a: 1 } };
  const pool = new AsyncConnectionPool(connectOptions, { driver: connector, poolSize: 2, validateAfterIdleMs: 0 });
  await pool.initPool();
  const conn = await pool.acquire();
  assert.ok(conn instanceof MemConn);
  assert.equal(conn.options, connectOptions, 'the same object reaches connect()');
  pool.release(conn);
  conn.open = false;
  conn.emit('close'); // the driver reports a closed socket: removed at once
  assert.equal(pool.stats().idle, 1);
  await pool.releasePool();
  assert.equal(calls.filter((c) => c === 'connect').length, 3);
  assert.ok(calls.includes('close'));
});

it('resolves the driver option', () => {
  assert.equal(typeof resolveConnector(undefined).connect, 'function');
  assert.equal(typeof resolveConnector(r).ping, 'function');
  const ts = resolveConnector(rts);
  assert.notEqual(ts, rts);
  const { connector } = memConnector();
  assert.equal(resolveConnector(connector), connector);
  assert.throws(() => resolveConnector({ connect() {} }), /lacks close, isOpen, ping, onClose/);
  assert.throws(() => resolveConnector(42), TypeError);
});
