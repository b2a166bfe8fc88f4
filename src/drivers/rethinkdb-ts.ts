// Connector for `rethinkdb-ts` (3.x): the user passes its `r` as the `driver` option.
import type { Connector, DiscoveryConnector } from './connector.js';

/** The part of rethinkdb-ts' connection the pool uses. */
export interface RethinkdbTsConnection {
  readonly open: boolean;
  close(options?: { noreplyWait: boolean }): Promise<void>;
  server(): Promise<unknown>;
  on(event: 'close', listener: (...args: unknown[]) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The part of rethinkdb-ts' `r` the pool uses. */
export interface RethinkdbTsR<C extends RethinkdbTsConnection = RethinkdbTsConnection, O = never> {
  connect(options: O): Promise<C>;
  connectPool(...args: never[]): unknown;
  /** Used by discovery only (`r.db('rethinkdb').table('server_status')`). */
  db?(name: string): { table(name: string): { run(conn: C): Promise<unknown> } };
}

/** A connector around rethinkdb-ts' `r.connect()`. */
export function rethinkdbTsConnector<C extends RethinkdbTsConnection, O>(
  r: RethinkdbTsR<C, O>,
): Connector<C, O> | DiscoveryConnector<C, O> {
  const connector: Connector<C, O> = {
    connect: async (options) => {
      const conn = await r.connect(options);
      // rethinkdb-ts emits `error` only when someone listens; listening keeps it from
      // escalating, and the pool learns of failures through `close` and pings.
      conn.on('error', ignore);
      return conn;
    },
    close: (conn) => conn.close({ noreplyWait: false }),
    isOpen: (conn) => conn.open,
    ping: async (conn) => {
      await conn.server();
    },
    onClose: (conn, listener) => {
      conn.on('close', listener);
    },
  };
  const { db } = r;
  if (typeof db !== 'function') return connector;
  return {
    ...connector,
    serverStatus: async (conn) => {
      const rows = await db.call(r, 'rethinkdb').table('server_status').run(conn);
      return Array.isArray(rows) ? rows : [];
    },
  };
}

function ignore(): void {}
