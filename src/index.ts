// Public exports of `async-repool`.
export { AsyncConnectionPool } from './pool/pool.js';
export type { AcquireOptions, ReleaseOptions, ReleasePoolOptions, PoolOptionsFor } from './pool/call-options.js';
export type { PoolOptions, PoolDriver, BackoffOptions, ServerAddress } from './pool/options.js';
export type { PoolStats, PoolCounts, ServerStats } from './pool/stats.js';
export type { PoolEvents, PoolListener, CloseReason, ConnectionEventInfo } from './pool/events.js';
export type { RunnableQuery, CursorQuery, RunResult, PooledCursor } from './pool/multiplex.js';
export {
  PoolError,
  PoolTimeoutError,
  PoolQueryTimeoutError,
  PoolClosedError,
  PoolQueueFullError,
  PoolConnectError,
  PoolAuthError,
  PoolUnavailableError,
  PoolReleaseError,
} from './pool/errors.js';
export type { PoolErrorCode, ServerReport } from './pool/errors.js';
export type { Connector, DiscoveryConnector } from './drivers/connector.js';
export { channels } from './pool/diagnostics.js';
export type {
  AcquireMessage, ReleaseMessage, OpenMessage, CloseMessage, ConnectionMessage, QueryContext,
} from './pool/diagnostics.js';
