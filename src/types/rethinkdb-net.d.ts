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
    rawSocket: Socket | null;
    close(options?: { noreplyWait: boolean }): Promise<void>;
    server(): Promise<unknown>;
    /** Writes one query frame: token, length and body, in three socket writes. */
    _writeQuery(token: number, data: string): unknown;
  }
  const net: { TcpConnection: typeof TcpConnection; DEFAULT_HOST: string; DEFAULT_PORT: number };
  export default net;
}
