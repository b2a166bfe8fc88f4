// Typed events. None is named `error`: a missing listener never crashes the process, and a
// listener that throws cannot corrupt the pool (its error is rethrown on a later tick).
import type { PoolConnectError } from './errors.js';

/**
 * Why a connection was closed. `removed`: discovery no longer lists its server, which takes
 * no new work; its idle connections close at once and leased ones when they are released.
 */
export type CloseReason = 'ttl' | 'idle' | 'broken' | 'discarded' | 'shutdown' | 'removed';

/** Fields every per-connection event carries. */
export interface ConnectionEventInfo {
  /** The pool's number for the connection (1, 2, ...), stable for its life. */
  readonly id: number;
  /** `host:port` of the connection's server. */
  readonly server: string;
}

/** Event names and payloads of {@link AsyncConnectionPool}. */
export interface PoolEvents {
  /** A connection opened. */
  open: ConnectionEventInfo;
  /**
   * A connection closed: emitted once the driver's `close()` settled (or after
   * `pingTimeoutMs` if it hung).
   */
  close: ConnectionEventInfo & {
    /** Why the pool closed it. */
    readonly reason: CloseReason;
    /**
     * With reason `broken`, when a ping failed (validation, keepalive, or the check after
     * a query timeout): that ping's error. Absent when the driver reported the connection
     * closed.
     */
    readonly error?: unknown;
  };
  /** A connection was leased out by `acquire()` (or `connect()`, `withConnection()`). */
  acquire: ConnectionEventInfo & {
    /** Milliseconds from the `acquire()` call to the hand-out; 0 when an idle connection was ready. */
    readonly waitedMs: number;
  };
  /** A lease ended (`release()`), whether the connection is kept or discarded. */
  release: ConnectionEventInfo & {
    /** Milliseconds the lease was held. */
    readonly heldMs: number;
  };
  /**
   * An attempt to open a connection failed (not emitted for attempts the pool cancelled
   * itself, nor while it is closing). The pool retries in the background with backoff.
   */
  connectError: {
    /** `host:port` the attempt was made to. */
    readonly server: string;
    /** The failure; a `PoolAuthError` when the credentials were refused. `cause` is the driver's error. */
    readonly error: PoolConnectError;
    /**
     * Consecutive failures of this server, from 1; reset by a successful open. Attempts
     * started together count once.
     */
    readonly attempt: number;
    /**
     * Milliseconds until the retry this failure scheduled (random, up to the backoff
     * ceiling); `undefined` if a retry was already scheduled.
     */
    readonly retryInMs: number | undefined;
  };
  /**
   * A lease was held longer than `leakDetectionMs` (emitted once per lease, while it is
   * still held; the lease is not ended).
   */
  leak: ConnectionEventInfo & {
    /** Milliseconds the lease has been held so far (about `leakDetectionMs`). */
    readonly heldMs: number;
    /** Stack trace of the `acquire()` call that took the lease, starting `acquire() called`. */
    readonly stack: string;
  };
  /** The server is reachable again (first open connection after being unknown or down). */
  healthy: {
    /** `host:port` of the server. */
    readonly server: string;
  };
  /** The server is known down: no open connection and the last attempt failed. */
  unhealthy: {
    /** `host:port` of the server. */
    readonly server: string;
    /** The failed attempt that marked it down. */
    readonly error: PoolConnectError;
  };
  /**
   * A server is marked down (at the same moment as `unhealthy`): no work is routed to it
   * while other servers are up, and it is retried in the background with backoff.
   */
  serverDown: {
    /** `host:port` of the server. */
    readonly server: string;
    /** The failed attempt that marked it down. */
    readonly error: PoolConnectError;
  };
  /** A server that was down answered again: work is routed to it again. */
  serverUp: {
    /** `host:port` of the server. */
    readonly server: string;
  };
  /** Discovery found a new server: it gets its own sub-pool of `poolSize` connections. */
  serverAdded: {
    /** `host:port` of the new server. */
    readonly server: string;
  };
  /** Discovery no longer lists a server: it is drained (close reason `removed`). */
  serverRemoved: {
    /** `host:port` of the removed server. */
    readonly server: string;
  };
  /** A discovery round failed (the list of servers is kept as it was). */
  discoveryError: {
    /** What the `server_status` read threw or rejected with. */
    readonly error: unknown;
  };
}

/** A listener of event `K`; it gets that event's payload (see {@link PoolEvents}). */
export type PoolListener<K extends keyof PoolEvents> = (payload: PoolEvents[K]) => void;

type AnyListener = (payload: never) => void;

/** A small typed emitter; `has()` lets callers skip building payloads nobody reads. */
export class PoolEmitter {
  readonly #listeners = new Map<keyof PoolEvents, AnyListener[]>();

  on<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    checkListener(event, listener);
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  once<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    checkListener(event, listener);
    const wrapper: PoolListener<K> & { listener?: PoolListener<K> } = (payload) => {
      this.off(event, wrapper);
      listener(payload);
    };
    // Remembered so that off(event, listener) also removes a once() registration.
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  off<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    let i = list.length - 1;
    while (i >= 0 && list[i] !== listener && (list[i] as { listener?: unknown }).listener !== listener) i--;
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof PoolEvents): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Whether anyone listens to `event`. On the hand-out path: no hashing when nobody listens. */
  has(event: keyof PoolEvents): boolean {
    return this.#listeners.size !== 0 && this.#listeners.has(event);
  }

  emit<K extends keyof PoolEvents>(event: K, payload: PoolEvents[K]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of list.slice()) {
      try {
        (listener as PoolListener<K>)(payload);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}

const EVENT_NAMES: ReadonlySet<string> = new Set<keyof PoolEvents>([
  'open', 'close', 'acquire', 'release', 'connectError', 'leak', 'healthy', 'unhealthy',
  'serverDown', 'serverUp', 'serverAdded', 'serverRemoved', 'discoveryError',
]);

function checkListener(event: string, listener: unknown): void {
  if (!EVENT_NAMES.has(event)) {
    throw new TypeError(`unknown pool event ${String(event)}; events: ${[...EVENT_NAMES].join(', ')}`);
  }
  if (typeof listener !== 'function') throw new TypeError(`the ${event} listener must be a function`);
}
