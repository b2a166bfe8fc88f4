/**
 * An async connection pool for RethinkDB: exclusive leases, multiplexed queries, cursors and
 * resilient changefeeds, over the official `rethinkdb` driver or `rethinkdb-ts`.
 * @module async-repool
 */
export { AsyncConnectionPool } from './facade/pool.js';
export type { RunOptions } from './facade/pool.js';
export type { AcquireOptions, ReleaseOptions, ReleasePoolOptions, QueryOptions, ChangesOptions } from './core/call-options.js';
export type { Feed, FeedMarker } from './feeds/feed.js';
export type { PoolOptions, PoolDriver, BackoffOptions, ServerAddress } from './core/options.js';
export type { Clock, TimerHandle } from './core/clock.js';
export type { PoolStats, PoolCounts, ServerStats } from './core/stats.js';
export type { PoolEvents, PoolListener, CloseReason, ConnectionEventInfo } from './core/events.js';
export type { RunnableQuery, CursorQuery, RunResult, PooledCursor } from './cluster/query-types.js';
export {
  PoolError,
  PoolTimeoutError,
  PoolClosedError,
  PoolConnectError,
  PoolAuthError,
  PoolUnavailableError,
  PoolConnectionLostError,
} from './core/errors.js';
export { PoolQueryTimeoutError, PoolQueueFullError, PoolReleaseError } from './core/call-errors.js';
export type { PoolErrorCode, ServerReport } from './core/errors.js';
export type { Connector, DiscoveryConnector } from './drivers/connector.js';
export { channels } from './core/diagnostics.js';
export type {
  AcquireMessage, ReleaseMessage, OpenMessage, CloseMessage, ConnectionMessage, QueryContext,
} from './core/diagnostics.js';
