// The only thing the pool knows about a driver. Deadlines on `ping` and `close` are the
// pool's job; a connector just does the operation.

/**
 * Connects a driver to the pool. `C` is the driver's connection, `O` its connect options.
 * Implement it to pool any driver; the pool never parses ReQL itself.
 */
export interface Connector<C, O = unknown> {
  /** Opens one connection with the user's connect options (given unchanged). */
  connect(options: O): Promise<C>;
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
