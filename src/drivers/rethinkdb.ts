// Connector for the official `rethinkdb` driver (2.4.x). It avoids `r.connect()`: after a
// rejected password that driver leaves its connect timer running, and `timeout` seconds
// later emits an `error` nobody listens to, which ends the process. We build the
// connection from `rethinkdb/net`'s TcpConnection, listen for `error` at once, and clear the
// stray timer ourselves. `reconnect()` is never used (it drops the user and password).
import r, { type Connection, type ConnectionOptions } from 'rethinkdb';
import net from 'rethinkdb/net.js';
import type { DiscoveryConnector } from './connector.js';

type TcpConnection = InstanceType<typeof net.TcpConnection>;

/** How long `close()` may take before the socket is destroyed. */
const CLOSE_DEADLINE_MS = 2_000;

/** A connector for the official driver; the default when no `driver` option is given. */
export function rethinkdbConnector(): DiscoveryConnector<Connection, ConnectionOptions> {
  return {
    connect: (options) => connectTcp(options),
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

function connectTcp(options: ConnectionOptions): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
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
    globalThis.setTimeout = capture as unknown as typeof setTimeout;
    try {
      conn = new net.TcpConnection(host, (err) => {
        if (err) {
          if (connectTimer !== undefined) clearTimeout(connectTimer);
          // Never call conn.close() here: it nulls the socket, which the stray timer touches.
          conn.rawSocket?.destroy();
          reject(err);
        } else {
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
  });
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
