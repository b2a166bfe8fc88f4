// Acquire+release throughput of async-repool against generic-pool, tarn and a minimal promise
// pool (the floor), all over an in-memory Connector so only pool bookkeeping is measured.
//
//   npm run bench:overhead [-- --ms 1000 --rounds 5 --json bench/results/overhead.json --only '1 caller']
//
// Scenarios: pool size 10 and 1000; 1 caller, 100 callers, and 10 000 callers more than the
// pool has connections (so ~10 000 acquires are always queued). Each subject runs in every
// round in a rotating order; the median round is reported, and the ratio to the minimal pool
// is the median of the ratios within each round.
import { parseArgs } from 'node:util';
import { writeResult } from './lib/machine.js';
import { makeSubject, SUBJECTS, type SubjectName } from './lib/subjects.js';

const { values } = parseArgs({
  options: {
    ms: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'string', default: 'bench/results/overhead.json' },
    only: { type: 'string' },
  },
});
const MEASURE_MS = Number(values.ms);
const ROUNDS = Number(values.rounds);

interface Scenario { size: number; callers: number; label: string }
const scenarios: Scenario[] = [];
for (const size of [10, 1000]) {
  scenarios.push({ size, callers: 1, label: `size ${size}, 1 caller` });
  scenarios.push({ size, callers: 100, label: `size ${size}, 100 callers` });
  scenarios.push({ size, callers: size + 10_000, label: `size ${size}, 10k queued` });
}
// --only 'size 10,' runs the scenarios whose label contains it (a quick look at one case).
if (values.only !== undefined) scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => s.label.includes(values.only!)));

async function measure(name: SubjectName, s: Scenario): Promise<number> {
  const subject = await makeSubject(name, s.size);
  let ops = 0;
  let counting = false;
  let stop = false;
  // A pool that answers from its free list (or hands over to a waiter) resolves in microtasks
  // only, so the measuring timers fire only once every worker has yielded to the event loop.
  // Each worker yields every `yieldEvery` cycles, so that one event-loop turn is about 8 192
  // cycles (32 per caller at the least, so the yield itself stays a few ns per cycle), the same
  // for every subject.
  const yieldEvery = Math.max(32, Math.floor(8192 / s.callers));
  const worker = async (): Promise<void> => {
    let n = 0;
    while (!stop) {
      const c = await subject.acquire();
      if (counting) ops++;
      await subject.release(c);
      if (++n % yieldEvery === 0) await new Promise<void>((r) => setImmediate(r));
    }
  };
  const workers = Array.from({ length: s.callers }, worker);
  await new Promise((r) => setTimeout(r, Math.min(300, MEASURE_MS / 3))); // warm-up
  counting = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  counting = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  stop = true;
  await Promise.all(workers);
  await subject.close();
  return ops / seconds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const results: Record<string, Record<SubjectName, number>> = {};
const ratios: Record<string, number> = {};
const rounds: Record<string, Record<SubjectName, number[]>> = {};
for (const s of scenarios) {
  const samples: Record<SubjectName, number[]> = { 'async-repool': [], 'generic-pool': [], tarn: [], minimal: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = SUBJECTS.map((_, i) => SUBJECTS[(i + round) % SUBJECTS.length]!);
    for (const name of order) samples[name].push(await measure(name, s));
  }
  const med = Object.fromEntries(SUBJECTS.map((n) => [n, median(samples[n])])) as Record<SubjectName, number>;
  results[s.label] = med;
  rounds[s.label] = samples;
  // The ratio to the floor is taken within each round (the two ran within seconds of each
  // other, so a machine that speeds up or slows down between rounds moves both), then the
  // median over rounds.
  const ratio = median(samples['async-repool'].map((x, i) => x / samples.minimal[i]!));
  ratios[s.label] = ratio;
  const repool = med['async-repool'];
  console.log(
    `${s.label.padEnd(24)} async-repool ${fmt(repool).padStart(11)}/s | ` +
      `generic-pool ${fmt(med['generic-pool']).padStart(10)}/s (x${(repool / med['generic-pool']).toFixed(2)}) | ` +
      `tarn ${fmt(med.tarn).padStart(10)}/s (x${(repool / med.tarn).toFixed(2)}) | ` +
      `minimal ${fmt(med.minimal).padStart(11)}/s (x${ratio.toFixed(2)})`,
  );
}

// Flatness: async-repool's cost per acquire+release across pool size and queue length.
const nsPerOp = Object.entries(results).map(([label, r]) => ({ label, ns: 1e9 / r['async-repool'] }));
const oneCaller = nsPerOp.filter((x) => x.label.includes('1 caller')).map((x) => x.ns);
const queued = nsPerOp.filter((x) => x.label.includes('queued')).map((x) => x.ns);
const spread = (xs: number[]): number => Math.max(...xs) / Math.min(...xs) - 1;
console.log('\nasync-repool ns per acquire+release:');
for (const x of nsPerOp) console.log(`  ${x.label.padEnd(24)} ${x.ns.toFixed(0)} ns`);
console.log(`spread across pool size (1 caller): ${(spread(oneCaller) * 100).toFixed(1)} %`);
console.log(`spread across pool size (10k queued): ${(spread(queued) * 100).toFixed(1)} %`);

if (values.json) {
  writeResult(values.json, 'overhead', 'npm run bench:overhead', {
    measureMs: MEASURE_MS, rounds: ROUNDS, opsPerSecond: results, ratioToMinimal: ratios, samples: rounds,
  });
}
