// Multiplexed queries: `run()` sends a query on a shared connection without a lease and
// reads cursors to arrays; `cursor()` pins its connection until the cursor is closed or
// exhausted. The pool never parses ReQL: it only calls the query's own `run`/`getCursor`.

/** Anything with a driver-style `run(conn, options?)`. */
export interface RunnableQuery<C, T = unknown> {
  run(conn: C, options?: any): PromiseLike<T>;
}

/** A query that opens a cursor: rethinkdb-ts' `getCursor`, or a `run` resolving to one. */
export type CursorQuery<C, K> =
  | { getCursor(conn: C, options?: any): PromiseLike<K> }
  | { run(conn: C, options?: any): PromiseLike<K> };

/** What `run()` resolves to: a cursor's rows as an array, any other result as is. */
export type RunResult<T> = T extends { toArray(): PromiseLike<infer A> } ? A : T;

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
    return await result.toArray();
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
