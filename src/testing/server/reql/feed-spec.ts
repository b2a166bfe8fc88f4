// What `changes()` evaluates to: a description of a changefeed, handed to the session's
// feed machinery (../feeds/) when it is the result of a query. The evaluator decides which
// rows belong to the feed and how they look; the feed machinery decides when items reach
// the client. Nothing is watched until the session starts the feed, so a FeedVal that is
// only inspected (`typeOf`) or refused costs nothing.
import { T, termName } from '../protocol.js';
import type { Doc, Table } from '../store.js';
import { logicError, type ReqlError } from './errors.js';
import { Special } from './values.js';

/** The optargs of `changes()`, checked. */
export interface FeedOptions {
  readonly includeInitial: boolean;
  readonly includeStates: boolean;
  readonly includeTypes: boolean;
  /** Only on `orderBy({index}).limit(n)` feeds, as on the real server. */
  readonly includeOffsets: boolean;
  /**
   * `false`; `true` (changes to one row are coalesced until the client reads); or seconds
   * the server waits before each answer, coalescing meanwhile.
   */
  readonly squash: boolean | number;
  /** `changefeed_queue_size`: changes kept for a client that does not read (100 000). */
  readonly queueSize: number;
}

interface FeedBase {
  readonly options: FeedOptions;
  /** The table to watch; undefined for a system table (computed rows: no change comes). */
  readonly table: Table | undefined;
  readonly primaryKey: string;
}

/** `changes()` on a table, or on filter/map/pluck/without... over one. */
export interface RangeFeedSpec extends FeedBase {
  readonly kind: 'range';
  /**
   * A row as the feed shows it (the query's transformations applied), or null when the
   * row is not in the selection. Undefined: rows as stored.
   */
  readonly transform: ((doc: Doc) => unknown) | undefined;
  /** With includeInitial: the selection's rows when the feed started, transformed. */
  readonly initial: readonly unknown[];
}

/** `get(key).changes()`. */
export interface PointFeedSpec extends FeedBase {
  readonly kind: 'point';
  readonly key: unknown;
  /** The row when the feed started (null when there is none). */
  readonly initial: Doc | null;
}

/** `orderBy({index}).limit(n).changes()`: the first n rows in index order. */
export interface LimitFeedSpec extends FeedBase {
  readonly kind: 'limit';
  /** The first n rows now, in order (the query read again). */
  top(): readonly Doc[];
  /** top() when the feed started. */
  readonly initial: readonly Doc[];
}

export type FeedSpec = RangeFeedSpec | PointFeedSpec | LimitFeedSpec;

/** A changefeed as a value: an endless stream that only the session can read. */
export class FeedVal extends Special {
  readonly valType = 'SEQUENCE';
  readonly typeOf = 'STREAM';
  constructor(readonly spec: FeedSpec) { super(); }
  describe(): string { return 'VALUE SEQUENCE'; }
}

/** Terms that read a whole sequence: the real server refuses them on a changefeed. */
const TERMINAL = new Set<number>([
  T.COUNT, T.REDUCE, T.FOLD, T.SUM, T.AVG, T.MIN, T.MAX, T.ORDER_BY, T.DISTINCT, T.GROUP, T.COERCE_TO,
]);

/** A term applied to the result of `changes()`. */
export function termOnFeed(type: number): ReqlError {
  if (TERMINAL.has(type)) {
    return logicError('Cannot call a terminal (`reduce`, `count`, etc.) on an infinite stream (such as a changefeed).');
  }
  const name = termName.get(type) ?? String(type);
  return logicError(`Term ${name} after CHANGES is not supported by the async-repool test server: ` +
    'transform the rows before `changes()` (r.table(t).filter(f).changes()), or the items in the application.');
}
