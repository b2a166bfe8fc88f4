// Connector for the official `rethinkdb` driver (2.4.x). It avoids `r.connect()`: after a
// rejected password that driver leaves its connect timer running, and `timeout` seconds
// later emits an `error` nobody listens to, which ends the process. We build the
// connection from `rethinkdb/net`'s TcpConnection, listen for `error` at once, and clear the
// stray timer ourselves. `reconnect()` is never used (it drops the user and password).
// The socket is watched (socket-watch.ts), a query's frame leaves in one write, and the
// driver's forgetting of a query (`_delQuery`) is observed so that a cursor's pin ends
// exactly when the driver is done with it.
import r, { type Connection, type ConnectionOptions } from 'rethinkdb';
import net from 'rethinkdb/net.js';
import { DRIVER_HOOKS, type DriverHooks, type FeedInfo, type HookedConnector } from './connector.js';
import { startLean } from './rethinkdb-lean.js';
import { corkForTick, watchSocket, type SocketWatch } from './socket-watch.js';

type TcpConnection = InstanceType<typeof net.TcpConnection>;

/** How long `close()` may take before the socket is destroyed. */
const CLOSE_DEADLINE_MS = 2_000;

/** What the connector keeps per connection. */
interface State {
  watch: SocketWatch;
  /** Queries whose end someone waits for, by token. */
  watchers: Map<number, () => void>;
}

const states = new WeakMap<object, State>();

const hooks: DriverHooks<Connection> = {
  batchWrites(conn) {
    const socket = tcp(conn).rawSocket;
    if (socket !== null) corkForTick(socket);
  },
  async identify(conn) {
    const info = await conn.server();
    return { id: String(info.id), name: String(info.name) };
  },
  received: (conn) => states.get(conn)?.watch.received ?? 0,
  session: (conn) => tcp(conn).db,
  restore(conn, session) {
    const c = tcp(conn);
    if (c.db !== session) c.use(session as string | undefined);
    // A lessee's removeAllListeners() would leave socket errors unhandled: put ours back.
    if (!c.listeners('error').includes(ignore)) c.on('error', ignore);
  },
  nextToken: (conn) => tcp(conn).nextToken,
  stopQuery(conn, token) {
    const c = tcp(conn);
    const pending = c.outstandingCallbacks[token];
    if (pending === undefined || !c.open) return;
    if (pending.cursor) {
      pending.cursor.close().catch(ignore);
      return;
    }
    delete c.outstandingCallbacks[token];
    try {
      c._endQuery(token);
    } catch {
      // closed meanwhile: nothing left to stop
    }
  },
  watchQuery(conn, token, onEnd) {
    states.get(conn)?.watchers.set(token, onEnd);
  },
  isConnectionLoss(error) {
    if (!(error instanceof Error)) return false;
    const msg = (error as { msg?: unknown }).msg;
    return (typeof msg === 'string' ? msg : error.message).startsWith('Connection is closed');
  },
  hiddenCursorError: () => undefined,
  swallowsLoss: false,
  socket: (conn) => tcp(conn).rawSocket ?? undefined,
  partialFrame: (conn) => (conn as unknown as { buffer?: Buffer }).buffer?.length ?? 0,
  feed: feedOf,
  // The socket goes now; the driver then fails what was in flight and emits close.
  destroy: (conn) => tcp(conn).rawSocket?.destroy(),
  // run() resolves with a cursor once the first batch came.
  answered: () => undefined,
  start: startLean,
};

/** The term type of CHANGES (proto-def.js). */
const CHANGES = 152;

/** A `changes()` term of this driver: its optargs are datum terms with `.data`. */
function feedOf(query: unknown): FeedInfo | undefined {
  const q = query as { tt?: unknown; optargs?: Record<string, { data?: unknown }>; args?: { changes?: (o: object) => object }[] } | null;
  const source = q?.args?.[0];
  if (q === null || q.tt !== CHANGES || q.optargs === undefined || typeof source?.changes !== 'function') return undefined;
  const optargs = q.optargs;
  const value = (key: string): unknown => optargs[key]?.data;
  return {
    includeInitial: value('include_initial') === true,
    includeStates: value('include_states') === true,
    withStates() {
      const given: Record<string, unknown> = {};
      for (const [key, term] of Object.entries(optargs)) given[camel(key)] = term.data !== undefined ? term.data : term;
      return source.changes!({ ...given, includeStates: true });
    },
  };
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A connector for the official driver; the default when no `driver` option is given. */
export function rethinkdbConnector(): HookedConnector<Connection, ConnectionOptions> {
  return {
    [DRIVER_HOOKS]: hooks,
    connect: (options, signal) => connectTcp(options, signal),
    close: (conn) => closeTcp(tcp(conn)),
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

function tcp(conn: Connection): TcpConnection {
  return conn as unknown as TcpConnection;
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
    const state: State = { watch: { received: 0 }, watchers: new Map() };
    if (conn.rawSocket) state.watch = watchSocket(conn.rawSocket, true);
    states.set(conn, state);
    instrument(conn, state);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Two methods of the connection are wrapped. `_writeQuery`: the driver writes a frame in
 * three `write()` calls (token, length, body); corked around them they are one system call,
 * with the bytes, order and moment of sending unchanged. `_delQuery`: the driver forgets a
 * query when its last answer came; whoever watches that token is told.
 */
function instrument(conn: TcpConnection, state: State): void {
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
  const delQuery = conn._delQuery;
  conn._delQuery = function delQueryWatched(this: TcpConnection, token: number): unknown {
    const result = delQuery.call(this, token);
    const { watchers } = state;
    if (watchers.size > 0) {
      const onEnd = watchers.get(token);
      if (onEnd !== undefined) {
        watchers.delete(token);
        onEnd();
      }
    }
    return result;
  };
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
  if (host.authKey != null && (host.password != null || host.user != null || host.username != null)) {
    throw new TypeError('connect options: use either authKey or user/password, not both');
  }
  if (host.user && host.username) {
    throw new TypeError('connect options: use either user or username, not both');
  }
  if (host.authKey) {
    host.user = 'admin';
    host.password = host.authKey;
  } else if (host.username != null) {
    host.user = host.username;
  }
  return host as ConnectionOptions & { timeout?: number };
}

function ignore(): void {}
