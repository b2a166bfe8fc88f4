// Cursors (and the feeds of feeds/) on shared connections. A cursor holds its connection's
// slot for multiplexed work until the driver is done with its query: the driver tells when
// it forgets the query's token (the last batch came, it was closed, it failed), whatever
// style the user reads it in (next, each with or without callbacks, eachAsync, toArray,
// for await, events). Reads that fail because the connection died reject with
// PoolConnectionLostError, and a cursor the driver ends as exhausted after such a loss
// (rethinkdb-ts) rejects too. close() has a deadline and never rejects for a lost connection.
import { PoolQueryTimeoutError } from '../core/call-errors.js';
import type { ParsedQueryOptions } from '../core/call-options.js';
import { attempt, withDeadline } from '../core/deadline.js';
import { PoolConnectionLostError } from '../core/errors.js';
import type { ServerPool } from '../server/server-pool.js';
import type { Work, Slot, SlotHome } from '../server/slot.js';
import type { Cluster } from './cluster.js';
import type { CursorLike, CursorQuery, PooledCursor } from './query-types.js';

/** What a pooled cursor knows of its connection. */
export interface CursorLink<C> {
  readonly slot: Slot<C>;
  readonly server: ServerPool<C>;
  /** Ends the cursor's hold on the connection (once). */
  end(answered: boolean): void;
  /** The error a read gets: the driver's, or PoolConnectionLostError when the connection died. */
  map(error: unknown): unknown;
  /** An error the driver swallowed when it ended the cursor (see rethinkdb-ts), mapped. */
  hidden(): unknown;
  /** Whether the driver reports the end of the query (else the cursor's own calls end the hold). */
  watched: boolean;
}

/** Opens a cursor of `kind` (Cursor or Feed) on a shared connection. */
export async function openCursor<C, K extends object>(
  cluster: Cluster<C>, query: CursorQuery<C, K>, o: ParsedQueryOptions, kind: Work, traced?: (slot: Slot<C>) => void,
  avoid?: SlotHome<C>,
): Promise<{ cursor: K; link: CursorLink<C> }> {
  const { options } = cluster;
  const { clock, driver, acquireTimeoutMs } = options;
  const timeoutMs = o.timeoutMs ?? options.queryTimeoutMs;
  // As for run(): a deadline the caller set bounds the wait for a connection too.
  const own = timeoutMs > 0 && (o.timeoutMs !== undefined || timeoutMs < acquireTimeoutMs);
  const picked = cluster.share(kind, own ? timeoutMs : acquireTimeoutMs, o.signal,
    own ? () => new PoolQueryTimeoutError('cursor()', timeoutMs, '') : undefined, avoid);
  const slot = picked instanceof Promise ? await picked : picked;
  traced?.(slot);
  const server = slot.home as ServerPool<C>;
  const conn = slot.conn!;
  let ended = false;
  let cursor: K | undefined;
  const link: CursorLink<C> = {
    slot,
    server,
    watched: false,
    end(answered) {
      if (ended) return;
      ended = true;
      server.endWork(slot, kind, answered);
    },
    map(error) {
      if (error instanceof PoolConnectionLostError || !server.lost(slot) || !driver.isConnectionLoss(error)) return error;
      return new PoolConnectionLostError(server.label, true, error);
    },
    hidden() {
      if (cursor === undefined) return undefined;
      const error = driver.hiddenCursorError(cursor);
      if (error === undefined || !driver.isConnectionLoss(error)) return undefined;
      return new PoolConnectionLostError(server.label, true, error);
    },
  };
  if (server.lost(slot)) {
    link.end(false);
    server.dead(slot);
    throw new PoolConnectionLostError(server.label, false, undefined, 'the connection was found closed');
  }
  const token = driver.nextToken?.(conn);
  if (token !== undefined) driver.watchQuery?.(conn, token, () => link.end(true));
  driver.batchWrites(conn);
  const opening = attempt(() => ('getCursor' in query && typeof query.getCursor === 'function'
    ? query.getCursor(conn, o.driver)
    : (query as { run(c: C, opts?: unknown): PromiseLike<K> }).run(conn, o.driver)));
  // A query that did not go through the driver (its token is still the next one) cannot be
  // watched: the cursor's own calls end its hold instead (see pooledCursor).
  link.watched = token !== undefined && driver.nextToken!(conn) !== token;
  if (token !== undefined && !link.watched) driver.watchQuery?.(conn, token, noop);
  // Open means answered: the server has the query (a feed is live) and the first batch came.
  const answered = opening.then(async (c) => {
    const first = c !== null && typeof c === 'object' ? driver.answered(c) : undefined;
    if (first !== undefined) {
      await first;
      // rethinkdb-ts keeps the first batch's failure in the cursor: it is the opening's failure.
      const failure = driver.hiddenCursorError(c as object);
      if (failure !== undefined) throw failure;
    }
    return c;
  });
  try {
    cursor = await (timeoutMs > 0 ? withDeadline(clock, answered, timeoutMs, 'cursor()', (late) => closeQuietly(late)) : answered);
  } catch (error) {
    const late = error instanceof Error && error.name === 'DeadlineError';
    if (late && token !== undefined) driver.stopQuery(conn, token);
    if (late) slot.checkedAt = -Infinity;
    link.end(false);
    if (late) {
      server.suspect(slot);
      throw new PoolQueryTimeoutError('cursor()', timeoutMs, server.label);
    }
    throw link.map(error);
  }
  if (cursor === null || typeof cursor !== 'object' || typeof (cursor as Partial<CursorLike>).close !== 'function') {
    link.end(true);
    throw new TypeError('cursor(): the query returned a single value, not a cursor; use run() for it');
  }
  return { cursor, link };
}

