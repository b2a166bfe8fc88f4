// The pool's clock for the hand-out and release paths. Date.now() costs ~50 ns here, about a
// third of a whole acquire+release, and those paths read the time for TTL, idle validation
// and hold times. The pool only needs the time to the event-loop turn (TTLs are minutes,
// validation thresholds a second), so a read is cached until the current turn ends, or for
// at most READS_PER_SAMPLE reads, so that a long chain of microtasks that never yields to the
// event loop still sees time move.
const READS_PER_SAMPLE = 256;
let cached = 0;
let reads = 0;
let scheduled = false;

function invalidate(): void {
  scheduled = false;
  reads = 0;
}

/** Milliseconds since the epoch, as of (at most) the start of the current event-loop turn. */
export function now(): number {
  if (reads > 0) {
    reads--;
    return cached;
  }
  cached = Date.now();
  reads = READS_PER_SAMPLE;
  if (!scheduled) {
    scheduled = true;
    // unref: a cached clock must never keep a program alive.
    setImmediate(invalidate).unref();
  }
  return cached;
}
