// The only thing the pool knows about a driver. Deadlines on `ping` and `close` are the
// pool's job; a connector just does the operation.

/**
 * Connects a driver to the pool. `C` is the driver's connection, `O` its connect options.
 * Implement it to pool any driver; the pool never parses ReQL itself.
 */
export interface Connector<C, O = unknown> {
  /**
   * Opens one connection with the user's connect options (given unchanged).
   *
   * `signal` aborts when the pool no longer wants the connection (`releasePool()` while the
   * attempt is in flight). A connector should then stop at once: cancel its timers, destroy
   * its socket and reject. One that ignores it still works: the pool stops waiting at the
   * abort, and closes the connection if it opens later; but its socket and timers may then
   * keep the process alive until the driver's own connect timeout.
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

/**
 * Internal hook of the built-in connectors (not part of {@link Connector}): corks the
 * connection's socket until the end of the current tick, so that the queries `run()` sends
 * in one tick leave in one write. Under a symbol, so that no user connector's own method
 * can be mistaken for it.
 */
export const BATCH_WRITES: unique symbol = Symbol('async-repool.batchWrites');

/** A connector as the pool holds it: the public interface plus the built-in hooks. */
export interface DriverAdapter<C, O = unknown> extends Connector<C, O> {
  [BATCH_WRITES]?(conn: C): void;
}

/** Whether a connector can serve discovery. */
export function canDiscover<C, O>(connector: Connector<C, O>): connector is DiscoveryConnector<C, O> {
  return typeof (connector as Partial<DiscoveryConnector<C, O>>).serverStatus === 'function';
}

/** Whether a connector error means wrong credentials (not worth retrying in a loop). */
export function isAuthError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { name?: unknown; type?: unknown };
  return e.name === 'ReqlAuthError';
}
