// A resilient changefeed: `pool.changes(query)`. An async iterable of the query's items
// that survives its connection: when the connection is lost or its server fails, the same
// query runs again on a healthy connection (another server if there is one), with the
// pool's backoff, and the items go on. The gap is never hidden (`feedResumed`, optional
// markers), and with `converge` the rows deleted during it are removed (converge.ts). The
// consumer sets the pace: the next batch is asked for only as items are read.
import { backgroundTimer } from '../core/clock.js';
import type { ParsedQueryOptions } from '../core/call-options.js';
import { PoolAuthError, PoolConnectError, PoolConnectionLostError, PoolTimeoutError } from '../core/errors.js';
import { PoolQueryTimeoutError } from '../core/call-errors.js';
import { backoffDelay } from '../core/lifetime.js';
import type { Notifier } from '../core/notifier.js';
import type { Cluster } from '../cluster/cluster.js';
import { closeCursor, openCursor, type CursorLink } from '../cluster/cursor.js';
import type { CursorQuery } from '../cluster/query-types.js';
import { Work, type SlotHome } from '../server/slot.js';
import { Converge } from './converge.js';

/** Yielded with `markers: true`: a feed resumed (rows re-sent follow), and the re-sent rows ended. */
export interface FeedMarker {
  /** `resumed`: the feed runs again after a loss; `ready`: the rows re-sent after it ended. */
  readonly state: 'resumed' | 'ready';
}

/** How a feed reads its query (see the facade's `changes()`). */
export interface FeedSettings {
  readonly markers: boolean;
  readonly converge: boolean;
  readonly primaryKey: string;
  /** The query as the user gave it had `includeInitial` (so rows are re-sent after a resume). */
  readonly includeInitial: boolean;
  /** State items the pool asked for itself (the user did not): they are not yielded. */
  readonly ownStates: boolean;
  readonly query: object;
  readonly options: ParsedQueryOptions;
}

type Link = { cursor: { next(): Promise<unknown> }; link: CursorLink<unknown> };

/**
 * A changefeed from `pool.changes()`: `for await (const change of feed)`, `feed.close()`, or
 * `await using feed = pool.changes(...)`. See {@link AsyncConnectionPool.changes}.
 */
export class Feed<T = unknown> implements AsyncIterableIterator<T>, AsyncDisposable {
  #current: Link | undefined = undefined;
  #closed = false;
  #failure: unknown = undefined;
  /** Items to yield before reading more: markers and removals. */
  readonly #out: unknown[] = [];
  readonly #converge: Converge | undefined;
  /** When the connection was lost (for `feedResumed`), while a resume is under way. */
  #lostAt: number | undefined = undefined;
  #attempt = 0;
  #reading: Promise<IteratorResult<T>> = Promise.resolve({ done: false, value: undefined as T });
  #wake: (() => void) | undefined = undefined;
  #opened: Promise<void>;
  /**
   * Resolves once the feed's query runs on a server (changes written from then on reach
   * it), or when the feed ends first. Never rejects.
   */
  readonly ready: Promise<void>;
  #markReady: () => void = () => undefined;
  /**
   * Ends the read waiting on the driver, if one does: the official driver drops a pending
   * next() when its cursor is closed, without settling it. One per read, not a promise that
   * lives as long as the feed (a race against that would keep a reaction per change read).
   */
  #stopRead: (() => void) | undefined = undefined;
  /** Reads started or queued by next() and not finished. */
  #readers = 0;

