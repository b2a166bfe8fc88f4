// The per-call options of the pool's methods and their validation: like the constructor's
// options, an unknown key is a TypeError with a "did you mean", and a bad value names itself.
// `run()` and `cursor()` pass what is not the pool's to the driver, so there only keys close
// to one of the pool's own are refused (`timeuotMs`), the rest being the driver's.
import { bool, checkKeys, closest, describe, MAX_TIMER_MS, optionsObject } from './option-checks.js';

/** Options of one `acquire()` call (also taken by `connect()` and `withConnection()`). */
export interface AcquireOptions {
  /** Aborts the wait; the promise rejects with `signal.reason`. No effect once the connection is handed out. */
  signal?: AbortSignal;
  /** Deadline of this call in ms (1 to 2147483647). @default the pool's `acquireTimeoutMs` */
  timeoutMs?: number;
}

/** Options of `release()`. */
export interface ReleaseOptions {
  /** Close the connection (reason `discarded`) instead of reusing it, e.g. after a protocol error. @default false */
  discard?: boolean;
}

/** Options of `releasePool()`. */
export interface ReleasePoolOptions {
  /**
   * How long, in ms, leases, queries and cursors may go on before their connections are
   * closed anyway (0 to 2147483647). @default 30000
   */
  timeoutMs?: number;
}

/** The pool's own keys of `run()` and `cursor()` options; every other key goes to the driver's `run()`. */
export interface QueryOptions {
  /**
   * Deadline of the whole call in ms (waiting for a connection, sending, every row); then
   * STOP is sent and the call rejects with `PoolQueryTimeoutError`. @default the pool's `queryTimeoutMs` (0: none)
   */
  timeoutMs?: number;
  /** Aborts the call: STOP is sent and the call rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * `run()` only (cursor() and changes() refuse it): retry once on another connection (another
   * server if there is one) when the connection is lost: always when the query was not sent;
   * with `true`, also when it was (you declare the query idempotent). Auth and query errors
   * are never retried. @default false
   */
  retry?: boolean;
}

/** The pool's keys of query options. */
export const QUERY_KEYS = ['timeoutMs', 'signal', 'retry'] as const;

/** `acquire()`'s options, checked. */
export function acquireOptions(input: unknown, what = 'acquire()'): { signal: AbortSignal | undefined; timeoutMs: number | undefined } {
  if (input === undefined) return { signal: undefined, timeoutMs: undefined };
  const o = optionsObject(input, `${what} options`);
  checkKeys(o, ['signal', 'timeoutMs'], `${what} option`);
  return { signal: signalOf(o, what), timeoutMs: timeoutOf(o, what, 1) };
}

/** `release()`'s options, checked: whether to discard. */
export function releaseOptions(input: unknown): boolean {
  if (input === undefined) return false;
  const o = optionsObject(input, 'release() options');
  checkKeys(o, ['discard'], 'release() option');
  return bool(o, 'discard', false, 'release(): ');
}

/** `releasePool()`'s options, checked: its deadline. */
export function releasePoolOptions(input: unknown, dflt: number): number {
  if (input === undefined) return dflt;
  const o = optionsObject(input, 'releasePool() options');
  checkKeys(o, ['timeoutMs'], 'releasePool() option');
  return timeoutOf(o, 'releasePool()', 0) ?? dflt;
}

/** A query call's options: the pool's keys checked, the rest (`driver`) for the driver's run(). */
export interface ParsedQueryOptions {
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly retry: boolean;
  readonly driver: object | undefined;
}

const NO_QUERY_OPTIONS: ParsedQueryOptions = Object.freeze({ timeoutMs: undefined, signal: undefined, retry: false, driver: undefined });

/**
 * Why `retry` is refused by the calls that cannot retry (it is never silently ignored):
 * rows a cursor already gave out could come again; a feed resumes by itself.
 */
const NO_RETRY: Readonly<Record<string, string>> = {
  'cursor()': 'cursor(): retry is for run() only (a cursor reopened elsewhere could give rows again); catch PoolConnectionLostError and open the cursor again if your reading allows it',
  'changes()': 'changes(): retry is for run() only; a feed resumes by itself after a lost connection (see feedResumed and markers)',
};

