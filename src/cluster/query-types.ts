// What `run()`, `cursor()` and `changes()` accept and return. The pool never builds a term
// or parses an answer: it calls the query's own `run` / `getCursor` with a connection, or,
// for run() of a plain official-driver term, writes the frame the driver's run() would write
// (drivers/rethinkdb-lean.ts) and leaves the answer to the driver.

/** What `pool.run()` accepts: anything with a driver-style `run(conn, options?)`, such as a ReQL term of either driver. */
export interface RunnableQuery<C, T = unknown> {
  /** Called by the pool with a shared connection and the driver's part of the call's options. */
  run(conn: C, options?: unknown): PromiseLike<T>;
}

/**
 * What `pool.cursor()` accepts: a query with rethinkdb-ts' `getCursor` (used when present),
 * or a `run` that resolves to a cursor (the official driver). A result that is not a cursor
 * makes `cursor()` reject with a `TypeError`.
 */
export type CursorQuery<C, K> =
  | {
    /** rethinkdb-ts: opens a cursor on `conn` with the driver's part of the options. */
    getCursor(conn: C, options?: unknown): PromiseLike<K>;
  }
  | {
    /** Runs the query on `conn`; must resolve to a cursor. */
    run(conn: C, options?: unknown): PromiseLike<K>;
  };

/**
 * What `pool.run()` resolves to for a query resolving to `T`: if `T` is a cursor, its rows
 * as an array (the pool reads and closes it); any other result as is.
 */
export type RunResult<T> = T extends {
  /** A cursor's method that reads all its rows; its resolved type is the result type. */
  toArray(): PromiseLike<infer A>;
} ? A : T;

/**
 * A cursor from `pool.cursor()`: the driver's cursor, disposable with `await using`. It
 * holds its connection's slot for multiplexed work until the driver is done with the query
 * (the last batch arrived, or it was closed); its reads reject with
 * `PoolConnectionLostError` if the connection dies under it.
 */
export type PooledCursor<K> = K & AsyncDisposable;

/** The part of a driver cursor the pool relies on. */
export interface CursorLike {
  close(): unknown;
}

export function isCursor(value: unknown): value is { toArray(): Promise<unknown>; close(): unknown } {
  return (
    value !== null && typeof value === 'object' &&
    typeof (value as { toArray?: unknown }).toArray === 'function' &&
    typeof (value as { close?: unknown }).close === 'function'
  );
}

/** Whether a driver cursor is a changefeed (both drivers name it `[object ...Feed]`). */
export function isFeed(value: object): boolean {
  return String(value).endsWith('Feed]');
}

/** Checks that `query` is something the pool can run; a TypeError that says what a query is otherwise. */
export function checkQuery(query: unknown, what: string, cursor: boolean): void {
  const q = query as { run?: unknown; getCursor?: unknown } | null | undefined;
  const ok = q !== null && (typeof q === 'object' || typeof q === 'function') &&
    (typeof q.run === 'function' || (cursor && typeof q.getCursor === 'function'));
  if (!ok) {
    throw new TypeError(
      `${what}: expected a query, such as r.table('t').get(1) of rethinkdb or rethinkdb-ts (anything with run(conn, options)), ` +
        `got ${q === null ? 'null' : Array.isArray(q) ? 'an array' : typeof q}`,
    );
  }
}
