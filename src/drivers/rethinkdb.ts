// Connector for the official `rethinkdb` driver (2.4.x). It avoids `r.connect()`: after a
// rejected password that driver leaves its connect timer running, and `timeout` seconds
// later emits an `error` nobody listens to, which ends the process. We build the
// connection from `rethinkdb/net`'s TcpConnection, listen for `error` at once, and clear the
// stray timer ourselves. `reconnect()` is never used (it drops the user and password).
// On top of the driver: a connect aborts on the pool's signal, an exception the driver
// throws from its socket handler breaks the connection instead of the process, and a
// query's frame leaves in one write (several, with run()'s per-tick batching).
import r, { type Connection, type ConnectionOptions } from 'rethinkdb';
import net from 'rethinkdb/net.js';
import type { Socket } from 'node:net';
import { BATCH_WRITES, type DiscoveryConnector, type DriverAdapter } from './connector.js';

type TcpConnection = InstanceType<typeof net.TcpConnection>;

/** How long `close()` may take before the socket is destroyed. */
const CLOSE_DEADLINE_MS = 2_000;

/** A connector for the official driver; the default when no `driver` option is given. */
export function rethinkdbConnector(): DiscoveryConnector<Connection, ConnectionOptions> & DriverAdapter<Connection, ConnectionOptions> {
  return {
    [BATCH_WRITES]: (conn) => batchWrites(conn as unknown as TcpConnection),
    connect: (options, signal) => connectTcp(options, signal),
    close: (conn) => closeTcp(conn as unknown as TcpConnection),
    isOpen: (conn) => conn.open === true,
    ping: async (conn) => {
      await conn.server();
    },
    onClose: (conn, listener) => {
      conn.on('close', listener);
    },
    serverStatus: async (conn) => {
      const cursor = await r.db('rethinkdb').table('server_status').run(conn);
      return cursor.toArray();
    },
  };
}

function connectTcp(options: ConnectionOptions, signal?: AbortSignal): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const host = normalize(options);
    const connectDelayMs = (host.timeout || 20) * 1000;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const realSetTimeout = globalThis.setTimeout;
    // The driver starts exactly one timer, synchronously, in its constructor: capture it so a
    // failed handshake can clear it (the driver itself never does).
    const capture = function (this: unknown, ...args: Parameters<typeof setTimeout>) {
      const timer = (realSetTimeout as (...a: unknown[]) => ReturnType<typeof setTimeout>).apply(this, args);
      if (connectTimer === undefined && args[1] === connectDelayMs) connectTimer = timer;
      return timer;
    };
    let conn: TcpConnection;
    let settled = false;
    // Never call conn.close() on failure: it nulls the socket, which the stray timer touches.
    const fail = (err: unknown) => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (connectTimer !== undefined) clearTimeout(connectTimer);
      conn?.rawSocket?.destroy();
      reject(err);
    };
    const onAbort = () => {
      if (!settled) fail(signal!.reason);
    };
    globalThis.setTimeout = capture as unknown as typeof setTimeout;
    try {
      conn = new net.TcpConnection(host, (err) => {
        if (settled) return;
        if (err) {
          fail(err);
        } else {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(conn as unknown as Connection);
        }
      });
    } catch (err) {
      reject(err);
      return;
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    // Before anything else: every later socket error lands here, never as an uncaught error.
    conn.on('error', ignore);
    if (conn.rawSocket) guardSocket(conn.rawSocket);
    writeFramesWhole(conn);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The driver parses replies inside the socket's `data` listener and throws from it on
 * garbage (bad JSON, an error reply without `b`, `r: []`, `null`, t1 without `r`, t3
 * without `n`): an uncaught exception that would end the process, leaving the bad frame in
 * its buffer so the connection looks open but never answers again. Here such an exception
 * destroys the socket instead: the driver then fails the pending queries ("Connection is
 * closed") and emits `close`, and the pool drops the connection as broken. During the
 * handshake, the connect fails with that error.
 */
function guardSocket(socket: Socket): void {
  const emit = socket.emit as (this: Socket, event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = function guardedEmit(this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data') return emit.call(this, event, ...args);
    try {
      return emit.call(this, event, ...args);
    } catch (err) {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
  } as typeof socket.emit;
}

/**
 * Makes the driver's three writes of one query frame (token, length, body) one system call,
 * for every query on the connection, leased ones included: the socket is corked around the
 * driver's own synchronous frame write and uncorked right after it, so the bytes, their order
 * and the moment they leave are what the driver does alone.
 */
function writeFramesWhole(conn: TcpConnection): void {
  const writeQuery = conn._writeQuery;
  conn._writeQuery = function writeQueryCorked(this: TcpConnection, token: number, data: string): unknown {
    const socket = this.rawSocket;
    if (socket === null) return writeQuery.call(this, token, data);
    socket.cork();
    try {
      return writeQuery.call(this, token, data);
    } finally {
      socket.uncork();
    }
  };
}

/** Sockets corked by batchWrites() until the end of the current tick. */
const corked = new Set<Socket>();

/**
 * The driver writes each query in three `socket.write()` calls (token, length, body), and
 * each becomes a system call: under load that is a quarter of the CPU. Corking the socket
 * until the end of the tick sends every query `run()` issues in this tick in one write. The
 * uncork always comes (process.nextTick), before any I/O, so nothing waits longer.
 */
function batchWrites(conn: TcpConnection): void {
  const socket = conn.rawSocket;
  if (socket === null || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(uncork, socket);
}

function uncork(socket: Socket): void {
  corked.delete(socket);
  socket.uncork();
}

async function closeTcp(conn: TcpConnection): Promise<void> {
  if (!conn.rawSocket) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      conn.close({ noreplyWait: false }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_DEADLINE_MS);
        timer.unref();
      }),
    ]);
  } catch {
    // A close that fails still ends with the socket destroyed below.
  } finally {
    clearTimeout(timer);
    conn.rawSocket?.destroy();
  }
}

/** What the driver's own `connect()` does to its options before the constructor. */
function normalize(options: ConnectionOptions): ConnectionOptions & { timeout?: number } {
  const host: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  if (host['authKey'] != null && (host['password'] != null || host['user'] != null || host['username'] != null)) {
    throw new TypeError('connect options: use either authKey or user/password, not both');
  }
  if (host['user'] && host['username']) {
    throw new TypeError('connect options: use either user or username, not both');
  }
  if (host['authKey']) {
    host['user'] = 'admin';
    host['password'] = host['authKey'];
  } else if (host['username'] != null) {
    host['user'] = host['username'];
  }
  return host as ConnectionOptions & { timeout?: number };
}

function ignore(): void {}
