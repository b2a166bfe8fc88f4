// Every error the pool raises: one base class with a stable `code` to branch on, and one
// subclass per failure. Messages say what to change and never contain connect options.
// Errors about connections and servers are in this file; errors about calls in
// call-errors.ts.
import type { PoolStats } from './stats.js';

/** How one server fared, as reported by errors that concern several servers. */
export interface ServerReport {
  /** `host:port` (the address the pool reaches it at). */
  readonly server: string;
  /** False while the server is known down; true when up or not tried yet. */
  readonly healthy: boolean;
  /** Its last failed connection attempt, if the last attempt failed. */
  readonly lastError: PoolConnectError | undefined;
  /** Connections counted against poolSize (opening + ready + leased), at the time of the report. */
  readonly size: number;
  /** Of `size`, leased. */
  readonly leased: number;
  /** Of `size`, being opened. */
  readonly opening: number;
}

/**
 * Stable codes of the pool's errors (`PoolError.code`): `REPOOL_TIMEOUT`,
 * `REPOOL_QUERY_TIMEOUT`, `REPOOL_CONNECTION_LOST`, `REPOOL_CLOSED`, `REPOOL_QUEUE_FULL`,
 * `REPOOL_CONNECT` ({@link PoolConnectError}, {@link PoolUnavailableError}), `REPOOL_AUTH`
 * ({@link PoolAuthError}, or a {@link PoolUnavailableError} where every server refused the
 * credentials), `REPOOL_RELEASE`.
 */
export type PoolErrorCode =
  | 'REPOOL_TIMEOUT'
  | 'REPOOL_QUERY_TIMEOUT'
  | 'REPOOL_CONNECTION_LOST'
  | 'REPOOL_CLOSED'
  | 'REPOOL_QUEUE_FULL'
  | 'REPOOL_CONNECT'
  | 'REPOOL_AUTH'
  | 'REPOOL_RELEASE';

/** Base class of every error the pool raises; branch on `code`, not on the message. */
export class PoolError extends Error {
  /** Which failure this is; stable across versions, unlike the message. See {@link PoolErrorCode}. */
  readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  /** The class name of the error, such as `PoolTimeoutError` (shown in stack traces). */
  override get name(): string {
    return this.constructor.name;
  }
}

/** The driver could not open a connection; `cause` is the driver's error. Code `REPOOL_CONNECT`. */
export class PoolConnectError extends PoolError {
  /** `host:port` the pool tried. */
  readonly server: string;
  constructor(server: string, cause: unknown, code: PoolErrorCode = 'REPOOL_CONNECT', hint?: string) {
    super(
      code,
      `could not connect to ${server}: ${reasonOf(cause)}; ` +
        (hint ?? 'check that the server is up and reachable (host, port, ssl)'),
      { cause },
    );
    this.server = server;
  }
}

/**
 * The server rejected the credentials (`cause` is the driver's `ReqlAuthError`). The pool
 * does not retry them in a loop, and waiting calls fail with it at once (with several
 * servers: once every server refused them, as a {@link PoolUnavailableError}).
 * Code `REPOOL_AUTH`.
 */
export class PoolAuthError extends PoolConnectError {
  constructor(server: string, cause: unknown) {
    super(server, cause, 'REPOOL_AUTH', 'check the user and password given to the pool');
  }
}

/**
 * No server of the pool can open a connection: every one is known down. The message names
 * each server with its last error; `servers` has the details and `cause` is an
 * `AggregateError` of the per-server errors. The code is `REPOOL_AUTH` when every server
 * refused the credentials.
 */
export class PoolUnavailableError extends PoolConnectError {
  /** Every server tried, with its last error. */
  readonly servers: readonly ServerReport[];
  constructor(servers: readonly ServerReport[]) {
    const auth = servers.length > 0 && servers.every((s) => s.lastError instanceof PoolAuthError);
    const errors = servers.map((s) => s.lastError).filter((e) => e !== undefined);
    const list = listServers(servers);
    super(servers.map((s) => s.server).join(', '), new AggregateError(errors, list), auth ? 'REPOOL_AUTH' : 'REPOOL_CONNECT');
    this.message =
      `could not connect to any of ${servers.length} servers: ${list}; ` +
      (auth ? 'check the user and password given to the pool' : 'check that the servers are up and reachable (host, port, ssl)');
    this.servers = servers;
  }
}

