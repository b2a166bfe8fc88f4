// The changes a feed holds for its client until it reads them, bounded as on the real
// server (src/rdb_protocol/changefeed.cc, flat_sub_t::add_el): when a change makes the
// queue longer than `changefeed_queue_size`, every queued change is dropped and counted,
// and the client's next read gets one item `{error: "Changefeed cache over array size
// limit, skipped N elements."}` before the changes that came after. With `squash`, the
// queue holds one change per row (squashing_queue_t): a later change keeps the first one's
// `old_val` and its place in line, and a row whose changes cancel out (inserted then
// deleted, or changed back) leaves the queue.
import { deepEqual } from '../reql/datum.js';
import type { Change } from './items.js';

export class ChangeQueue {
  /** Without squash: changes in order; `head` is the next to read (no O(n) shift). */
  private list: Change[] = [];
  private head = 0;
  /** With squash: one change per key, in the order keys first came. */
  private readonly byKey = new Map<string, Change>();
  private dropped = 0;

  constructor(
    readonly squash: boolean,
    /** Most changes held; one more and the queue is emptied (see above). */
    readonly limit: number,
  ) {}

  get size(): number {
    return this.squash ? this.byKey.size : this.list.length - this.head;
  }

  /** Changes dropped since the client was last told. */
  get skipped(): number {
    return this.dropped;
  }

  /** The count for the overflow item, reset: the client is being told now. */
  takeSkipped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  add(c: Change): void {
    if (this.squash) this.coalesce(c);
    else this.list.push(c);
    if (this.size > this.limit) {
      this.dropped += this.size;
      this.clear();
    }
  }

  shift(): Change | undefined {
    if (this.squash) {
      const first = this.byKey.entries().next();
      if (first.done === true) return undefined;
      this.byKey.delete(first.value[0]);
      return first.value[1];
    }
    if (this.head >= this.list.length) return undefined;
    const c = this.list[this.head] as Change;
    this.head++;
    if (this.head === this.list.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    return c;
  }

  clear(): void {
    this.list = [];
    this.head = 0;
    this.byKey.clear();
  }

  private coalesce(c: Change): void {
    const prev = this.byKey.get(c.key);
    if (prev === undefined) {
      this.byKey.set(c.key, c);
      return;
    }
    const oldVal = prev.oldVal ?? null;
    const newVal = c.newVal ?? null;
    if ((oldVal === null && newVal === null) || deepEqual(oldVal, newVal)) this.byKey.delete(c.key);
    else this.byKey.set(c.key, { key: c.key, oldVal, newVal });
  }
}
