// Multiplexed queries: `run()` sends a query on a shared connection without a lease and
// reads cursors to arrays; `cursor()` pins its connection until the cursor is closed or
// exhausted. The pool never parses ReQL: it only calls the query's own `run`/`getCursor`.
import type { QueryKind } from './query.js';

/**
 * What `pool.run()` accepts: anything with a driver-style `run(conn, options?)`, such as a
 * ReQL term of either driver. The pool never builds or parses the query.
 */
export interface RunnableQuery<C, T = unknown> {
  /**
   * Called by the pool once, with a shared connection and the `runOptions` given to
   * `pool.run()` (or `undefined`); resolves to the result or a cursor.
   */
  run(conn: C, options?: unknown): PromiseLike<T>;
}

/**
 * What `pool.cursor()` accepts: a query with rethinkdb-ts' `getCursor` (used when present),
 * or a `run` that resolves to a cursor (the official driver). A result that is not a cursor
 * (no `close()` method) makes `cursor()` reject with a `TypeError`.
 */
export type CursorQuery<C, K> =
  | {
    /** rethinkdb-ts: opens a cursor on `conn` with the `runOptions` given to `pool.cursor()`. */
    getCursor(conn: C, options?: unknown): PromiseLike<K>;
  }
  | {
    /** Runs the query on `conn` with the `runOptions` given to `pool.cursor()`; must resolve to a cursor. */
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

/** The part of a driver cursor the pool relies on. */
export interface CursorLike {
  close(): unknown;
}

/** A cursor from `pool.cursor()`: the driver's cursor, disposable with `await using`. */
export type PooledCursor<K> = K & AsyncDisposable;

type Fn = (...args: unknown[]) => unknown;

export function isCursor(value: unknown): value is { toArray(): Promise<unknown>; close(): unknown } {
  return (
    value !== null && typeof value === 'object' &&
    typeof (value as { toArray?: unknown }).toArray === 'function' &&
    typeof (value as { close?: unknown }).close === 'function'
  );
}

/** Reads a cursor (or returns a plain result) and always closes the cursor. */
export async function readAll(result: unknown): Promise<unknown> {
  if (!isCursor(result)) return result;
  try {
    const rows = await result.toArray();
    // The official driver returns array results (`r.expr([1, 2])`, `r.dbList()`, `orderBy()`
    // without an index) as an ArrayResult: an array with cursor methods, whose toArray()
    // resolves to the array itself and whose close() empties it. Copy before closing.
    return rows === result && Array.isArray(rows) ? Array.prototype.slice.call(rows) : rows;
  } finally {
    try {
      await result.close();
    } catch {
      // The rows are read; a failing close changes nothing for the caller.
    }
  }
}

/**
 * Wraps a driver cursor so that `unpin` runs once, when the cursor is closed, exhausted,
 * fails, or is disposed. Every other property is the driver's own.
 */
export function pinCursor<K extends object>(cursor: K, unpin: () => void): PooledCursor<K> {
  let pinned = true;
  const done = () => {
    if (!pinned) return;
    pinned = false;
    unpin();
  };
  const settleOnEnd = <T>(p: unknown, endsOnResolve: boolean): T => {
    if (!p || typeof (p as PromiseLike<unknown>).then !== 'function') return p as T;
    return (p as Promise<unknown>).then(
      (v) => {
        if (endsOnResolve) done();
        return v;
      },
      (e: unknown) => {
        done();
        throw e;
      },
    ) as T;
  };
  const wrap = (target: K, key: string | symbol, fn: Fn): Fn => {
    if (key === 'close') {
      return (...args) => {
        try {
          return settleOnEnd(fn.apply(target, args), true);
        } finally {
          done();
        }
      };
    }
    if (key === 'toArray') return (...args) => settleOnEnd(fn.apply(target, args), true);
    if (key === 'next') return (...args) => settleOnEnd(fn.apply(target, args), false);
    if (key === 'each' || key === 'eachAsync') return (...args) => settleOnEnd(fn.apply(target, args), true);
    if (key === Symbol.asyncIterator) {
      return (...args) => {
        const it = fn.apply(target, args) as AsyncIterator<unknown>;
        return {
          next: (...a: []) =>
            it.next(...a).then(
              (r) => {
                if (r.done) done();
                return r;
              },
              (e: unknown) => {
                done();
                throw e;
              },
            ),
          return: async (value?: unknown) => {
            done();
            try {
              await (target as unknown as CursorLike).close();
            } catch {
              // already closed
            }
            return it.return ? it.return(value) : { done: true, value };
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      };
    }
    return fn.bind(target);
  };
  return new Proxy(cursor, {
    get(target, key) {
      if (key === Symbol.asyncDispose) {
        return async () => {
          done();
          await (target as unknown as CursorLike).close();
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? wrap(target, key, value as Fn) : value;
    },
  }) as PooledCursor<K>;
}

/** `run()`: the result, with a cursor read to an array (readAll() closes it). */
export const RUN: QueryKind<unknown, RunnableQuery<unknown>, unknown> = {
  what: 'run()',
  pins: false,
  send: (query, conn, runOptions) => query.run(conn, runOptions),
  finish: (result) => (isCursor(result) ? readAll(result) : result),
  late() {},
};

/** `cursor()`: the driver's cursor, or a TypeError for a single value. */
export const CURSOR: QueryKind<unknown, CursorQuery<unknown, object>, object> = {
  what: 'cursor()',
  pins: true,
  async send(query, conn, runOptions) {
    const result: unknown = 'getCursor' in query && typeof query.getCursor === 'function'
      ? await query.getCursor(conn, runOptions)
      : await (query as RunnableQuery<unknown>).run(conn, runOptions);
    if (result === null || typeof result !== 'object' || typeof (result as { close?: unknown }).close !== 'function') {
      throw new TypeError('cursor(): the query returned a single value, not a cursor; use run() for it');
    }
    return result;
  },
  late(cursor) {
    // Nobody will read it: it arrived after its deadline.
    try {
      void Promise.resolve((cursor as CursorLike).close()).catch(() => undefined);
    } catch {
      // already closed
    }
  },
};
