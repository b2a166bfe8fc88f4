// A log-bucketed latency histogram in the spirit of HdrHistogram: it records microseconds in
// a fixed array of counters, so a ten-minute run at 100k queries/s costs the same few KB as a
// short one, and any percentile is read back with a relative error under 1/64 (1.6 %).
//
// Layout: values below 128 µs each get their own bucket (exact). Above, every power of two
// [2^e, 2^(e+1)) is split into 64 equal sub-buckets, so the bucket width grows with the value
// and the error stays proportional. Values are capped at 2^32-1 µs (71 minutes).

const LINEAR = 128; // values 0..127 are exact
const SUB_BITS = 6; // 64 sub-buckets per power of two above LINEAR
const SUB = 1 << SUB_BITS;
const MAX_EXP = 31; // 2^31 <= v < 2^32 is the last power of two
const BUCKETS = LINEAR + (MAX_EXP - 6) * SUB; // powers 7..31 => 25 * 64
const MAX_VALUE = 0xffff_ffff;

/** Index of the bucket holding integer value v (0 <= v <= MAX_VALUE). */
function indexOf(v: number): number {
  if (v < LINEAR) return v;
  const e = 31 - Math.clz32(v); // floor(log2 v), >= 7
  const sub = (v >>> (e - SUB_BITS)) - SUB; // 0..63: the next 6 bits below the top one
  return LINEAR + (e - 7) * SUB + sub;
}

/** Lowest value of bucket i. */
function lowOf(i: number): number {
  if (i < LINEAR) return i;
  const k = i - LINEAR;
  const e = 7 + Math.floor(k / SUB);
  const sub = k % SUB;
  return (SUB + sub) * 2 ** (e - SUB_BITS);
}

/** Highest value of bucket i (inclusive). */
function highOf(i: number): number {
  return i + 1 < BUCKETS ? lowOf(i + 1) - 1 : MAX_VALUE;
}

/** One non-empty bucket, as reports draw them. */
export interface HistogramBucket {
  /** Lowest value in the bucket, microseconds. */
  readonly fromUs: number;
  /** Highest value in the bucket (inclusive), microseconds. */
  readonly toUs: number;
  readonly count: number;
}

export class LatencyHistogram {
  // Float64 counters: exact up to 2^53, so they cannot overflow in any realistic run.
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private minUs = Infinity;
  private maxUs = 0;

  /** Records one latency in microseconds (fractions are rounded; negatives count as 0). */
  record(us: number): void {
    const v = Math.min(MAX_VALUE, Math.max(0, Math.round(us)));
    this.counts[indexOf(v)]! += 1;
    this.total += 1;
    this.sum += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** Adds every count of `other` into this histogram. */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  get count(): number {
    return this.total;
  }

  /** Smallest recorded value (exact), or 0 when empty. */
  get min(): number {
    return this.total === 0 ? 0 : this.minUs;
  }

  /** Largest recorded value (exact), or 0 when empty. */
  get max(): number {
    return this.maxUs;
  }

  /** Mean of the recorded values (exact, after rounding each to a microsecond). */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * The value at percentile p (0..100): the highest value of the bucket that holds the
   * ceil(p% * count)-th smallest sample, clamped to the exact min and max. Reporting the top
   * of the bucket, as HdrHistogram does, errs on the pessimistic side. 0 when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxUs, Math.max(this.minUs, highOf(i)));
    }
    return this.maxUs;
  }

  /** The non-empty buckets, lowest first. */
  buckets(): HistogramBucket[] {
    const out: HistogramBucket[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const count = this.counts[i]!;
      if (count > 0) out.push({ fromUs: lowOf(i), toUs: highOf(i), count });
    }
    return out;
  }
}
