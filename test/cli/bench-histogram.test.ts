// The bench's log-bucketed latency histogram: percentiles within its stated 1/64 relative
// error, exact min/max/mean, merging, and bucket listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LatencyHistogram } from '../../src/cli/bench/histogram.js';

/** The exact nearest-rank percentile of sorted values. */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('empty histogram reads as zeros', () => {
  const h = new LatencyHistogram();
  assert.equal(h.count, 0);
  assert.equal(h.percentile(99), 0);
  assert.equal(h.min, 0);
  assert.equal(h.max, 0);
  assert.equal(h.mean, 0);
  assert.deepEqual(h.buckets(), []);
});

test('values below 128 µs are exact', () => {
  const h = new LatencyHistogram();
  for (let v = 1; v <= 100; v++) h.record(v);
  assert.equal(h.percentile(50), 50);
  assert.equal(h.percentile(90), 90);
  assert.equal(h.percentile(99), 99);
  assert.equal(h.percentile(100), 100);
  assert.equal(h.min, 1);
  assert.equal(h.mean, 50.5);
});

test('percentiles stay within 1/64 of the exact value, never below it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 60_000_000 }), { minLength: 1, maxLength: 400 }),
      fc.constantFrom(0, 1, 50, 90, 99, 99.9, 100),
      (values, p) => {
        const h = new LatencyHistogram();
        for (const v of values) h.record(v);
        const want = exact([...values].sort((a, b) => a - b), p);
        const got = h.percentile(p);
        assert.ok(got >= want, `p${p}: ${got} < exact ${want}`);
        assert.ok(got <= want + want / 64 + 1, `p${p}: ${got} too far above exact ${want}`);
      },
    ),
  );
});

test('min, max, count and mean are exact; fractions round, negatives clamp, huge values cap', () => {
  const h = new LatencyHistogram();
  h.record(1234.4);
  h.record(1234.6);
  h.record(-5);
  h.record(1e12);
  assert.equal(h.count, 4);
  assert.equal(h.min, 0);
  assert.equal(h.max, 0xffff_ffff);
  assert.equal(h.percentile(50), 1247); // bucket [1232, 1247] holds 1234 and 1235
  assert.equal(h.mean, (1234 + 1235 + 0 + 0xffff_ffff) / 4);
});

test('merge adds counts and keeps min and max', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 100; i++) a.record(1000);
  b.record(5);
  b.record(900_000);
  a.merge(b);
  assert.equal(a.count, 102);
  assert.equal(a.min, 5);
  assert.equal(a.max, 900_000);
  assert.equal(a.buckets().reduce((s, x) => s + x.count, 0), 102);
});

test('buckets tile the values: ordered, non-overlapping, each value inside its bucket', () => {
  const h = new LatencyHistogram();
  const values = [0, 1, 127, 128, 130, 255, 256, 1000, 65_535, 65_536, 10_000_000];
  for (const v of values) h.record(v);
  const buckets = h.buckets();
  assert.equal(buckets.length, values.length);
  buckets.forEach((b, i) => {
    assert.ok(b.fromUs <= values[i]! && values[i]! <= b.toUs, `${values[i]} in [${b.fromUs}, ${b.toUs}]`);
    if (i > 0) assert.ok(b.fromUs > buckets[i - 1]!.toUs);
  });
});

test('bad percentiles throw', () => {
  const h = new LatencyHistogram();
  assert.throws(() => h.percentile(101), RangeError);
  assert.throws(() => h.percentile(Number.NaN), RangeError);
});
