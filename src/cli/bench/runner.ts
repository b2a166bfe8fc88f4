// The load loop: C workers each send one operation at a time, back to back, until a
// duration passes, a query count is reached, or the signal aborts. It records every
// success's latency in a histogram, counts errors by type, and counts completions per
// second. It knows nothing of pools: the caller hands it the operation (lease mode, run
// mode, or a peer's pool in the e2e benchmark), so every subject is measured the same way.
import { performance } from 'node:perf_hooks';
import type { StopCondition } from './args.js';
import { LatencyHistogram } from './histogram.js';

/** One unit of work: a query sent and its full result received. */
export type Operation = () => Promise<unknown>;

/** One second of the run. */
export interface SecondSample {
  /** Seconds since the measured run began (0 = the first second). */
  readonly second: number;
  /**
   * How much of this second the run covered, ms: 1000, except for a last partial second
   * (a run of 3.5 s ends with 500; the queries that settle after a whole-second deadline
   * make a last "second" of a few ms).
   */
  readonly spanMs: number;
  readonly queries: number;
  readonly errors: number;
}

/** What the runner knows at a point in the run; given to the progress display. */
export interface RunSnapshot {
  readonly elapsedMs: number;
  readonly ok: number;
  readonly errors: number;
  /** p99 of the successes so far, microseconds. */
  readonly p99Us: number;
  /** Completions in the last full second. */
  readonly lastSecondQps: number;
  /** 0..1 of the stop condition reached. */
  readonly fraction: number;
}

export interface RunResult {
  readonly histogram: LatencyHistogram;
  readonly ok: number;
  readonly errors: number;
  readonly errorsByType: Readonly<Record<string, number>>;
  /** Wall time from the first operation sent to the last one settled. */
  readonly elapsedMs: number;
  readonly timeline: readonly SecondSample[];
  /** True when the signal stopped the run early. */
  readonly interrupted: boolean;
}

export interface RunnerOptions {
  readonly concurrency: number;
  readonly stop: StopCondition;
  readonly signal?: AbortSignal;
  /** Called about once a second while the run goes on. */
  readonly onTick?: (snapshot: RunSnapshot) => void;
  /** Names an error for the errors-by-type table (default: its code or name). */
  readonly classify?: (err: unknown) => string;
  /**
   * After an abort, how long to wait for operations in flight before reporting without
   * them: a stalled server must not make Ctrl-C hang (default 2000 ms).
   */
  readonly abortGraceMs?: number;
}

/** Default error key: a string `code` (PoolError subclasses, Node socket errors), else `name`. */
export function errorKey(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof err;
}

export async function runLoad(op: Operation, options: RunnerOptions): Promise<RunResult> {
  const { concurrency, stop, signal } = options;
  const classify = options.classify ?? errorKey;
  const histogram = new LatencyHistogram();
  const errorsByType: Record<string, number> = {};
  const perSecond: { queries: number; errors: number }[] = [];
  let ok = 0;
  let errors = 0;
  let issued = 0;
  let stopped = signal?.aborted ?? false;
  let interrupted = stopped;

  const start = performance.now();
  const bucket = (now: number): { queries: number; errors: number } => {
    const s = Math.floor((now - start) / 1000);
    while (perSecond.length <= s) perSecond.push({ queries: 0, errors: 0 });
    return perSecond[s]!;
  };

  const worker = async (): Promise<void> => {
    while (!stopped) {
      if (stop.kind === 'queries') {
        if (issued >= stop.count) return;
        issued++;
      }
      const t0 = performance.now();
      try {
        await op();
        const t1 = performance.now();
        histogram.record((t1 - t0) * 1000);
        ok++;
        bucket(t1).queries++;
      } catch (err) {
        errors++;
        const key = classify(err);
        errorsByType[key] = (errorsByType[key] ?? 0) + 1;
        bucket(performance.now()).errors++;
        // An error can settle within the microtask queue (a pool failing fast while the server
        // is down): yield to the event loop, or the deadline timer and Ctrl-C never run.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  };

  const snapshot = (): RunSnapshot => {
    const elapsedMs = performance.now() - start;
    const full = Math.floor(elapsedMs / 1000) - 1;
    const fraction = stop.kind === 'duration' ? elapsedMs / stop.ms : (ok + errors) / stop.count;
    return {
      elapsedMs,
      ok,
      errors,
      p99Us: histogram.percentile(99),
      lastSecondQps: full >= 0 ? perSecond[full]?.queries ?? 0 : ok / Math.max(elapsedMs / 1000, 1e-3),
      fraction: Math.min(1, fraction),
    };
  };

  let abortTimer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = (): void => {
      stopped = true;
      interrupted = true;
      abortTimer = setTimeout(resolve, options.abortGraceMs ?? 2000);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  const deadline =
    stop.kind === 'duration' ? setTimeout(() => { stopped = true; }, stop.ms) : undefined;
  const ticker = options.onTick ? setInterval(() => options.onTick!(snapshot()), 1000) : undefined;

  try {
    const workers = Array.from({ length: concurrency }, worker);
    await Promise.race([Promise.all(workers), aborted]);
  } finally {
    clearTimeout(deadline);
    clearTimeout(abortTimer);
    clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
  }
  const elapsedMs = performance.now() - start;
  return {
    histogram,
    ok,
    errors,
    errorsByType,
    elapsedMs,
    timeline: perSecond.map((s, second) => ({ second, spanMs: Math.min(1000, Math.round(elapsedMs - second * 1000)), ...s })),
    interrupted,
  };
}
