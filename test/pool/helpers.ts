// Shared helpers of the pool tests (not a test file).
import r from 'rethinkdb';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool, type Connector, type PoolEvents, type PoolOptions } from '../../src/index.js';
import { rethinkdbConnector } from '../../src/drivers/rethinkdb.js';

export { r };
export type Conn = r.Connection;

export function startServer(): Promise<TestServer> {
  return startTestServer({ port: 0, users: { admin: '', bob: 'secret' } });
}

export function connectOptions(server: { host: string; port: number }, extra: object = {}) {
  return { host: server.host, port: server.port, user: 'bob', password: 'secret', ...extra };
}

/** A pool on the official driver with test-friendly options. */
export function makePool(server: { host: string; port: number }, options: PoolOptions<Conn> = {}) {
  return new AsyncConnectionPool(connectOptions(server), options);
}

/** Resolves when `pool` emits `event` and `match` accepts the payload. */
export function nextEvent<K extends keyof PoolEvents>(
  pool: AsyncConnectionPool<any>, event: K, match: (p: PoolEvents[K]) => boolean = () => true,
): Promise<PoolEvents[K]> {
  return new Promise((resolve) => {
    const listener = (p: PoolEvents[K]) => {
      if (!match(p)) return;
      pool.off(event, listener);
      resolve(p);
    };
    pool.on(event, listener);
  });
}

/** Polls `check` until it is true (or fails after `ms`). */
export async function waitFor(check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The official connector with counters and switches, for tests that watch driver calls. */
export function spyConnector() {
  const base = rethinkdbConnector();
  const spy = {
    connects: 0,
    pings: 0,
    closes: 0,
    failPing: false,
    options: [] as unknown[],
    connector: undefined as unknown as Connector<Conn, r.ConnectionOptions>,
  };
  spy.connector = {
    connect: (o) => {
      spy.connects++;
      spy.options.push(o);
      return base.connect(o);
    },
    close: (c) => {
      spy.closes++;
      return base.close(c);
    },
    isOpen: (c) => base.isOpen(c),
    ping: (c) => {
      spy.pings++;
      return spy.failPing ? Promise.reject(new Error('ping failed (test)')) : base.ping(c);
    },
    onClose: (c, l) => base.onClose(c, l),
  };
  return spy;
}

/** A port with nothing listening on it. */
export async function deadPort(): Promise<number> {
  const s = await startTestServer({ port: 0 });
  const { port } = s;
  await s.stop();
  return port;
}
