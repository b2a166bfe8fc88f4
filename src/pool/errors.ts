// Every error the pool raises: one base class with a stable `code` to branch on, and one
// subclass per failure. Messages say what to change. They never contain connect options.
import type { PoolStats } from './stats.js';

/** Stable codes of the pool's errors. */
export type PoolErrorCode =
  | 'REPOOL_TIMEOUT'
  | 'REPOOL_CLOSED'
  | 'REPOOL_QUEUE_FULL'
  | 'REPOOL_CONNECT'
  | 'REPOOL_AUTH'
  | 'REPOOL_RELEASE';

/** Base class of every error the pool raises; branch on `code`, not on the message. */
export class PoolError extends Error {
  readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** `acquire()` did not get a connection before its deadline. */
export class PoolTimeoutError extends PoolError {
  /** The pool's counts when the deadline passed. */
  readonly stats: PoolStats;
  /** The last failed connection attempt, if the pool could not open connections. */
  readonly lastConnectError: PoolConnectError | undefined;
  constructor(timeoutMs: number, stats: PoolStats, lastConnectError?: PoolConnectError) {
    const counts =
      `size ${stats.size}/${stats.poolSize}, idle ${stats.idle}, leased ${stats.leased}, ` +
      `opening ${stats.opening}, waiting ${stats.waiting}`;
    const why = lastConnectError
      ? `; the last connection attempt failed: ${lastConnectError.message}`
      : '; release connections sooner, or raise acquireTimeoutMs or poolSize';
    super('REPOOL_TIMEOUT', `acquire() timed out after ${timeoutMs} ms (${counts})${why}`, {
      cause: lastConnectError,
    });
    this.stats = stats;
    this.lastConnectError = lastConnectError;
  }
}

/** The pool is closed (or closing): call `initPool()` on a new pool. */
export class PoolClosedError extends PoolError {
  constructor(what = 'the pool is closed') {
    super('REPOOL_CLOSED', `${what}: releasePool() was called; create a new pool to go on`);
  }
}

/** Too many `acquire()` calls are already waiting. */
export class PoolQueueFullError extends PoolError {
  constructor(maxWaiters: number) {
    super(
      'REPOOL_QUEUE_FULL',
      `acquire() rejected: ${maxWaiters} calls are already waiting (maxWaiters); ` +
        'raise maxWaiters or poolSize, or release connections sooner',
    );
  }
}

/** The driver could not open a connection; `cause` is the driver's error. */
export class PoolConnectError extends PoolError {
  /** `host:port` the pool tried. */
  readonly server: string;
  constructor(server: string, cause: unknown, code: PoolErrorCode = 'REPOOL_CONNECT', hint?: string) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      code,
      `could not connect to ${server}: ${firstLine(detail)}; ` +
        (hint ?? 'check that the server is up and reachable (host, port, ssl)'),
      { cause },
    );
    this.server = server;
  }
}

/** The server rejected the credentials; the pool does not retry them in a loop. */
export class PoolAuthError extends PoolConnectError {
  constructor(server: string, cause: unknown) {
    super(server, cause, 'REPOOL_AUTH', 'check the user and password given to the pool');
  }
}

/** `release()` was called with a connection the pool does not lease out right now. */
export class PoolReleaseError extends PoolError {
  constructor(message: string) {
    super('REPOOL_RELEASE', message);
  }
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
