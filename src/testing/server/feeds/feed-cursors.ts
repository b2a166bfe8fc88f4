// The changefeeds of one connection, by token, and when their batches are answered, as
// on the real server (src/rdb_protocol/changefeed.cc, subscription_t::get_els; and
// query_cache.cc): the START is answered at once, with what is ready (states, initial
// rows) or an empty batch; a CONTINUE is answered as soon as there is something to send
// and waits otherwise (never an empty batch); with `squash: <seconds>` each CONTINUE
// first waits that long (less if the queue passes half its size) while changes coalesce;
// STOP answers a waiting CONTINUE and itself with an empty SUCCESS_SEQUENCE; a dropped
// table ends the feed with RUNTIME_ERROR OP_FAILED "Changefeed aborted (unavailable).".
import { ErrorType, ResponseType } from '../protocol.js';
import type { FeedSpec } from '../reql/feed-spec.js';
import { errorResponse, runtimeError } from '../reql/errors.js';
import { Feed, type FeedRead } from './feed.js';

/** The real server's default max_batch_bytes (1 MiB), scaled down by 4 for a first batch. */
export const BATCH_BYTES = 1024 * 1024;
export const FIRST_BATCH_BYTES = BATCH_BYTES / 4;

const STOPPED = `{"t":${ResponseType.SUCCESS_SEQUENCE},"r":[],"n":[]}`;
const ABORTED = errorResponse(runtimeError(ErrorType.OP_FAILED, 'Changefeed aborted (unavailable).'));

interface OpenFeed {
  readonly token: number;
  readonly feed: Feed;
  /** CONTINUEs not answered yet (drivers send one at a time; more wait their turn). */
  waiting: number;
  /** A squash window is open: the answer waits for it. */
  timer: NodeJS.Timeout | undefined;
  /** An answer is due at the next microtask (all of one write's changes go together). */
  scheduled: boolean;
  /** The last batch stopped at the size limit: the next read does not wait for a window. */
  midBatch: boolean;
  closed: boolean;
}

export class FeedCursors {
  private readonly open = new Map<number, OpenFeed>();

  constructor(
    /** Sends a response body on a token, later (the session frames it). */
    private readonly send: (token: number, body: string) => void,
    /** The server's count of open feeds. */
    private readonly counters: { feeds: number },
  ) {}

  has(token: number): boolean {
    return this.open.has(token);
  }

  get size(): number {
    return this.open.size;
  }

  /** Starts a feed; returns the first batch's body (`extra` goes before `"n"`: the profile). */
  start(token: number, spec: FeedSpec, extra = ''): string {
    const feed = new Feed(spec);
    const entry: OpenFeed = { token, feed, waiting: 0, timer: undefined, scheduled: false, midBatch: false, closed: false };
    this.open.set(token, entry);
    this.counters.feeds++;
    feed.onReady = () => this.wake(entry);
    return this.batch(entry, FIRST_BATCH_BYTES, extra);
  }

  /** A CONTINUE: the body to send now, or undefined when the answer comes later. */
  continue(token: number): string | undefined {
    const entry = this.open.get(token);
    if (entry === undefined) return undefined;
    entry.waiting++;
    if (entry.waiting > 1 || entry.timer !== undefined) return undefined;
    return this.arm(entry) ? this.answer(entry) : undefined;
  }

  /** A STOP: answers what waits, forgets the feed, and returns the STOP's own answer. */
  stop(token: number): string {
    const entry = this.open.get(token);
    if (entry !== undefined) {
      const waiting = entry.waiting;
      this.close(entry);
      for (let i = 0; i < waiting; i++) this.send(token, STOPPED);
    }
    return STOPPED;
  }

  /** The connection is gone: every feed stops watching, every timer is cleared. */
  closeAll(): void {
    for (const entry of [...this.open.values()]) this.close(entry);
  }

  private close(entry: OpenFeed): void {
    if (entry.closed) return;
    this.counters.feeds--;
    entry.closed = true;
    entry.waiting = 0;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.feed.close();
    this.open.delete(entry.token);
  }

  /**
   * Readies the answer to the oldest waiting CONTINUE: true when it can go now; otherwise
   * a squash window opens or the feed's next change will wake it.
   */
  private arm(entry: OpenFeed): boolean {
    const { squash } = entry.feed.spec.options;
    if (typeof squash === 'number' && squash > 0 && !entry.midBatch && !entry.feed.nearlyFull) {
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        this.flush(entry);
      }, squash * 1000);
      return false;
    }
    return entry.feed.ready;
  }

  /** A change (or the end) reached the feed, inside a write. */
  private wake(entry: OpenFeed): void {
    if (entry.closed || entry.waiting === 0) return;
    if (entry.timer !== undefined) {
      if (!entry.feed.nearlyFull) return;
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    if (entry.scheduled) return;
    entry.scheduled = true;
    queueMicrotask(() => {
      entry.scheduled = false;
      this.flush(entry);
    });
  }

  /** Answers waiting CONTINUEs while there is something to send. */
  private flush(entry: OpenFeed): void {
    while (!entry.closed && entry.waiting > 0 && entry.timer === undefined && entry.feed.ready) {
      const body = this.answer(entry);
      if (body !== undefined) this.send(entry.token, body);
      if (entry.closed || entry.waiting === 0 || !this.arm(entry)) return;
    }
  }

  /** The answer to one waiting CONTINUE (the feed is ready). */
  private answer(entry: OpenFeed): string | undefined {
    entry.waiting--;
    return this.batch(entry, BATCH_BYTES, '');
  }

  private batch(entry: OpenFeed, budget: number, extra: string): string {
    let read: FeedRead;
    try {
      read = entry.feed.read(budget);
    } catch (err) {
      this.close(entry);
      const detail = err instanceof Error ? err.message : String(err);
      return errorResponse(runtimeError(ErrorType.INTERNAL, `Internal error in the test server's changefeed: ${detail}`));
    }
    if (read === 'ended') {
      this.close(entry);
      return ABORTED;
    }
    entry.midBatch = entry.feed.ready;
    return `{"t":${ResponseType.SUCCESS_PARTIAL},"r":[${read.items.join(',')}],${extra}"n":${entry.feed.notes}}`;
  }
}
