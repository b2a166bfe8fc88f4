// What the pool did during the measured run, from its stats() snapshots: the gauges at the
// end, the highest value of each gauge over the samples, and the running totals (created,
// acquired, timeouts...) counted from the start of the measured run, so seeding and warm-up
// are left out. Each gauge peaks at its own moment: the peaks are not one snapshot.

/** Numeric fields of a stats() snapshot, by name. */
export type PoolCounts = Readonly<Record<string, number>>;

export interface PoolSummary {
  /** Gauges after the run: size, ready, idle, leased, opening, retiring, closing, waiting, inFlight, cursors, feeds. */
  readonly final: PoolCounts;
  /** The highest value of each gauge over the samples (idle left out: it peaks when nothing runs). */
  readonly peaks: PoolCounts;
  /** Running totals over the measured run only: the value at the end minus the one at its start. */
  readonly run: PoolCounts;
  /** Snapshots the peaks were taken from. */
  readonly samples: number;
}

/** Counts that go up and down; every other numeric field but `poolSize` is a running total. */
const GAUGES = ['size', 'ready', 'idle', 'leased', 'opening', 'retiring', 'closing', 'waiting', 'inFlight', 'cursors', 'feeds'] as const;
const NOT_PEAKED = new Set<string>(['idle']);
const CONFIG = new Set<string>(['poolSize']);

function numericFields(stats: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') out[k] = v;
  return out;
}

export interface PoolSampler {
  /** Takes the last sample and summarizes the run. */
  stop(): PoolSummary;
}

/**
 * Starts sampling now (the start of the measured run): one snapshot now, then one every
 * `everyMs` (ten a second by default, so short runs get peaks too and stats() stays off the
 * query path), and one at stop().
 */
export function startPoolSampler(stats: () => object, everyMs = 100): PoolSampler {
  const gauges = new Set<string>(GAUGES);
  const start = numericFields(stats());
  const peaks: Record<string, number> = {};
  let samples = 0;
  const sample = (): Record<string, number> => {
    const now = numericFields(stats());
    samples++;
    for (const k of GAUGES) {
      const v = now[k];
      if (v !== undefined && !NOT_PEAKED.has(k)) peaks[k] = Math.max(peaks[k] ?? v, v);
    }
    return now;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const end = sample();
      const final: Record<string, number> = {};
      const run: Record<string, number> = {};
      for (const [k, v] of Object.entries(end)) {
        if (gauges.has(k)) final[k] = v;
        else if (!CONFIG.has(k)) run[k] = v - (start[k] ?? 0);
      }
      return { final, peaks, run, samples };
    },
  };
}

/** "size 8, idle 8, leased 0", or n/a when the pool reported nothing. */
export function formatCounts(counts: PoolCounts): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'n/a' : entries.map(([k, v]) => `${k} ${Math.round(v).toLocaleString('en-US')}`).join(', ');
}