function noop(): void {}

/** Closes a cursor with the pool's deadline; a lost connection has nothing left to close. */
export async function closeCursor<C>(cursor: object, link: CursorLink<C>, deadlineMs: number, cluster: Cluster<C>): Promise<void> {
  if (link.server.lost(link.slot)) {
    link.end(false);
    return;
  }
  try {
    await withDeadline(cluster.options.clock, attempt(() => (cursor as CursorLike).close() as Promise<unknown>), deadlineMs, 'cursor close()');
  } catch (error) {
    if (!link.server.lost(link.slot)) throw link.map(error);
  } finally {
    // A closed cursor's query is over, whether or not the driver reported it.
    link.end(true);
  }
}

function closeQuietly(cursor: unknown): void {
  attempt(() => (cursor as CursorLike).close() as Promise<unknown>).catch(() => undefined);
}

/** A pooled cursor: the driver's cursor behind a proxy that maps errors and keeps the pin. */
export function pooledCursor<C, K extends object>(cursor: K, link: CursorLink<C>, cluster: Cluster<C>): PooledCursor<K> {
  const native = link.watched;
  const { pingTimeoutMs } = cluster.options;
  const close = () => closeCursor(cursor, link, pingTimeoutMs, cluster);
  // A custom driver cannot say when the query ends: reads that end the cursor end the pin.
  const settleRead = <T>(p: unknown, ends: boolean): T => {
    if (p === null || typeof (p as PromiseLike<unknown>)?.then !== 'function') return p as T;
    return (p as Promise<unknown>).then(
      (value) => {
        const hidden = link.hidden();
        if (hidden !== undefined) throw hidden;
        if (ends && !native) link.end(true);
        return value;
      },
      (error: unknown) => {
        if (!native) link.end(false);
        throw link.hidden() ?? link.map(error);
      },
    ) as T;
  };
  const wrapped = new Map<PropertyKey, unknown>();
  const wrap = (key: PropertyKey, fn: (...args: unknown[]) => unknown): unknown => {
    switch (key) {
      case 'close':
        return () => close();
      case 'next':
        return (...args: unknown[]) => settleRead(fn.apply(cursor, args), false);
      case 'toArray':
        return (...args: unknown[]) => settleRead(fn.apply(cursor, args), true);
      case 'each':
        return (...args: unknown[]) => fn.apply(cursor, eachArgs(args, link, native));
      case 'eachAsync':
        return (...args: unknown[]) => settleRead(fn.apply(cursor, eachAsyncArgs(args, link)), true);
      case Symbol.asyncIterator:
        return () => iterate(fn.call(cursor) as AsyncIterator<unknown>, link, close, native);
      default:
        return fn.bind(cursor);
    }
  };
  return new Proxy(cursor, {
    get(target, key) {
      if (key === Symbol.asyncDispose) return close;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(key);
      if (fn === undefined) {
        fn = wrap(key, value as (...args: unknown[]) => unknown);
        wrapped.set(key, fn);
      }
      return fn;
    },
  }) as PooledCursor<K>;
}

/** each(cb, onFinished?): errors mapped in the callback; a swallowed loss reaches it before onFinished. */
function eachArgs<C>(args: unknown[], link: CursorLink<C>, native: boolean): unknown[] {
  const [cb, onFinished, ...rest] = args;
  if (typeof cb !== 'function') return args;
  const row = (error: unknown, value?: unknown) => {
    if (error !== null && error !== undefined && !native) link.end(false);
    return (cb as (e: unknown, v?: unknown) => unknown)(error === null || error === undefined ? error : link.map(error), value);
  };
  const finished = () => {
    const hidden = link.hidden();
    if (hidden !== undefined) (cb as (e: unknown) => unknown)(hidden);
    if (!native) link.end(true);
    if (typeof onFinished === 'function') (onFinished as () => unknown)();
  };
  return [row, finished, ...rest];
}

/** eachAsync(handler, errCb?, options?): the final callback gets mapped errors. */
function eachAsyncArgs<C>(args: unknown[], link: CursorLink<C>): unknown[] {
  const [handler, second, ...rest] = args;
  if (typeof second !== 'function') return args;
  const final = (error: unknown) => (second as (e: unknown) => unknown)(error == null ? link.hidden() : link.map(error));
  return [handler, final, ...rest];
}

/** for await: a done that hides a loss rejects; an early exit closes the cursor. */
function iterate<C>(it: AsyncIterator<unknown>, link: CursorLink<C>, close: () => Promise<void>, native: boolean): AsyncIterableIterator<unknown> {
  return {
    next: () => it.next().then(
      (result) => {
        if (result.done) {
          const hidden = link.hidden();
          if (hidden !== undefined) throw hidden;
          if (!native) link.end(true);
        }
        return result;
      },
      (error: unknown) => {
        if (!native) link.end(false);
        throw link.hidden() ?? link.map(error);
      },
    ),
    return: async (value?: unknown) => {
      await close();
      return { done: true, value };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
