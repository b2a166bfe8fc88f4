// The feed workload's part of the report: what the changefeeds delivered, and how late.
import type { FeedStats } from './feed-meter.js';
import { usToMs } from './format.js';

export interface FeedSection {
  readonly feeds: number;
  readonly changes: number;
  readonly changesPerSecond: number;
  /** Changes that came before their write's answer (counted as 0 ms). */
  readonly beforeAck: number;
  /** From a write's acknowledgement to the change at a feed, milliseconds. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
}

export function feedSection(stats: FeedStats): FeedSection {
  const h = stats.histogram;
  return {
    feeds: stats.feeds,
    changes: stats.changes,
    // Over the changes' own span: the last ones arrive after the writers stopped.
    changesPerSecond: Math.round((stats.changes / Math.max(stats.spanMs, 1e-3)) * 1000 * 10) / 10,
    beforeAck: stats.beforeAck,
    latency: { p50: usToMs(h.percentile(50)), p99: usToMs(h.percentile(99)), max: usToMs(h.max) },
  };
}
