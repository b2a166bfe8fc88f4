// The contract between a connection's session (framing, tokens, cursors) and the ReQL
// evaluator. The session parses frames and calls runQuery(); the evaluator never sees a
// socket, and the session never looks inside a term.
import type { Store } from '../store.js';
import type { FeedSpec } from './feed-spec.js';

/** One server of the (possibly one-node) test cluster, as the system tables describe it. */
export interface ServerDescriptor {
  /** UUID, stable across restart(). */
  readonly id: string;
  /** Server name, as in server_config and SERVER_INFO. */
  readonly name: string;
  /** Address clients reach it on. */
  readonly host: string;
  /** Port clients reach it on. */
  readonly port: number;
  /** `process.pid` of the process it runs in (the same for every test server of one process). */
  readonly pid: number;
  /** Epoch milliseconds the server (last) started listening. */
  readonly timeStarted: number;
}

/** Everything a query may read besides its own term. */
export interface EvalContext {
  readonly store: Store;
  /** The server answering this query. */
  readonly self: ServerDescriptor;
  /** Every live server sharing the store (rethinkdb.server_status / server_config rows). */
  servers(): readonly ServerDescriptor[];
  /**
   * Optional: the server's users, for `rethinkdb.users` rows (`password` tells whether one
   * is set). Without it, that table shows `admin` with no password.
   */
  users?(): readonly UserDescriptor[];
}

/** A user, as `rethinkdb.users` shows it. */
export interface UserDescriptor {
  readonly id: string;
  readonly password: boolean;
}

/** A parsed START query. */
export interface StartQuery {
  /** The term, as JSON.parse gave it. */
  readonly term: unknown;
  /** Global optargs (`db`, `noreply`, `profile`, ...), as JSON.parse gave them. */
  readonly optargs: Readonly<Record<string, unknown>>;
}

/**
 * What a query produced: a single value (answered SUCCESS_ATOM), a stream of rows
 * (answered in batches: SUCCESS_PARTIAL while more remain, then SUCCESS_SEQUENCE), or a
 * changefeed (SUCCESS_PARTIAL batches as changes happen, until STOP).
 */
export type QueryResult =
  | { readonly kind: 'atom'; readonly value: unknown }
  | { readonly kind: 'stream'; readonly rows: readonly unknown[] }
  | { readonly kind: 'feed'; readonly feed: FeedSpec };
