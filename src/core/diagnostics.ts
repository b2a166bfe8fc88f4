// Tracing through `node:diagnostics_channel`: one channel per connection event, and a
// tracing channel around each multiplexed query. Free when nobody subscribes: publishers
// check `hasSubscribers` first and build no message otherwise (see notifier.ts).
import { channel, tracingChannel } from 'node:diagnostics_channel';
import type { CloseReason } from './events.js';

/**
 * Names of the pool's `node:diagnostics_channel` channels. `query` is a tracing channel
 * (`diagnostics_channel.tracingChannel(channels.query)`: its `start`, `end`, `asyncStart`,
 * `asyncEnd` and `error` channels are `tracing:async-repool:query:start` and so on); the
 * others are plain channels (`diagnostics_channel.subscribe(channels.acquire, fn)`).
 */
export const channels = Object.freeze({
  /** A connection was leased out ({@link AcquireMessage}). */
  acquire: 'async-repool:acquire',
  /** A lease ended ({@link ReleaseMessage}). */
  release: 'async-repool:release',
  /** A connection opened ({@link OpenMessage}). */
  open: 'async-repool:open',
  /** A connection closed ({@link CloseMessage}). */
  close: 'async-repool:close',
  /** A `run()` or `cursor()` call, traced from start to settlement ({@link QueryContext}). */
  query: 'async-repool:query',
} as const);

/** Fields of every message: which pool, which connection. */
export interface ConnectionMessage {
  /** The `AsyncConnectionPool` that published it. */
  readonly pool: object;
  /** The pool's number for the connection (as in events and `stats()`). */
  readonly id: number;
  /** `host:port` of the connection's server. */
  readonly server: string;
}

/** Published on `async-repool:acquire`, with the `acquire` event. */
export interface AcquireMessage extends ConnectionMessage {
  /** Milliseconds the call waited; 0 when an idle connection was ready. */
  readonly waitedMs: number;
}

/** Published on `async-repool:release`, with the `release` event. */
export interface ReleaseMessage extends ConnectionMessage {
  /** Milliseconds the lease was held. */
  readonly heldMs: number;
}

/** Published on `async-repool:open`, with the `open` event. */
export type OpenMessage = ConnectionMessage;

/** Published on `async-repool:close`, with the `close` event. */
export interface CloseMessage extends ConnectionMessage {
  /** Why the pool closed the connection. */
  readonly reason: CloseReason;
  /** As in the `close` event. */
  readonly error?: unknown;
}

/**
 * The context object of the `async-repool:query` tracing channel: the same object is given
 * to every sub-channel of one call. `id` and `server` are set once a connection is chosen
 * (so `start` may not have them yet); Node sets `result` or `error` when the call settles.
 */
export interface QueryContext {
  /** The `AsyncConnectionPool` the call was made on. */
  readonly pool: object;
  /** `run` (result read to the end) or `cursor` (a pinned cursor). */
  readonly kind: 'run' | 'cursor';
  /** The driver's query object, as given to the pool. */
  readonly query: unknown;
  /** The pool's number for the connection the query was sent on, once one is chosen. */
  id?: number;
  /** `host:port` of that connection's server, once one is chosen. */
  server?: string;
  /** Set by Node on success: what the call resolved to (the rows, or the pooled cursor). */
  result?: unknown;
  /** Set by Node on failure: what the call rejected with. */
  error?: unknown;
}

export const acquireChannel = channel(channels.acquire);
export const releaseChannel = channel(channels.release);
export const openChannel = channel(channels.open);
export const closeChannel = channel(channels.close);
export const queryChannel = tracingChannel<unknown, QueryContext>(channels.query);
