// One multiplexed query on a shared connection, once the connection is chosen: sends it
// (letting the driver adapter batch the writes of one tick into one), applies the
// `queryTimeoutMs` deadline, and ends the slot's in-flight query exactly once. This is the
// hot path of `run()`: no closure is created per call unless a deadline is set.
import { BATCH_WRITES } from '../drivers/connector.js';
import { now as clock } from './clock.js';
import { PoolQueryTimeoutError } from './errors.js';
import type { Slot } from './slot.js';

/** How one kind of call (`run()`, `cursor()`) uses its slot; one constant object per kind. */
export interface QueryKind<C, Q, R> {
  /** For the timeout error's message. */
  readonly what: 'run()' | 'cursor()';
  /**
   * `cursor()`: a result keeps the slot busy (the cursor unpins it later), so only a
   * failure ends the query here.
   */
  readonly pins: boolean;
  /** Sends `query` on `conn` (synchronously: the driver writes it before this returns). */
  send(query: Q, conn: C, runOptions: object | undefined): PromiseLike<R>;
  /** Turns the driver's result into what the caller gets (reads a cursor to an array). */
  finish?(result: R): R | Promise<R>;
  /** Disposes of a result that arrives after the deadline (closes a late cursor). */
  late(value: R): void;
}

/** Runs `query` on `slot` (its in-flight count already raised by `share()`). */
export async function runOnSlot<C, Q, R>(slot: Slot<C>, kind: QueryKind<C, Q, R>, query: Q, runOptions: object | undefined): Promise<R> {
  const server = slot.owner;
  const { connector, options } = server.ctx;
  const conn = slot.conn!;
  connector[BATCH_WRITES]?.(conn);
  if (options.queryTimeoutMs > 0) return withQueryDeadline(slot, kind, send(kind, query, conn, runOptions), options.queryTimeoutMs);
  let value: R;
  try {
    value = await kind.send(query, conn, runOptions);
    if (kind.finish) {
      const finished = kind.finish(value);
      value = finished instanceof Promise ? await finished : finished;
    }
  } catch (err) {
    server.done(slot, false);
    throw err;
  }
  answered(slot, kind);
  return value;
}

/** The query settled with an answer: the connection is known to work. */
function answered<C>(slot: Slot<C>, kind: { pins: boolean }): void {
  if (kind.pins) slot.checkedAt = clock();
  else slot.owner.done(slot, true);
}

function send<C, Q, R>(kind: QueryKind<C, Q, R>, query: Q, conn: C, runOptions: object | undefined): Promise<R> {
  let work: Promise<R>;
  try {
    work = Promise.resolve(kind.send(query, conn, runOptions));
  } catch (err) {
    return Promise.reject(err);
  }
  const { finish } = kind;
  return finish ? work.then((value) => finish(value)) : work;
}

function withQueryDeadline<C, Q, R>(slot: Slot<C>, kind: QueryKind<C, Q, R>, work: Promise<R>, timeoutMs: number): Promise<R> {
  const server = slot.owner;
  return new Promise<R>((resolve, reject) => {
    let timedOut = false;
    // Not unref'ed: the caller awaits this call, so it is real pending work.
    const timer = setTimeout(() => {
      timedOut = true;
      server.done(slot, false);
      suspect(slot);
      reject(new PoolQueryTimeoutError(kind.what, timeoutMs, server.server));
    }, timeoutMs);
    work.then(
      (value) => {
        if (timedOut) return kind.late(value);
        clearTimeout(timer);
        answered(slot, kind);
        resolve(value);
      },
      (error: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        server.done(slot, false);
        reject(error);
      },
    );
  });
}

/**
 * A query on `slot` missed its deadline: the connection may be stalled. Ping it now (a
 * failed ping closes it as broken, which also fails its other queries), or, if it is leased
 * or already being pinged, before its next hand-out.
 */
function suspect<C>(slot: Slot<C>): void {
  slot.checkedAt = -Infinity;
  if (slot.state === 'idle' && !slot.pinging && !slot.retiring) slot.owner.maintenance.keepalive(slot);
}
