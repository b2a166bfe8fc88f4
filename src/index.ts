// Public exports of `async-repool`.
export { AsyncConnectionPool } from './pool/pool.js';
export type { AcquireOptions, ReleaseOptions, ReleasePoolOptions, PoolOptionsFor } from './pool/pool.js';
export type { PoolOptions, BackoffOptions } from './pool/options.js';
export type { PoolStats } from './pool/stats.js';
export type { PoolEvents, PoolListener, CloseReason, ConnectionEventInfo } from './pool/events.js';
export type { RunnableQuery, CursorQuery, RunResult, PooledCursor } from './pool/multiplex.js';
export {
  PoolError,
  PoolTimeoutError,
  PoolClosedError,
  PoolQueueFullError,
  PoolConnectError,
  PoolAuthError,
  PoolReleaseError,
} from './pool/errors.js';
export type { PoolErrorCode } from './pool/errors.js';
export type { Connector } from './drivers/connector.js';
