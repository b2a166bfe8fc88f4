// What a chain of transformations costs on the test server: a query with 1 filter against
// the same query with 16 chained filters over a 20-row table (the real RethinkDB 2.4.4
// answered the 16-filter query in about 2 ms). Each query runs `--runs` times through the
// official driver; the median round trip is printed per chain length.
// Usage: npx tsx bench/reql-chain.ts [--runs 200]
import r from 'rethinkdb';
import { startTestServer } from '../src/testing/index.js';

const i = process.argv.indexOf('--runs');
const runs = i >= 0 ? Number(process.argv[i + 1]) : 200;
if (!Number.isInteger(runs) || runs <= 0) throw new Error('--runs must be a positive integer');

const server = await startTestServer({ port: 0 });
const conn = await r.connect({ host: server.host, port: server.port });
await r.db('test').tableCreate('chain').run(conn);
await r.table('chain').insert(Array.from({ length: 20 }, (_, n) => ({ id: n, v: n }))).run(conn);

async function median(chain: number): Promise<number> {
  let q: r.Sequence = r.table('chain');
  for (let k = 0; k < chain; k++) q = q.filter(true as unknown as r.ExpressionFunction<boolean>);
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    const t0 = process.hrtime.bigint();
    await q.count().run(conn);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

for (const chain of [1, 16, 64]) {
  console.log(`${String(chain).padStart(2)} filter(true): median ${(await median(chain)).toFixed(3)} ms over ${runs} runs`);
}
await conn.close();
await server.stop();
