// A connector as the pool holds it: every hook present. A user connector without the
// built-in hooks gets neutral ones (no STOP, no identity, pins ended by the cursor wrapper).
import { DRIVER_HOOKS, type Connector, type DiscoveryConnector, type FeedInfo, type HookedConnector, type ServerIdentity, type SocketLike } from './connector.js';

/** The driver as the pool uses it (see DriverHooks in connector.ts for each member). */
export interface Driver<C> {
  readonly connector: Connector<C, unknown>;
  /** Whether the hooks are the built-in ones (STOP, query watching and identity work). */
  readonly native: boolean;
  connect(options: unknown, signal?: AbortSignal): Promise<C>;
  close(conn: C): Promise<void>;
  isOpen(conn: C): boolean;
  ping(conn: C): Promise<void>;
  onClose(conn: C, listener: () => void): void;
  serverStatus: ((conn: C) => Promise<unknown[]>) | undefined;
  batchWrites(conn: C): void;
  identify: ((conn: C) => Promise<ServerIdentity>) | undefined;
  received: ((conn: C) => number) | undefined;
  session(conn: C): unknown;
  /** Undefined when the connector keeps no session (nothing to restore after a lease). */
  restore: ((conn: C, session: unknown) => void) | undefined;
  nextToken: ((conn: C) => number) | undefined;
  stopQuery(conn: C, token: number): void;
  watchQuery: ((conn: C, token: number, onEnd: () => void) => void) | undefined;
  isConnectionLoss(error: unknown): boolean;
  hiddenCursorError(cursor: object): unknown;
  readonly swallowsLoss: boolean;
  socket(conn: C): SocketLike | undefined;
  partialFrame(conn: C): number;
  feed(query: unknown): FeedInfo | undefined;
  /** Closes a broken connection at once (the built-in drivers); undefined: close() it. */
  destroy: ((conn: C) => void) | undefined;
  answered(cursor: object): Promise<unknown> | undefined;
  /** Starts a multiplexed query without the driver's run() when it can (DriverHooks.start). */
  start: ((conn: C, query: unknown, options: object | undefined) => Promise<unknown> | undefined) | undefined;
}

function noop(): void {}

/** The pool's view of `connector`. */
export function toDriver<C>(connector: Connector<C, unknown>): Driver<C> {
  const hooks = (connector as Partial<HookedConnector<C, unknown>>)[DRIVER_HOOKS];
  const status = (connector as Partial<DiscoveryConnector<C, unknown>>).serverStatus;
  return {
    connector,
    native: hooks !== undefined,
    connect: (options, signal) => connector.connect(options, signal),
    close: (conn) => connector.close(conn),
    isOpen: (conn) => connector.isOpen(conn),
    ping: (conn) => connector.ping(conn),
    onClose: (conn, listener) => connector.onClose(conn, listener),
    serverStatus: typeof status === 'function' ? (conn) => status.call(connector, conn) : undefined,
    batchWrites: hooks ? hooks.batchWrites : noop,
    identify: hooks?.identify,
    received: hooks?.received,
    session: hooks ? hooks.session : noop,
    restore: hooks ? hooks.restore : undefined,
    nextToken: hooks?.nextToken,
    stopQuery: hooks ? hooks.stopQuery : noop,
    watchQuery: hooks?.watchQuery,
    // A custom driver's errors cannot be told apart: the pool decides from the connection.
    isConnectionLoss: hooks ? hooks.isConnectionLoss : () => true,
    hiddenCursorError: hooks ? hooks.hiddenCursorError : () => undefined,
    swallowsLoss: hooks?.swallowsLoss ?? false,
    socket: hooks ? hooks.socket : () => undefined,
    partialFrame: hooks ? hooks.partialFrame : () => 0,
    feed: hooks ? hooks.feed : () => undefined,
    destroy: hooks?.destroy,
    answered: hooks ? hooks.answered : () => undefined,
    start: hooks?.start,
  };
}
