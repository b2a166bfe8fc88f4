// Connector for `rethinkdb-ts` (3.x): the user passes its `r` as the `driver` option.
// rethinkdb-ts exposes no socket before `connect()` resolves, but it creates it
// synchronously inside `r.connect()`: net.connect/tls.connect are watched for the length of
// that call, so the pool gets the socket at once (to destroy it on abort, to watch it, and
// to refuse a hostile SCRAM iteration count before it is hashed).
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { DRIVER_HOOKS, type Connector, type DriverHooks, type FeedInfo, type HookedConnector } from './connector.js';
import { corkForTick, watchSocket, type SocketWatch } from './socket-watch.js';

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

/** rethinkdb-ts internals read by the hooks (3.0). */
interface Internals {
  db: string;
  use(db: string): void;
  listeners(event: string): unknown[];
  socket: {
    nextToken: number;
    runningQueries: Map<number, unknown>;
    stopQuery(token: number): void;
    socket?: Socket;
  };
}

/** rethinkdb-ts' RethinkDBErrorType.CONNECTION. */
const CONNECTION_ERROR_TYPE = 2;

interface State {
  watch: SocketWatch;
  socket: Socket;
  watchers: Map<number, () => void>;
}

const states = new WeakMap<object, State>();

function internals(conn: unknown): Internals {
  return conn as Internals;
}

const hooks: DriverHooks<RethinkdbTsConnection> = {
  batchWrites(conn) {
    const socket = states.get(conn)?.socket;
    if (socket !== undefined) corkForTick(socket);
  },
  async identify(conn) {
    const info = (await conn.server()) as { id?: unknown; name?: unknown };
    return { id: String(info.id), name: String(info.name) };
  },
  received: (conn) => states.get(conn)?.watch.received ?? 0,
  session: (conn) => internals(conn).db,
  restore(conn, session) {
    const c = internals(conn);
    if (c.db !== session) c.use(session as string);
    if (!c.listeners('error').includes(ignore)) conn.on('error', ignore);
  },
  nextToken: (conn) => internals(conn).socket.nextToken,
  stopQuery(conn, token) {
    if (conn.open) internals(conn).socket.stopQuery(token);
  },
  watchQuery(conn, token, onEnd) {
    states.get(conn)?.watchers.set(token, onEnd);
  },
  isConnectionLoss(error) {
    if (error === null || typeof error !== 'object') return false;
    const { type, code } = error as { type?: unknown; code?: unknown };
    return type === CONNECTION_ERROR_TYPE || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
  },
  hiddenCursorError: (cursor) => (cursor as { lastError?: unknown }).lastError,
  swallowsLoss: true,
  socket: (conn) => states.get(conn)?.socket,
  partialFrame: (conn) => (internals(conn).socket as { buffer?: Buffer }).buffer?.length ?? 0,
  feed: feedOf,
  destroy: (conn) => states.get(conn)?.socket.destroy(),
  // getCursor() resolves before the server answered; init() keeps the first read here.
  answered: (cursor) => (cursor as { resolving?: Promise<unknown> }).resolving,
};

/** The term type of CHANGES. */
const CHANGES = 152;

/**
 * A `changes()` query of rethinkdb-ts: its `term` is plain JSON. The query with
 * includeStates is built from a copy of the term (the driver adds the default db to a term
 * in place), run as rethinkdb-ts' own getCursor does.
 */
function feedOf(query: unknown): FeedInfo | undefined {
  const term = (query as { term?: unknown } | null)?.term;
  if (!Array.isArray(term) || term[0] !== CHANGES) return undefined;
  const optargs = (term[2] ?? {}) as Record<string, unknown>;
  return {
    includeInitial: optargs.include_initial === true,
    includeStates: optargs.include_states === true,
    withStates() {
      const copy: unknown = JSON.parse(JSON.stringify([term[0], term[1], { ...optargs, include_states: true }]));
      return {
        getCursor: async (conn: unknown, options?: object) => {
          const cursor = await (conn as { query(t: unknown, o: object): Promise<{ init(): void } | undefined> }).query(copy, options ?? {});
          cursor?.init();
          return cursor;
        },
      };
    },
  };
}

/** A connector around rethinkdb-ts' `r.connect()`. */
export function rethinkdbTsConnector<C extends RethinkdbTsConnection, O>(
  r: RethinkdbTsR<C, O>,
): Connector<C, O> {
  const connector: HookedConnector<C, O> = {
    [DRIVER_HOOKS]: hooks as DriverHooks<C>,
    connect: (options, signal) => connect(r, options, signal),
    close: (conn) => conn.close({ noreplyWait: false }),
    isOpen: (conn) => conn.open,
    ping: async (conn) => {
      await conn.server();
    },
    onClose: (conn, listener) => {
      conn.on('close', listener);
    },
    serverStatus: async (conn) => {
      if (typeof r.db !== 'function') throw new TypeError('this rethinkdb-ts r has no db(): discovery cannot read server_status');
      const rows = await r.db.call(r, 'rethinkdb').table('server_status').run(conn);
      return Array.isArray(rows) ? rows : [];
    },
  };
  return connector;
}

async function connect<C extends RethinkdbTsConnection, O>(r: RethinkdbTsR<C, O>, options: O, signal?: AbortSignal): Promise<C> {
  signal?.throwIfAborted();
  const { result, sockets } = whileCreatingSockets(() => r.connect(options));
  const socket = sockets[0];
  const watch = socket ? watchSocket(socket, false) : { received: 0 };
  const onAbort = () => {
    for (const s of sockets) s.destroy(new Error('connection attempt cancelled by the pool'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // The driver reports a socket the watch destroyed as a closed connection: say why instead.
    const conn = await result.catch((err: unknown) => {
      throw watch.refused ?? err;
    });
    // rethinkdb-ts emits `error` only when someone listens; listening keeps it from
    // escalating, and the pool learns of failures through `close` and pings.
    conn.on('error', ignore);
    if (socket) {
      const state: State = { watch, socket, watchers: new Map() };
      states.set(conn, state);
      watchQueries(internals(conn).socket.runningQueries, state.watchers);
    }
    return conn;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Runs `fn` and returns the sockets net.connect/tls.connect made meanwhile (synchronously). */
function whileCreatingSockets<T>(fn: () => T): { result: T; sockets: Socket[] } {
  const sockets: Socket[] = [];
  const realNet = net.connect;
  const realTls = tls.connect;
  const spy = <F extends (...args: never[]) => Socket>(real: F): F =>
    function (this: unknown, ...args: Parameters<F>): Socket {
      const socket = real.apply(this, args);
      sockets.push(socket);
      return socket;
    } as F;
  net.connect = spy(realNet);
  tls.connect = spy(realTls);
  try {
    return { result: fn(), sockets };
  } finally {
    net.connect = realNet;
    tls.connect = realTls;
  }
}

/** Tells the watcher of a token when rethinkdb-ts forgets the query (its last answer was read). */
function watchQueries(running: Map<number, unknown>, watchers: Map<number, () => void>): void {
  const forget = running.delete.bind(running);
  running.delete = (token: number): boolean => {
    const had = forget(token);
    if (watchers.size > 0) {
      const onEnd = watchers.get(token);
      if (onEnd !== undefined) {
        watchers.delete(token);
        onEnd();
      }
    }
    return had;
  };
}

function ignore(): void {}
