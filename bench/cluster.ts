// Throughput through 1, 2 and 3 nodes of a test cluster when each query takes `--latency`
// ms on the node: with `poolSize` connections per node and enough callers to use them all,
// the pool should spread the work and scale with the node count.
//
//   npx tsx bench/cluster.ts [--ms 2000 --latency 5 --pool-size 4 --json bench/results/cluster.json]
//
// The cluster runs in a child process (bench/lib/cluster-child.ts). Callers: 3 x poolSize,
// each looping acquire -> r.expr(1).run(conn) -> release: a lease holds its connection for
// the whole query, so throughput is bounded by the connections, poolSize per node. A second
// mode uses pool.run(), which multiplexes queries on shared connections: there the node
// count should not matter (the callers, not the connections, are the bound).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import r from 'rethinkdb';
import { pool as repool } from './lib/package.js';

const { AsyncConnectionPool } = repool;
import { writeResult } from './lib/machine.js';

const { values } = parseArgs({
  options: {
    ms: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '5' },
    'pool-size': { type: 'string', default: '4' },
    json: { type: 'string', default: 'bench/results/cluster.json' },
  },
});
const MEASURE_MS = Number(values.ms);
const LATENCY_MS = Number(values.latency);
const POOL_SIZE = Number(values['pool-size']);
const CALLERS = 3 * POOL_SIZE;

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/cluster-child.ts', '3'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const { nodes } = JSON.parse((await lines.next()).value as string) as { nodes: { host: string; port: number }[] };
child.stdin!.write(`latency ${LATENCY_MS}\n`);
await lines.next();

type Mode = 'acquire' | 'run';
interface Row { nodes: number; mode: Mode; opsPerSecond: number; p50Ms: number; p99Ms: number; leasesPerNode: number[] }

async function measure(count: number, mode: Mode): Promise<Row> {
  const servers = nodes.slice(0, count);
  const pool = new AsyncConnectionPool<r.Connection>({}, { servers, poolSize: POOL_SIZE, acquireTimeoutMs: 60_000 });
  await pool.initPool();
  const leases = new Map<string, number>();
  pool.on('acquire', ({ server }) => leases.set(server, (leases.get(server) ?? 0) + 1));
  let counting = false;
  let stop = false;
  const latencies: number[] = [];
  const worker = async (): Promise<void> => {
    while (!stop) {
      const t0 = performance.now();
      if (mode === 'acquire') await pool.withConnection((c) => r.expr(1).run(c));
      else await pool.run(r.expr(1));
      if (counting) latencies.push(performance.now() - t0);
    }
  };
  const workers = Array.from({ length: CALLERS }, worker);
  await new Promise((resolve) => setTimeout(resolve, 300)); // warm-up
  leases.clear();
  counting = true;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  counting = false;
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  await pool.releasePool();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    nodes: count,
    mode,
    opsPerSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    leasesPerNode: mode === 'acquire' ? servers.map((s) => leases.get(`${s.host}:${s.port}`) ?? 0) : [],
  };
}

const rows: Row[] = [];
for (const mode of ['acquire', 'run'] as const) {
  for (const count of [1, 2, 3]) rows.push(await measure(count, mode));
}
child.stdin!.end();
await once(child, 'exit');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`cluster bench: ${LATENCY_MS} ms per query on each node, poolSize ${POOL_SIZE} per node, ${CALLERS} callers, ${MEASURE_MS} ms per cell\n`);
console.log('| mode | nodes | ops/s | x vs 1 node | p50 ms | p99 ms | leases per node |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const base = rows.find((x) => x.mode === row.mode && x.nodes === 1)!.opsPerSecond;
  console.log(
    `| ${row.mode} | ${row.nodes} | ${fmt(row.opsPerSecond)} | ${(row.opsPerSecond / base).toFixed(2)} | ` +
      `${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.leasesPerNode.length ? row.leasesPerNode.map(fmt).join(' / ') : 'n/a (no lease)'} |`,
  );
}
if (values.json) {
  writeResult(values.json, 'cluster', 'npm run bench:cluster', {
    measureMs: MEASURE_MS,
    latencyMs: LATENCY_MS,
    poolSizePerNode: POOL_SIZE,
    callers: CALLERS,
    rows,
  });
}
