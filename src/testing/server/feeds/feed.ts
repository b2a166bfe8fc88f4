// One running changefeed: watches its table and turns each written row into the items the
// client will read, first the prelude (states and initial rows, as the real server sends
// them: `initializing`, the rows, `ready`), then the changes in the order the rows were
// written. It holds items until the client asks (see FeedCursors) and never more than the
// queue allows (see ChangeQueue). A dropped table ends it.
import { deepEqual } from '../reql/datum.js';
import type { FeedSpec } from '../reql/feed-spec.js';
import { ResponseNote } from '../protocol.js';
import { canonicalKey, type Doc, type TableObserver } from '../store.js';
import { ChangeQueue } from './change-queue.js';
import { changeItem, initialItem, overflowItem, stateItem, type Change, type ItemOptions } from './items.js';
import { LimitSet } from './limit-set.js';

/** A batch's items, each as JSON text. */
export type FeedRead = { readonly items: readonly string[] } | 'ended';

const KIND_NOTE = {
  range: ResponseNote.SEQUENCE_FEED,
  point: ResponseNote.ATOM_FEED,
  limit: ResponseNote.ORDER_BY_LIMIT_FEED,
} as const;

export class Feed implements TableObserver {
  /** Items due before any change; `next` is the first not yet read. */
  private prelude: object[] = [];
  private next = 0;
  /**
   * Where a batch must end in the prelude: the real server sends a table feed's initial
   * rows as a stream of their own, and `ready` (and the changes) only in a later batch.
   */
  private preludeBreak = -1;
  private readonly queue: ChangeQueue;
  private readonly limitSet: LimitSet | undefined;
  /** A squashed limit feed: the set differs from what the client saw. */
  private limitPending = false;
  private readonly pointKey: string | undefined;
  private readonly items: ItemOptions;
  private readonly unwatch: () => void;
  private ended = false;
  private closed = false;
  /** `n` of every batch: the kind of feed, then INCLUDES_STATES. */
  readonly notes: string;
  /** Called (synchronously, inside the write) when a read would return something. */
  onReady: (() => void) | undefined;

  constructor(readonly spec: FeedSpec) {
    const o = spec.options;
    this.items = { includeTypes: o.includeTypes, includeOffsets: o.includeOffsets };
    this.queue = new ChangeQueue(o.squash !== false && spec.kind !== 'limit', o.queueSize);
    this.notes = `[${KIND_NOTE[spec.kind]}${o.includeStates ? `,${ResponseNote.INCLUDES_STATES}` : ''}]`;
    if (spec.kind === 'limit') this.limitSet = new LimitSet(spec);
    if (spec.kind === 'point') this.pointKey = canonicalKey(spec.key);
    this.prelude = this.startItems();
    this.unwatch = spec.table?.watch(this) ?? (() => {});
  }

  private startItems(): object[] {
    const { spec, items } = this;
    const o = spec.options;
    const out: object[] = [];
    if (o.includeInitial) {
      if (o.includeStates) out.push(stateItem('initializing', items));
      if (spec.kind === 'point') out.push(initialItem(spec.initial, items));
      else {
        spec.initial.forEach((row, i) => {
          if (row !== null) out.push(initialItem(row, items, i));
        });
      }
      if (spec.kind === 'range') this.preludeBreak = out.length;
    }
    if (o.includeStates) out.push(stateItem('ready', items));
    return out;
  }

  /** Whether a read would return something now (items, the overflow notice, or the end). */
  get ready(): boolean {
    return this.ended || this.queue.skipped > 0 || this.next < this.prelude.length || this.queue.size > 0 ||
      this.limitPending;
  }

  /** More than half the queue is used: a squash wait ends early, as on the real server. */
  get nearlyFull(): boolean {
    return this.queue.size > this.spec.options.queueSize / 2;
  }

  change(oldDoc: Doc | null, newDoc: Doc | null): void {
    if (this.closed || this.ended) return;
    const spec = this.spec;
    const doc = (newDoc ?? oldDoc) as Doc;
    const key = canonicalKey(doc[spec.primaryKey]);
    if (spec.kind === 'range') {
      const t = spec.transform;
      const oldVal = t === undefined || oldDoc === null ? oldDoc : t(oldDoc);
      const newVal = t === undefined || newDoc === null ? newDoc : t(newDoc);
      if (t !== undefined && deepEqual(oldVal ?? null, newVal ?? null)) return;
      this.queue.add({ key, oldVal, newVal });
    } else if (spec.kind === 'point') {
      if (key !== this.pointKey) return;
      this.queue.add({ key, oldVal: oldDoc, newVal: newDoc });
    } else if (spec.options.squash !== false) {
      this.limitPending = (this.limitSet as LimitSet).touch();
      if (!this.limitPending) return;
    } else {
      const c = (this.limitSet as LimitSet).change(key);
      if (c === undefined) return;
      this.queue.add(c);
    }
    this.onReady?.();
  }

  dropped(): void {
    if (this.closed) return;
    this.ended = true;
    this.queue.clear();
    this.prelude = [];
    this.onReady?.();
  }

  /**
   * The next batch: the overflow notice alone if changes were dropped, else items up to
   * about `budget` bytes (at least one). 'ended' once the table is gone.
   */
  read(budget: number): FeedRead {
    if (this.ended) return 'ended';
    const skipped = this.queue.takeSkipped();
    if (skipped > 0) return { items: [JSON.stringify(overflowItem(skipped))] };
    const out: string[] = [];
    let bytes = 0;
    const push = (item: object): void => {
      const text = JSON.stringify(item);
      out.push(text);
      bytes += text.length + 1;
    };
    const room = (): boolean => out.length === 0 || bytes < budget;
    const start = this.next;
    while (this.next < this.prelude.length) {
      if (out.length > 0 && (bytes >= budget || this.next === this.preludeBreak)) break;
      push(this.prelude[this.next++] as object);
    }
    const reachedBreak = this.preludeBreak > start && this.next === this.preludeBreak;
    if (this.next >= this.prelude.length) {
      this.prelude = [];
      this.next = 0;
      this.preludeBreak = -1;
    }
    if (this.prelude.length > 0 || reachedBreak) return { items: out };
    if (this.limitPending && room()) {
      this.limitPending = false;
      for (const c of (this.limitSet as LimitSet).drain()) this.queue.add(c);
    }
    while (this.queue.size > 0 && room()) {
      const item = changeItem(this.queue.shift() as Change, this.items);
      if (item !== undefined) push(item);
    }
    return { items: out };
  }

  /** Stops watching and forgets what is held. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    this.queue.clear();
    this.prelude = [];
  }
}
