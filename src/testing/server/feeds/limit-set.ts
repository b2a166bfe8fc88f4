// The first n rows of an `orderBy({index}).limit(n)` feed, as the client has seen them,
// and the change one written row makes to them (the real server's limit_sub_t): the row
// changes in place; or it leaves and the next row in order comes in (one item, `old_val`
// the row that left, `new_val` the one that came in); or it comes in and pushes the last
// row out; or, outside the set before and after, nothing. Offsets are positions in the
// set before (`old_offset`) and after (`new_offset`).
import { deepEqual } from '../reql/datum.js';
import type { LimitFeedSpec } from '../reql/feed-spec.js';
import { canonicalKey, type Doc } from '../store.js';
import type { Change } from './items.js';

export class LimitSet {
  /** The set as the client knows it (what the last change read from it left). */
  private shown: readonly Doc[];
  /** With squash: the set now, when it may differ from `shown`. */
  private latest: readonly Doc[] | undefined;

  constructor(private readonly spec: LimitFeedSpec) {
    this.shown = spec.initial;
  }

  /** The rows now, in order; the last known set if the query cannot be read again. */
  private now(): readonly Doc[] {
    try {
      return this.spec.top();
    } catch {
      return this.latest ?? this.shown;
    }
  }

  private keyOf(doc: Doc): string {
    return canonicalKey(doc[this.spec.primaryKey]);
  }

  private indexOf(rows: readonly Doc[], key: string): number {
    return rows.findIndex((d) => this.keyOf(d) === key);
  }

  /** What the write of row `key` changed in the set (the table already holds it). */
  change(key: string): Change | undefined {
    const before = this.shown;
    const after = this.now();
    this.shown = after;
    const b = this.indexOf(before, key);
    const a = this.indexOf(after, key);
    if (b < 0 && a < 0) return undefined;
    if (b >= 0 && a >= 0) {
      if (b === a && deepEqual(before[b], after[a])) return undefined;
      return { key, oldVal: before[b], newVal: after[a], oldOffset: b, newOffset: a };
    }
    if (b >= 0) {
      // The row left; the next one in order (if the table has one) took its place.
      const n = after.findIndex((d) => this.indexOf(before, this.keyOf(d)) < 0);
      return { key, oldVal: before[b], newVal: n < 0 ? null : after[n], oldOffset: b, newOffset: n < 0 ? null : n };
    }
    // The row came in; the row it pushed out, if the set was full.
    const o = before.findIndex((d) => this.indexOf(after, this.keyOf(d)) < 0);
    return { key, oldVal: o < 0 ? null : before[o], newVal: after[a], oldOffset: o < 0 ? null : o, newOffset: a };
  }

  /** With squash: notes a write; true when the set now differs from what the client saw. */
  touch(): boolean {
    this.latest = this.now();
    return this.differs();
  }

  differs(): boolean {
    const latest = this.latest;
    if (latest === undefined) return false;
    if (latest.length !== this.shown.length) return true;
    return latest.some((d, i) => !deepEqual(d, this.shown[i]));
  }

  /**
   * With squash: every difference between what the client saw and the set now, as few
   * items as possible (a row that left paired with one that came in).
   */
  drain(): Change[] {
    const before = this.shown;
    const after = this.latest ?? before;
    this.shown = after;
    this.latest = undefined;
    const out: Change[] = [];
    const left: number[] = [];
    const came: number[] = [];
    before.forEach((d, b) => {
      const a = this.indexOf(after, this.keyOf(d));
      if (a < 0) left.push(b);
      else if (a !== b || !deepEqual(d, after[a])) {
        out.push({ key: this.keyOf(d), oldVal: d, newVal: after[a], oldOffset: b, newOffset: a });
      }
    });
    after.forEach((d, a) => {
      if (this.indexOf(before, this.keyOf(d)) < 0) came.push(a);
    });
    for (let i = 0; i < Math.max(left.length, came.length); i++) {
      const b = left[i];
      const a = came[i];
      const oldVal = b === undefined ? null : before[b];
      const newVal = a === undefined ? null : after[a];
      const key = this.keyOf((oldVal ?? newVal) as Doc);
      out.push({ key, oldVal, newVal, oldOffset: b ?? null, newOffset: a ?? null });
    }
    return out;
  }
}
