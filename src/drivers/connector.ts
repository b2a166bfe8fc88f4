// The only thing the pool knows about a driver. Deadlines on every call are the pool's job;
// a connector just does the operation. The built-in connectors add hooks under a symbol
// (DRIVER_HOOKS) that no user connector can collide with; driver.ts fills in what a
// connector lacks.

/**
 * Connects a driver to the pool. `C` is the driver's connection, `O` its connect options.
 * Implement it to pool any driver; the pool never builds or parses ReQL itself.
 */
export interface Connector<C, O = unknown> {
  /**
   * Opens one connection with the user's connect options (given unchanged).
   *
   * `signal` aborts when the pool no longer wants the connection (its `connectTimeoutMs`
   * passed, or `releasePool()`). A connector should then stop at once: destroy its socket
   * and reject. One that ignores it still works: the pool stops waiting at the abort and
   * closes the connection if it opens later.
   */
  connect(options: O, signal?: AbortSignal): Promise<C>;
  /** Closes a connection; must not wait for the server to agree. */
  close(conn: C): Promise<void>;
  /** Whether the driver still considers the connection open. */
  isOpen(conn: C): boolean;
  /** One cheap round trip (RethinkDB: SERVER_INFO); rejects if the connection is broken. */
  ping(conn: C): Promise<void>;
  /** Calls `listener` when the connection closes (may be called more than once). */
  onClose(conn: C, listener: () => void): void;
}

/**
 * A connector that can also read the cluster's `rethinkdb.server_status` rows, which
 * `discovery: true` needs. The connectors for the official driver and rethinkdb-ts have it;
 * a custom {@link Connector} may add this optional sixth method to support discovery.
 */
export interface DiscoveryConnector<C, O = unknown> extends Connector<C, O> {
  /** The rows of `r.db('rethinkdb').table('server_status')`, read on `conn`. */
  serverStatus(conn: C): Promise<unknown[]>;
}

/** A server's identity, as SERVER_INFO answers it. */
export interface ServerIdentity {
  readonly id: string;
  readonly name: string;
}

/** The socket-level facts the pool needs (both drivers run over a net.Socket). */
export interface SocketLike {
  setKeepAlive(enable: boolean, initialDelay?: number): unknown;
  ref(): unknown;
  unref(): unknown;
}

/** What a driver can tell of a changefeed query (`changes()`), for the pool's feeds. */
export interface FeedInfo {
  readonly includeInitial: boolean;
  readonly includeStates: boolean;
  /** The same query with `includeStates: true` (a new query; the user's is not changed). */
  withStates(): object;
}

/** What the built-in connectors add to the {@link Connector} interface (internal). */
export interface DriverHooks<C> {
  /** Corks the socket until the end of the tick: the queries of one tick leave in one write. */
  batchWrites(conn: C): void;
  /** The server's id and name (SERVER_INFO). */
  identify(conn: C): Promise<ServerIdentity>;
  /** Reads from the socket so far: a heartbeat sees whether anything arrived. */
  received(conn: C): number;
  /** What a lessee may change on the connection object (its default db), to restore on release. */
  session(conn: C): unknown;
  /** Puts back a session taken by `session()`, and the pool's own listeners if a lessee removed them. */
  restore(conn: C, session: unknown): void;
  /** The token the next query sent on `conn` gets. */
  nextToken(conn: C): number;
  /** Sends STOP for a query in flight and forgets its answer. */
  stopQuery(conn: C, token: number): void;
  /** Calls `onEnd` once the driver considers the query of `token` finished (final answer, STOP, error). */
  watchQuery(conn: C, token: number, onEnd: () => void): void;
  /** Whether a query's error says that its connection closed (not that the query failed). */
  isConnectionLoss(error: unknown): boolean;
  /** An error a cursor swallowed (rethinkdb-ts ends a cursor as exhausted when its connection dies). */
  hiddenCursorError(cursor: object): unknown;
  /**
   * Whether the driver can end a query as complete when its connection dies (rethinkdb-ts:
   * `run()` resolves the rows read so far): the pool then watches for the query's last answer.
   */
  readonly swallowsLoss: boolean;
  /** The socket under a connection. */
  socket(conn: C): SocketLike | undefined;
  /** Bytes of an incomplete frame the driver holds (a server writes frames whole: a stuck part is a fault). */
  partialFrame(conn: C): number;
  /** Closes a connection the pool knows is broken at once, without a goodbye the peer may never answer. */
  destroy(conn: C): void;
  /** The optargs of a `changes()` query, if `query` is one this driver built. */
  feed(query: unknown): FeedInfo | undefined;
  /**
   * Settles when the server has answered a cursor's first batch (rethinkdb-ts hands a cursor
   * out before that: a feed is live on the server only once it has).
   */
  answered(cursor: object): Promise<unknown> | undefined;
  /**
   * Starts a multiplexed query as `query.run(conn, options)` would and resolves as it would,
   * without the driver's per-query machinery; undefined: not a query it can start (run it).
   */
  start?(conn: C, query: unknown, options: object | undefined): Promise<unknown> | undefined;
}

/** Where a built-in connector keeps its hooks. */
export const DRIVER_HOOKS: unique symbol = Symbol('async-repool.driverHooks');

/** A connector with the built-in hooks (the official driver's and rethinkdb-ts'). */
export interface HookedConnector<C, O> extends DiscoveryConnector<C, O> {
  readonly [DRIVER_HOOKS]: DriverHooks<C>;
}

/** Whether a connector can serve discovery. */
export function canDiscover<C, O>(connector: Connector<C, O>): connector is DiscoveryConnector<C, O> {
  return typeof (connector as Partial<DiscoveryConnector<C, O>>).serverStatus === 'function';
}

/** Whether a connector error means wrong credentials (not worth retrying in a loop). */
export function isAuthError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  return (error as { name?: unknown }).name === 'ReqlAuthError';
}