/** Splits `run()`/`cursor()` options into the pool's and the driver's. */
export function queryOptions(input: unknown, what: string, extraKeys: readonly string[] = []): ParsedQueryOptions {
  if (input === undefined) return NO_QUERY_OPTIONS;
  const o = optionsObject(input, `${what} options`);
  const noRetry = NO_RETRY[what];
  if (noRetry !== undefined && o.retry !== undefined) throw new TypeError(noRetry);
  const own = [...QUERY_KEYS, ...extraKeys];
  let driver: Record<string, unknown> | undefined;
  for (const key of Object.keys(o)) {
    if (own.includes(key)) continue;
    const near = closest(key, own);
    if (near !== undefined && near.toLowerCase() !== key.toLowerCase() && !DRIVER_RUN_KEYS.has(key)) {
      throw new TypeError(`unknown ${what} option ${key}; did you mean ${near}? (other keys go to the driver's run())`);
    }
    driver ??= {};
    driver[key] = o[key];
  }
  return { timeoutMs: timeoutOf(o, what, 1), signal: signalOf(o, what), retry: bool(o, 'retry', false, `${what}: `), driver };
}

/** Run options of the drivers, never taken for a misspelled pool key. */
const DRIVER_RUN_KEYS: ReadonlySet<string> = new Set([
  'readMode', 'timeFormat', 'profile', 'durability', 'groupFormat', 'noreply', 'db', 'arrayLimit',
  'binaryFormat', 'minBatchRows', 'maxBatchRows', 'maxBatchBytes', 'maxBatchSeconds', 'firstBatchScaledownFactor',
]);

function signalOf(o: Record<string, unknown>, what: string): AbortSignal | undefined {
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${what}: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal;
}

function timeoutOf(o: Record<string, unknown>, what: string, min: number): number | undefined {
  const t = o.timeoutMs;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < min || t > MAX_TIMER_MS) {
    throw new TypeError(`${what}: timeoutMs must be an integer from ${min} to ${MAX_TIMER_MS}, got ${describe(t)}`);
  }
  return t;
}

/** The caller's stack, for leak reports; frames from `above` up are left out. */
export function captureStack(above: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, above);
  // V8's stack starts with the error's name line ("Error"): the frames follow it.
  const frames = (holder.stack ?? '').split('\n').slice(1).join('\n');
  return `acquire() called\n${frames}`;
}

/** Options of `changes()`: the pool's feed keys and query keys; every other key goes to the driver. */
export interface ChangesOptions extends QueryOptions {
  /**
   * Yield `{ state: 'resumed' }` when the feed resumes after a loss (before the re-sent rows,
   * with `includeInitial`) and `{ state: 'ready' }` after them. @default false
   */
  markers?: boolean;
  /**
   * After a resume, emit `{ old_val, new_val: null }` for every row the feed delivered that the
   * re-sent rows no longer contain (deleted during the gap), so that a consumer applying items
   * by primary key converges to the table. Needs `includeInitial: true` on the query.
   * @default false
   */
  converge?: boolean;
  /** The primary key of the rows (for `converge`). @default 'id' */
  primaryKey?: string;
}

/** `changes()` options, checked; the query keys as for run(). */
export function changesOptions(input: unknown): ParsedQueryOptions & { markers: boolean; converge: boolean; primaryKey: string } {
  const parsed = queryOptions(input, 'changes()', ['markers', 'converge', 'primaryKey']);
  const o = optionsObject(input, 'changes() options');
  const primaryKey = o.primaryKey ?? 'id';
  if (typeof primaryKey !== 'string' || primaryKey === '') {
    throw new TypeError(`changes(): primaryKey must be a non-empty string, got ${describe(primaryKey)}`);
  }
  const driver = parsed.driver === undefined ? undefined : Object.fromEntries(
    Object.entries(parsed.driver).filter(([k]) => k !== 'markers' && k !== 'converge' && k !== 'primaryKey'),
  );
  return {
    ...parsed,
    driver: driver !== undefined && Object.keys(driver).length > 0 ? driver : undefined,
    markers: bool(o, 'markers', false, 'changes(): '),
    converge: bool(o, 'converge', false, 'changes(): '),
    primaryKey,
  };
}
