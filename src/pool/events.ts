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
  /** A connection closed; `error` is set when it broke. */
  close: ConnectionEventInfo & { readonly reason: CloseReason; readonly error?: unknown };
  /** A connection was leased out; `waitedMs` is the time `acquire()` waited. */
  acquire: ConnectionEventInfo & { readonly waitedMs: number };
  /** A lease ended; `heldMs` is how long it was held. */
  release: ConnectionEventInfo & { readonly heldMs: number };
  /** An attempt to open a connection failed; the next one is at most `retryInMs` away. */
  connectError: { readonly server: string; readonly error: PoolConnectError; readonly attempt: number; readonly retryInMs: number | undefined };
  /** A lease was held longer than `leakDetectionMs`; `stack` is where it was acquired. */
  leak: ConnectionEventInfo & { readonly heldMs: number; readonly stack: string };
  /** The server is reachable again (first open connection after being unknown or down). */
  healthy: { readonly server: string };
  /** The server is known down: no open connection and the last attempt failed. */
  unhealthy: { readonly server: string; readonly error: PoolConnectError };
  /**
   * A server is marked down (at the same moment as `unhealthy`): no work is routed to it
   * while other servers are up, and it is retried in the background with backoff.
   */
  serverDown: { readonly server: string; readonly error: PoolConnectError };
  /** A server that was down answered again: work is routed to it again. */
  serverUp: { readonly server: string };
  /** Discovery found a new server: it gets its own sub-pool of `poolSize` connections. */
  serverAdded: { readonly server: string };
  /** Discovery no longer lists a server: it is drained (close reason `removed`). */
  serverRemoved: { readonly server: string };
  /** A discovery round failed (the list of servers is kept as it was). */
  discoveryError: { readonly error: unknown };
}

/** A listener of event `K`. */
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
    const wrapper: PoolListener<K> = (payload) => {
      this.off(event, wrapper);
      listener(payload);
    };
    return this.on(event, wrapper);
  }

  off<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const i = list.lastIndexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof PoolEvents): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Whether anyone listens to `event`. */
  has(event: keyof PoolEvents): boolean {
    return this.#listeners.has(event);
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
