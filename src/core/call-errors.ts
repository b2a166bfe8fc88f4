// Errors about one call: a query past its deadline, a full queue, a bad release.
import { PoolError } from './errors.js';

/**
 * A `run()`, `cursor()` or `changes()` call passed its `timeoutMs` (or the pool's
 * `queryTimeoutMs`). The pool sent STOP for the query where the driver allows it; a result
 * that still arrives is dropped. Code `REPOOL_QUERY_TIMEOUT`.
 */
export class PoolQueryTimeoutError extends PoolError {
  /** The deadline that passed. */
  readonly timeoutMs: number;
  /** `host:port` of the connection the query was sent on ('' if it was still waiting for one). */
  readonly server: string;
  constructor(what: string, timeoutMs: number, server: string) {
    super(
      'REPOOL_QUERY_TIMEOUT',
      `${what} did not finish within ${timeoutMs} ms${server ? ` on ${server}` : ' (it was still waiting for a connection)'}` +
        '; raise its timeoutMs (or queryTimeoutMs) for slow queries, or check the server',
    );
    this.timeoutMs = timeoutMs;
    this.server = server;
  }
}

/** `maxWaiters` calls are already waiting for a connection; this one is rejected at once. Code `REPOOL_QUEUE_FULL`. */
export class PoolQueueFullError extends PoolError {
  constructor(maxWaiters: number) {
    super(
      'REPOOL_QUEUE_FULL',
      `rejected: ${maxWaiters} calls are already waiting for a connection (maxWaiters); ` +
        'raise maxWaiters or poolSize, or release connections sooner',
    );
  }
}

/**
 * `release()` was called with a connection the pool does not lease out right now: released
 * twice, from another pool, or after `releasePool()`. Code `REPOOL_RELEASE`.
 */
export class PoolReleaseError extends PoolError {
  constructor(message: string) {
    super('REPOOL_RELEASE', message);
  }
}
