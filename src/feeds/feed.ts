// A resilient changefeed: `pool.changes(query)`. An async iterable of the query's items
// that survives its connection: when the connection is lost or its server fails, the same
// query runs again on a healthy connection (another server if there is one), with the
// pool's backoff, and the items go on. The gap is never hidden (`feedResumed`, optional
// markers), and with `converge` the rows deleted during it are removed (converge.ts). The
// consumer sets the pace: the next batch is asked for only as items are read.
import { backgroundTimer } from '../core/clock.js';
import { PoolAuthError, PoolConnectError, PoolConnectionLostError, PoolTimeoutError } from '../core/errors.js';
import { PoolQueryTimeoutError } from '../core/call-errors.js';
import { backoffDelay } from '../core/lifetime.js';
import type { Notifier } from '../core/notifier.js';
import type { Cluster } from '../cluster/cluster.js';
import { closeCursor, openCursor, type CursorLink } from '../cluster/cursor.js';
import type { CursorQuery } from '../cluster/query-types.js';
import { Work, type SlotHome } from '../server/slot.js';
import { HotRead } from './hot-read.js';
import { FeedItems, NOTHING, type FeedSettings } from './items.js';

export type { FeedMarker, FeedSettings } from './items.js';


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
  /** What the items read mean: queued items to yield, gaps, resyncs (items.ts). */
  readonly #items: FeedItems;
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
   * Ends the general read waiting on the driver, if one does: the official driver drops a
   * pending next() when its cursor is closed, without settling it. One per read, not a
   * promise that lives as long as the feed (a race against that would keep a reaction per
   * change read).
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
    this.#items = new FeedItems(settings);
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
    const reading = this.#readers++ === 0 ? this.#read() : this.#reading.then(this.#readNext, this.#readNext);
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
    this.#hot.stop();
    this.#stopRead?.();
    this.#markReady();
    this.onEnd(this);
  }

  #fail(error: unknown): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#failure = error;
    return this.close();
  }

  readonly #readNext = (): Promise<IteratorResult<T>> => this.#read();

  /** One item: by the hot read when the feed runs and nothing else is due (hot-read.ts), else by #readSlow. */
  #read(): Promise<IteratorResult<T>> {
    const current = this.#current;
    if (current === undefined || this.#items.out.length > 0 || this.#failure !== undefined || this.#closed || this.#items.gap) return this.#readSlow();
    return this.#hot.start(current);
  }

  readonly #hot = new HotRead<T, Link>({
    take: (item) => this.#items.take(item),
    failed: (link, raw) => this.#readFailed(link, raw),
    slow: () => this.#readSlow(),
    ended: () => {
      this.#readers--;
    },
  }, NOTHING);

  /** A read from the driver failed: a lost connection resumes the feed, anything else ends it. */
  #readFailed(current: Link, raw: unknown): void {
    if (this.#closed) return;
    const error = current.link.hidden() ?? current.link.map(raw);
    if (transient(error)) this.#lost(current);
    else this.#failure = error;
  }

  /** One item, by the general path (queued items, failures, resumes, the end). */
  async #readSlow(): Promise<IteratorResult<T>> {
    try {
      for (;;) {
        if (this.#items.out.length > 0) return { done: false, value: this.#items.out.shift() as T };
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
        if (this.#items.gap) {
          // The server skipped changes (its queue for this feed overflowed): resume to resync.
          this.#items.gap = false;
          this.#lost(current);
          continue;
        }
        let item: unknown;
        try {
          item = await this.#nextOf(current.cursor);
          if (item === ENDED) continue;
        } catch (raw) {
          this.#readFailed(current, raw);
          continue;
        } finally {
          this.#stopRead = undefined;
        }
        const value = this.#items.take(item);
        if (value !== NOTHING) return { done: false, value: value as T };
      }
    } finally {
      this.#readers--;
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
    this.#items.resumed();
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

const ENDED = Symbol('ended');


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
