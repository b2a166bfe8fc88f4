// The seeded fault plan of the chaos test (not a test file): a small PRNG, and a loop that
// injects one fault at a time into the test server or the fault proxy, holds it for a while,
// then undoes it. The seed decides the sequence of faults and their durations, so a failing
// run can be replayed with CHAOS_SEED=<n> (timings of the operations themselves still vary).
import type { FaultProxy, TestServer } from '../../src/testing/index.js';

/** mulberry32: a tiny, well-mixed 32-bit PRNG; enough for test plans, not for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed from CHAOS_SEED, or a fresh random one (printed by the test on failure). */
export function chaosSeed(): number {
  const env = process.env.CHAOS_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n)) throw new TypeError(`CHAOS_SEED must be an integer, got ${env}`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

export type FaultKind = 'drop' | 'reset' | 'blackhole' | 'pause' | 'latency' | 'restart';

/** Relative weights: frequent cheap faults, rarer restarts. */
const WEIGHTS: readonly [FaultKind, number][] = [
  ['drop', 3], ['reset', 3], ['blackhole', 2], ['pause', 2], ['latency', 3], ['restart', 1],
];

/** Highest proxy latency the plan sets (the connection monitor allows for it). */
export const MAX_LATENCY_MS = 40;

/** Time intervals during which the proxy held every byte (delivered when the blackhole ended). */
export interface Interval {
  start: number;
  end: number;
}

export interface FaultLog {
  counts: Record<FaultKind, number>;
  blackholes: Interval[];
  /** The down gap of each restart, ms. */
  restartGaps: number[];
}

export function pick(rng: () => number, weights: readonly [FaultKind, number][] = WEIGHTS): FaultKind {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [kind, w] of weights) {
    x -= w;
    if (x < 0) return kind;
  }
  return weights[weights.length - 1]![0];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Between `lo` and `hi` ms, from the plan's PRNG. */
function span(rng: () => number, lo: number, hi: number): number {
  return Math.round(lo + rng() * (hi - lo));
}

/**
 * Injects faults one after another until `durationMs` has passed, then leaves everything
 * healed (no blackhole, server resumed, no latency). Resolves with what it did.
 */
export async function runFaultPlan(
  seed: number, durationMs: number, server: TestServer, proxy: FaultProxy,
): Promise<FaultLog> {
  const rng = mulberry32(seed);
  const log: FaultLog = {
    counts: { drop: 0, reset: 0, blackhole: 0, pause: 0, latency: 0, restart: 0 },
    blackholes: [],
    restartGaps: [],
  };
  const end = Date.now() + durationMs;
  try {
    // A calm start, so that the pool is warm when the first fault lands.
    await sleep(span(rng, 200, 500));
    while (Date.now() < end) {
      const kind = pick(rng);
      log.counts[kind]++;
      switch (kind) {
        case 'drop':
          server.dropConnections();
          break;
        case 'reset':
          proxy.resetAll();
          break;
        case 'blackhole': {
          const interval = { start: Date.now(), end: Infinity };
          log.blackholes.push(interval);
          proxy.blackhole(true);
          await sleep(span(rng, 200, 1_500));
          proxy.blackhole(false);
          interval.end = Date.now();
          break;
        }
        case 'pause':
          server.pause();
          await sleep(span(rng, 200, 1_500));
          server.resume();
          break;
        case 'latency':
          proxy.setLatency(span(rng, 5, MAX_LATENCY_MS));
          await sleep(span(rng, 300, 2_000));
          proxy.setLatency(0);
          break;
        case 'restart': {
          // Down for a while, as a real restart is: behind the proxy, accept-then-close.
          const downMs = span(rng, 200, 2_000);
          log.restartGaps.push(downMs);
          await server.restart({ downMs });
          break;
        }
      }
      // No trailing calm: the plan ends as the last fault is undone, so the recovery the
      // test measures starts from a fault, not from a pool that has already healed.
      const gap = span(rng, 100, 700);
      if (Date.now() + gap >= end) break;
      await sleep(gap);
    }
  } finally {
    proxy.blackhole(false);
    proxy.setLatency(0);
    server.resume();
    const open = log.blackholes.at(-1);
    if (open && open.end === Infinity) open.end = Date.now();
  }
  return log;
}