/**
 * Work on a pooled connection failed because the connection was lost: the server closed
 * it, the network failed, the server was found dead by the heartbeat, or the pool closed it
 * at the end of `retireTimeoutMs` / `releasePool()`'s deadline. `sent` says whether the
 * query had been written to the socket: if not, it certainly did not run; if so, a write
 * may or may not have been applied. `cause` is the driver's error. Code
 * `REPOOL_CONNECTION_LOST`. `run(query, { retry: true })` retries such failures once.
 */
export class PoolConnectionLostError extends PoolError {
  /** `host:port` of the connection that was lost. */
  readonly server: string;
  /** Whether the query had been written to the socket before the connection was lost. */
  readonly sent: boolean;
  constructor(server: string, sent: boolean, cause: unknown, why = 'the connection was lost') {
    super(
      'REPOOL_CONNECTION_LOST',
      `${why} (${server}) ${sent ? 'after the query was sent: a write may or may not have been applied' : 'before the query was sent: it did not run'}` +
        `; retry it (run(query, { retry: true }) does so once when that is safe)${cause === undefined ? '' : `: ${reasonOf(cause)}`}`,
      { cause },
    );
    this.server = server;
    this.sent = sent;
  }
}

/**
 * The pool is closed (or closing): `releasePool()` was called. Create a new pool to go on.
 * Code `REPOOL_CLOSED`.
 */
export class PoolClosedError extends PoolError {
  constructor(what = 'the pool is closed') {
    super('REPOOL_CLOSED', `${what}: releasePool() was called; create a new pool to go on`);
  }
}

/**
 * `acquire()` (or a `run()`/`cursor()` waiting for a connection) did not get one before its
 * deadline (`acquireTimeoutMs` or the call's `timeoutMs`). Code `REPOOL_TIMEOUT`; `cause` is
 * `lastConnectError`.
 */
export class PoolTimeoutError extends PoolError {
  /** The pool's counts when the deadline passed. */
  readonly stats: PoolStats;
  /** The last failed connection attempt (of one of the servers), if connections could not open. */
  readonly lastConnectError: PoolConnectError | undefined;
  /** Every server the pool could have used, with its state and last error. */
  readonly servers: readonly ServerReport[];
  constructor(timeoutMs: number, stats: PoolStats, lastConnectError?: PoolConnectError, servers: readonly ServerReport[] = []) {
    const counts =
      `size ${stats.size}/${stats.poolSize}, idle ${stats.idle}, busy ${stats.ready - stats.idle}, ` +
      `leased ${stats.leased}, opening ${stats.opening}, waiting ${stats.waiting}`;
    const why = servers.length > 1
      ? `; no server could serve: ${listServers(servers)}; raise acquireTimeoutMs or poolSize, or check the servers`
      : lastConnectError
        ? `; the last connection attempt failed: ${lastConnectError.message}`
        : '; release connections sooner, or raise acquireTimeoutMs or poolSize';
    super('REPOOL_TIMEOUT', `no connection within ${timeoutMs} ms (${counts})${why}`, { cause: lastConnectError });
    this.stats = stats;
    this.lastConnectError = lastConnectError;
    this.servers = servers;
  }
}

/** `host:port: reason` for each server, on one line. */
function listServers(servers: readonly ServerReport[]): string {
  return servers.map((s) => {
    const cause: unknown = s.lastError?.cause;
    let reason: string;
    if (s.lastError) reason = reasonOf(cause);
    else if (!s.healthy) reason = 'down';
    else if (s.size === 0 && s.opening === 0) reason = 'no connection yet';
    else if (s.size === s.opening) reason = `connecting (${s.opening} opening)`;
    else reason = `up, every connection busy (${s.leased} leased of ${s.size})`;
    return `${s.server}: ${reason}`;
  }).join('; ');
}

/** Longest driver reason quoted in a message. */
const MAX_REASON_CHARS = 300;

/**
 * A driver error's message on one line. The official driver writes "Could not connect to
 * H:P." on line 1 and the real reason (certificate error, ECONNREFUSED) on line 2, so every
 * line is kept. Driver messages never contain the password (the pool passes it only to the
 * driver's SCRAM code, which never echoes it).
 */
export function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const joined = text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  return joined.length > MAX_REASON_CHARS ? `${joined.slice(0, MAX_REASON_CHARS - 1)}…` : joined;
}
