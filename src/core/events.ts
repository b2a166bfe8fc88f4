// Typed events. The pool never emits `error` (a missing listener can never crash the
// process), but accepts `error` listeners so that node:events' `once()` and `on()` helpers,
// which register one, work. A listener that throws cannot corrupt the pool: its error is
// rethrown on a later microtask.
import type { PoolConnectError } from './errors.js';

/**
 * Why a connection was closed. `ttl`: past `connectionTtlMs`; `idle`: idle past
 * `idleTimeoutMs`; `broken`: its socket closed, a ping failed, or its server was found dead;
 * `discarded`: `release(conn, { discard: true })`; `maxUses`: leased `maxUses` times; `busy`:
 * fenced for a waiting lease, its work did not drain within `pingTimeoutMs`, so it retired and a
 * new connection took its place;
 * `shutdown`: `releasePool()`; `removed`: discovery no longer lists its server.
 */
export type CloseReason = 'ttl' | 'idle' | 'broken' | 'discarded' | 'maxUses' | 'busy' | 'shutdown' | 'removed';

/** Fields every per-connection event carries. */
export interface ConnectionEventInfo {
  /** The pool's number for the connection (1, 2, ...), stable for its life. */
  readonly id: number;
  /** `host:port` of the connection's server. */
  readonly server: string;
}

/** Event names and payloads of {@link AsyncConnectionPool}. */
export interface PoolEvents {
  /** A connection opened (and ran `onConnect`, if set). */
  open: ConnectionEventInfo;
  /** A connection closed: emitted once the driver's `close()` settled (or after `pingTimeoutMs`). */
  close: ConnectionEventInfo & {
    /** Why the pool closed it. */
    readonly reason: CloseReason;
    /** With reason `broken`: the failed ping's or the driver's error, if any. */
    readonly error?: unknown;
  };
  /**
   * A connection must go ({@link CloseReason}) but carries work: it takes no new work and
   * closes when the work settles or at `retireTimeoutMs`.
   */
  retire: ConnectionEventInfo & {
    /** Why it must go. */
    readonly reason: CloseReason;
    /** Queries, cursors and feeds still on it. */
    readonly inFlight: number;
  };
  /** A connection was leased out by `acquire()` (or `connect()`, `withConnection()`). */
  acquire: ConnectionEventInfo & {
    /** Milliseconds from the call to the hand-out; 0 when an idle connection was ready. */
    readonly waitedMs: number;
  };
  /** A lease ended (`release()`), whether the connection is kept or not. */
  release: ConnectionEventInfo & {
    /** Milliseconds the lease was held. */
    readonly heldMs: number;
  };
  /**
   * An attempt to open a connection failed (not for attempts the pool cancelled itself, nor
   * while it is closing). The pool retries in the background with backoff.
   */
  connectError: {
    /** `host:port` the attempt was made to. */
    readonly server: string;
    /** The failure; a `PoolAuthError` when the credentials were refused. `cause` is the driver's error. */
    readonly error: PoolConnectError;
    /** Consecutive failures of this server, from 1 (attempts started together count once). */
    readonly attempt: number;
    /** Milliseconds until the retry this failure scheduled; `undefined` if one was already scheduled. */
    readonly retryInMs: number | undefined;
  };
  /** A lease was held longer than `leakDetectionMs` (once per lease; the lease is not ended). */
  leak: ConnectionEventInfo & {
    /** Milliseconds the lease has been held so far. */
    readonly heldMs: number;
    /** Stack trace of the `acquire()` call that took the lease, starting `acquire() called`. */
    readonly stack: string;
  };
  /** The server is reachable again (first open connection after being unknown or down). */
  healthy: {
    /** `host:port` of the server. */
    readonly server: string;
  };
  /** The server is known down: connects fail or time out, or it stopped answering queries. */
  unhealthy: {
    /** `host:port` of the server. */
    readonly server: string;
    /** Why it is down: the failed attempt, or the pings nobody answered. */
    readonly error: PoolConnectError;
  };
  /** A server is marked down (with `unhealthy`): no work is routed to it while others are up. */
  serverDown: {
    /** `host:port` of the server. */
    readonly server: string;
    /** Why it is down. */
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
  /** A server is being removed (discovery no longer lists it): its connections retire (reason `removed`). */
  serverRemoved: {
    /** `host:port` of the server removed. */
    readonly server: string;
  };
  /** A discovery round failed or was cut short; the list of servers is kept as it was. */
  discoveryError: {
    /** What the `server_status` read threw, or why the round was cut short. */
    readonly error: unknown;
  };
  /**
   * A changefeed from `pool.changes()` lost its connection or server and was resumed on
   * another one. Changes made during the gap are not replayed (RethinkDB has no resume token).
   */
  feedResumed: {
    /** The feed's number in this pool (1, 2, ...). */
    readonly feedId: number;
    /** `host:port` of the server it runs on now. */
    readonly server: string;
    /** Milliseconds between the loss and the new feed's first answer. */
    readonly downMs: number;
  };
  /**
   * Never emitted. Listeners are accepted so that `events.once(pool, ...)` and
   * `events.on(pool, ...)` from node:events work (they register one).
   */
  error: unknown;
}

/** A listener of event `K`; it gets that event's payload (see {@link PoolEvents}). */
export type PoolListener<K extends keyof PoolEvents> = (payload: PoolEvents[K]) => void;

type AnyListener = (payload: never) => void;

const EVENT_NAMES: ReadonlySet<string> = new Set<keyof PoolEvents>([
  'open', 'close', 'retire', 'acquire', 'release', 'connectError', 'leak', 'healthy', 'unhealthy',
  'serverDown', 'serverUp', 'serverAdded', 'serverRemoved', 'discoveryError', 'feedResumed', 'error',
]);

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

function checkListener(event: string, listener: unknown): void {
  if (!EVENT_NAMES.has(event)) {
    throw new TypeError(`unknown pool event ${String(event)}; events: ${[...EVENT_NAMES].join(', ')}`);
  }
  if (typeof listener !== 'function') throw new TypeError(`the ${event} listener must be a function`);
}
