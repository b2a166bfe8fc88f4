// One multiplexed query: a connection from the cluster, the query sent on it, every row
// read, with the call's deadline and abort signal (STOP sent for the query's token when they
// fire) and the connection's loss turned into PoolConnectionLostError; `retry` runs it once
// more, on another connection, when that is safe.
import { PoolQueryTimeoutError } from '../core/call-errors.js';
import type { ParsedQueryOptions } from '../core/call-options.js';
import { PoolConnectionLostError } from '../core/errors.js';
import type { Driver } from '../drivers/driver.js';
import type { ServerPool } from '../server/server-pool.js';
import { Work, type Slot, type SlotHome } from '../server/slot.js';
import type { Cluster } from './cluster.js';
import { isCursor, isFeed, type RunnableQuery } from './query-types.js';

/** Runs `query` on a shared connection; cursors are read to an array. */
export async function runQuery<C>(cluster: Cluster<C>, query: RunnableQuery<C>, o: ParsedQueryOptions, traced?: (slot: Slot<C>) => void): Promise<unknown> {
  const { options } = cluster;
  const { clock, acquireTimeoutMs } = options;
  const timeoutMs = o.timeoutMs ?? options.queryTimeoutMs;
  const start = timeoutMs > 0 ? clock.now() : 0;
  let avoid: SlotHome<C> | undefined;
  for (let tries = 0; ; tries++) {
    const remaining = timeoutMs > 0 ? timeoutMs - (clock.now() - start) : 0;
    if (timeoutMs > 0 && remaining <= 0) throw new PoolQueryTimeoutError('run()', timeoutMs, '');
    // The wait for a connection is bounded by what is left of the call's deadline when the
    // caller set one (as acquire({ timeoutMs }) does), else by the shorter of the two.
    const own = remaining > 0 && (o.timeoutMs !== undefined || remaining < acquireTimeoutMs);
    const picked = cluster.share(Work.Query, own ? remaining : acquireTimeoutMs, o.signal,
      own ? () => new PoolQueryTimeoutError('run()', timeoutMs, '') : undefined, avoid);
    const slot = picked instanceof Promise ? await picked : picked;
    traced?.(slot);
    try {
      return await execute(cluster, slot, query, o, remaining, timeoutMs);
    } catch (error) {
      // Safe to retry: it never reached the server, or the caller declared it idempotent.
      if (tries > 0 || !(error instanceof PoolConnectionLostError) || !(!error.sent || o.retry)) throw error;
      avoid = slot.home;
      // A server that drops one connection (a restart, a proxy gone) mostly drops them all at
      // once: one turn of the event loop lets the other losses land before one is picked.
      if (error.sent) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** Sends and reads one query on `slot` (its work already counted). */
function execute<C>(
  cluster: Cluster<C>, slot: Slot<C>, query: RunnableQuery<C>, o: ParsedQueryOptions, remainingMs: number, timeoutMs: number,
): Promise<unknown> {
  const server = slot.home as ServerPool<C>;
  const { driver } = cluster.options;
  const conn = slot.conn!;
  if (server.lost(slot)) {
    server.endWork(slot, Work.Query, false);
    server.dead(slot);
    return Promise.reject(new PoolConnectionLostError(server.label, false, undefined, 'the connection was found closed'));
  }
  const token = driver.nextToken?.(conn);
  // rethinkdb-ts resolves the rows read so far when the connection dies: watch for its last answer.
  let final = !driver.swallowsLoss;
  if (!final && token !== undefined) driver.watchQuery?.(conn, token, () => (final = true));
  let ended = false;
  const end = (answered: boolean) => {
    if (ended) return;
    ended = true;
    server.endWork(slot, Work.Query, answered);
  };
  driver.batchWrites(conn);
  let sent: Promise<unknown>;
  try {
    sent = driver.start?.(conn, query, o.driver) ?? Promise.resolve(query.run(conn, o.driver));
  } catch (error) {
    sent = Promise.reject(error);
  }
  const done = sent.then((value) => (isCursor(value) ? readAll(value, driver) : value)).then(
    (value) => {
      if (!final && server.lost(slot)) throw lostError(server, new Error('the connection closed before the last batch'));
      end(true);
      return value;
    },
    (error: unknown) => {
      if (error instanceof PoolConnectionLostError) {
        end(false);
        throw error;
      }
      const loss = server.lost(slot) && driver.isConnectionLoss(error);
      end(!loss);
      throw loss ? lostError(server, error) : error;
    },
  );
  if (remainingMs <= 0 && o.signal === undefined) return done;
  return new Promise((resolve, reject) => {
    const { clock } = cluster.options;
    let over = false;
    const stop = (error: unknown, late: boolean) => {
      if (over) return;
      over = true;
      finish();
      if (token !== undefined) driver.stopQuery(conn, token);
      // A query past its deadline may mean a stalled connection: it is checked before more work.
      if (late) slot.checkedAt = -Infinity;
      end(false);
      if (late) server.suspect(slot);
      reject(error);
    };
    // Not unref'd: the caller awaits this call.
    const timer = remainingMs > 0 ? clock.setTimeout(() => stop(new PoolQueryTimeoutError('run()', timeoutMs, server.label), true), remainingMs) : undefined;
    const { signal } = o;
    const onAbort = () => stop(signal!.reason, false);
    const finish = () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    done.then(
      (value) => {
        if (over) return;
        over = true;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (over) return;
        over = true;
        finish();
        reject(error);
      },
    );
  });
}

function lostError<C>(server: ServerPool<C>, cause: unknown): PoolConnectionLostError {
  return new PoolConnectionLostError(server.label, true, cause);
}

/** Reads a cursor to the end and closes it; a feed is refused (it never ends). */
async function readAll<C>(cursor: { toArray(): Promise<unknown>; close(): unknown }, driver: Driver<C>): Promise<unknown> {
  if (isFeed(cursor)) {
    void Promise.resolve(cursor.close()).catch(() => undefined);
    throw new TypeError('run() reads a result to the end, and a changefeed never ends: use pool.changes() (or pool.cursor()) for it');
  }
  try {
    const rows = await cursor.toArray();
    const hidden = driver.hiddenCursorError(cursor);
    if (hidden !== undefined) throw hidden;
    // The official driver returns array results (`r.expr([1, 2])`, `r.dbList()`, `orderBy()`
    // without an index) as an ArrayResult: an array with cursor methods, whose toArray()
    // resolves to the array itself and whose close() empties it. Copy before closing.
    return rows === cursor && Array.isArray(rows) ? Array.prototype.slice.call(rows) : rows;
  } finally {
    try {
      await cursor.close();
    } catch {
      // The rows are read; a failing close changes nothing for the caller.
    }
  }
}