  /** @param onEnd called once when the feed ends (closed, failed, or the pool released). */
  constructor(
    /** The feed's number in its pool (1, 2, ...), as in `feedResumed`. */
    readonly id: number,
    private readonly cluster: Cluster<unknown>,
    private readonly settings: FeedSettings,
    private readonly notify: Notifier,
    private readonly onEnd: (feed: Feed<T>) => void,
  ) {
    this.#converge = settings.converge ? new Converge(settings.primaryKey) : undefined;
    this.ready = new Promise<void>((resolve) => (this.#markReady = resolve));
    // Opened at once, so that changes made after the call are not missed. A first attempt
    // that fails for want of a connection is retried like a resume.
    // A first attempt that fails is a gap too (changes made meanwhile are missed): it is
    // reported as a resume once the feed runs.
    this.#opened = this.#connect(undefined).catch((error: unknown) => {
      if (!transient(error)) {
        this.#failure = error;
        return;
      }
      this.#attempt = 1;
      this.#lostAt = cluster.options.clock.now();
    });
    settings.options.signal?.addEventListener('abort', () => void this.#fail(settings.options.signal!.reason), { once: true });
  }

  /** The next item, in order; `done` once the feed is closed or the pool released. */
  next(): Promise<IteratorResult<T>> {
    // One reader at a time: a read waits for the one before it, if one is under way.
    const reading = this.#readers++ === 0 ? this.#read() : this.#reading.then(() => this.#read(), () => this.#read());
    this.#reading = reading;
    return reading;
  }

  /** Closes the feed (STOP for its query); the iteration ends. */
  async return(): Promise<IteratorResult<T>> {
    await this.close();
    return { done: true, value: undefined as T };
  }

  /** The feed itself: it is its own iterator (one reader at a time). */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using feed = pool.changes(...)`: closed at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Whether the feed has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the feed: its query is stopped, a read waiting for a change ends as done. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#end();
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) await closeCursor(current.cursor, current.link as CursorLink<unknown>, this.cluster.options.pingTimeoutMs, this.cluster).catch(() => undefined);
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.#stopRead?.();
    this.#markReady();
    this.onEnd(this);
  }

  #fail(error: unknown): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#failure = error;
    return this.close();
  }

  async #read(): Promise<IteratorResult<T>> {
    try {
      return await this.#readOne();
    } finally {
      this.#readers--;
    }
  }

  async #readOne(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#out.length > 0) return { done: false, value: this.#out.shift() as T };
      if (this.#failure !== undefined) {
        const error = this.#failure;
        this.#failure = undefined;
        await this.close();
        throw error;
      }
      if (this.#closed) return { done: true, value: undefined as T };
      if (this.#current === undefined) {
        await this.#opened;
        if (this.#current === undefined && this.#failure === undefined && !this.#closed) await this.#resume();
        continue;
      }
      const current = this.#current;
      if (this.#gap) {
        // The server skipped changes (its queue for this feed overflowed): resume to resync.
        this.#gap = false;
        this.#lost(current);
        continue;
      }
      let item: unknown;
      try {
        item = await this.#nextOf(current.cursor);
        if (item === ENDED) continue;
      } catch (raw) {
        if (this.#closed) continue;
        const error = current.link.hidden() ?? current.link.map(raw);
        if (transient(error)) {
          this.#lost(current);
          continue;
        }
        this.#failure = error;
        continue;
      } finally {
        this.#stopRead = undefined;
      }
      const value = this.#take(item);
      if (value !== NOTHING) return { done: false, value: value as T };
    }
  }

  /** The cursor's next item, or ENDED as soon as the feed ends (close() calls #stopRead). */
  #nextOf(cursor: Link['cursor']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#stopRead = () => resolve(ENDED);
      // A read the feed stopped waiting for may still fail later: reject() is then a no-op.
      cursor.next().then(resolve, reject);
    });
  }

  /** What a read yields of `item` (NOTHING for a state item the pool asked for itself). */
  #take(item: unknown): unknown {
    const state = (item as { state?: unknown } | null)?.state;
    // RethinkDB's note that it dropped changes for a slow reader: with converge, a resync follows.
    if (typeof (item as { error?: unknown } | null)?.error === 'string' && this.#converge && this.settings.includeInitial) this.#gap = true;
    const removals = this.#converge?.observe(item) ?? NO_REMOVALS;
    const resumedEnd = state === 'ready' && this.#resyncing;
    if (resumedEnd) this.#resyncing = false;
    if (state !== undefined && this.settings.ownStates) {
      this.#out.push(...removals);
      if (resumedEnd && this.settings.markers) this.#out.push({ state: 'ready' } satisfies FeedMarker);
      return NOTHING;
    }
    if (removals.length === 0) return item;
    this.#out.push(...removals.slice(1), item);
    return removals[0];
  }

  /** Rows are being re-sent after a resume, up to the server's `ready` state. */
  #resyncing = false;
  /** The server said it skipped changes: the next read resumes the feed. */
  #gap = false;

  #lost(current: Link): void {
    this.#current = undefined;
    this.#lostAt ??= this.cluster.options.clock.now();
    this.#avoid = current.link.server as SlotHome<unknown>;
    void closeCursor(current.cursor, current.link, this.cluster.options.pingTimeoutMs, this.cluster).catch(() => undefined);
  }

  /** The server of the connection lost: a resume goes elsewhere if it can. */
  #avoid: SlotHome<unknown> | undefined = undefined;

  /** Opens the feed's query again, with backoff between attempts, until it runs or the feed ends. */
  async #resume(): Promise<void> {
    const { baseMs, maxMs } = this.cluster.options.backoff;
    while (!this.#closed && this.#current === undefined) {
      if (this.#attempt > 0) await this.#sleep(backoffDelay(this.#attempt, baseMs, maxMs));
      if (this.#closed) return;
      try {
        await this.#connect(this.#avoid);
      } catch (error) {
        if (!transient(error)) throw error;
        this.#attempt++;
      }
    }
  }

  async #connect(avoid: SlotHome<unknown> | undefined): Promise<void> {
    const { settings, cluster } = this;
    const opened = await openCursor(cluster, settings.query as CursorQuery<unknown, object>, settings.options, Work.Feed, undefined, avoid);
    if (this.#closed) {
      await closeCursor(opened.cursor, opened.link, cluster.options.pingTimeoutMs, cluster).catch(() => undefined);
      return;
    }
    this.#current = { cursor: opened.cursor as unknown as Link['cursor'], link: opened.link as CursorLink<unknown> };
    this.#attempt = 0;
    this.#markReady();
    const lostAt = this.#lostAt;
    if (lostAt === undefined) return;
    // A resume: say so, and get ready for the re-sent rows.
    this.#lostAt = undefined;
    this.#avoid = undefined;
    const server = opened.link.server.label;
    this.notify.event('feedResumed', () => ({ feedId: this.id, server, downMs: cluster.options.clock.now() - lostAt }));
    if (settings.markers) this.#out.push({ state: 'resumed' } satisfies FeedMarker);
    if (settings.includeInitial) {
      this.#resyncing = true;
      this.#converge?.resynchronize();
    } else if (settings.markers) {
      this.#out.push({ state: 'ready' } satisfies FeedMarker);
    }
  }

  /** Waits `ms` on the pool's clock, or until the feed is closed. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = backgroundTimer(this.cluster.options.clock, () => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        this.cluster.options.clock.clearTimeout(timer);
        resolve();
      };
    });
  }
}

const NOTHING = Symbol('nothing');
const ENDED = Symbol('ended');

/** No removals to yield before an item (one shared array, not one per item). */
const NO_REMOVALS: readonly unknown[] = Object.freeze([]);

/**
 * Failures a feed resumes after: its connection or server was lost, or no connection could
 * be had for a while. Anything else (the table was dropped, a bad query, wrong credentials,
 * the pool closed) ends the feed with that error.
 */
function transient(error: unknown): boolean {
  if (error instanceof PoolAuthError) return false;
  return error instanceof PoolConnectionLostError || error instanceof PoolTimeoutError ||
    error instanceof PoolConnectError || error instanceof PoolQueryTimeoutError;
}
