// The official driver's connection module (CommonJS, untyped): the part the pool uses to
// build connections without the driver's `connect()` (see src/drivers/rethinkdb.ts).
declare module 'rethinkdb/net.js' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  interface TcpConnectionOptions {
    host?: string;
    port?: number;
    db?: string;
    user?: string;
    password?: string;
    timeout?: number;
    ssl?: unknown;
  }
  class TcpConnection extends EventEmitter {
    constructor(options: TcpConnectionOptions, callback: (err: Error | null, conn?: TcpConnection) => void);
    open: boolean;
    db: string | undefined;
    rawSocket: Socket | null;
    /** The token the next query gets. */
    nextToken: number;
    /** The queries waiting for an answer, by token. */
    outstandingCallbacks: Record<number, { cursor?: { close(): Promise<void> } } | undefined>;
    close(options?: { noreplyWait: boolean }): Promise<void>;
    server(): Promise<{ id: string; name: string; proxy: boolean }>;
    use(db: string | undefined): void;
    /** Writes one query frame: token, length and body, in three socket writes. */
    _writeQuery(token: number, data: string): unknown;
    /** Forgets a query (its last answer came). */
    _delQuery(token: number): unknown;
    /** Sends STOP for a query. */
    _endQuery(token: number): unknown;
  }
  const net: { TcpConnection: typeof TcpConnection; DEFAULT_HOST: string; DEFAULT_PORT: number };
  export default net;
}

// The official driver's helpers (CommonJS, untyped): the lean path builds optargs with them.
declare module 'rethinkdb/util.js' {
  const util: {
    /** `readMode` -> `read_mode`, as the driver names a run option on the wire. */
    fromCamelCase(key: string): string;
  };
  export default util;
}
