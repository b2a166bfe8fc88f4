// Changefeed throughput: changes delivered per second to N feeds of one table read through
// `pool.changes()`, against the same N feeds read from bare official-driver cursors
// (`r.table(t).changes().run(conn)`, cursor.next() in a loop) spread over as many
// connections as the pool put its feeds on (read from pool.stats() after opening).
//
//   npm run bench:feeds [-- --feeds 1,100,1000 --duration-ms 5000 --warmup-ms 1000 --rounds 3
//                          --pool-size 3 --writers 4 --batch 10 --max-lag 100
//                          --server inline|child | --host H --port P] [--only pool|bare] (to profile one)
//
// A separate connection inserts rows at full speed, as far as the feeds keep up: at most
// --max-lag undelivered changes per feed, so the run is in a steady state (a larger backlog
// only piles up in the server's queues, up to their 100 000-change limit). Every feed
// is live (a marker row reached it) before the warm-up; then the changes of all feeds are
// counted for --duration-ms. The subjects alternate (pool first in odd rounds, bare first in
// even ones) and the median round is kept. The server runs in this process by default
// (startTestServer), in a child process with --server child (its CPU is then reported apart).
// Results: bench/results/feeds.json and feeds.md (or --out PREFIX).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { positive, SERVER_FLAGS } from './lib/args.js';
import r from 'rethinkdb';
import { pool as repool } from './lib/package.js';
import { machineInfo } from './lib/machine.js';
import { openBareFeeds, openPoolFeeds, startWriter, type OpenFeeds, type WriterOptions } from './lib/feed-subjects.js';
import { startTestServer } from '../src/testing/index.js';
import { startChildServer, type ChildServer } from '../src/cli/bench/child-server.js';

const { values } = parseArgs({
  options: {
    ...SERVER_FLAGS,
    server: { type: 'string', default: 'inline' },
    db: { type: 'string', default: 'repool_feeds' },
    feeds: { type: 'string', default: '1,100,1000' },
    'duration-ms': { type: 'string', default: '5000' },
    'warmup-ms': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'pool-size': { type: 'string', default: '3' },
    writers: { type: 'string', default: '4' },
    batch: { type: 'string', default: '10' },
    'max-lag': { type: 'string', default: '100' },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results/feeds' },
  },
  strict: true,
});


const feedCounts = values.feeds.split(',').map((f) => positive('feeds', f));
const durationMs = positive('duration-ms', values['duration-ms']);
const warmupMs = positive('warmup-ms', values['warmup-ms']);
const rounds = positive('rounds', values.rounds);
const poolSize = positive('pool-size', values['pool-size']);
const writer: WriterOptions = {
  concurrency: positive('writers', values.writers), batch: positive('batch', values.batch), maxLag: positive('max-lag', values['max-lag']),
};
if (values.server !== 'inline' && values.server !== 'child') throw new Error(`--server must be inline or child, got '${values.server}'`);
const passwordEnv = values['password-env'];
if (passwordEnv !== undefined && process.env[passwordEnv] === undefined) {
  throw new Error(`--password-env: environment variable ${passwordEnv} is not set`);
}
const password = passwordEnv === undefined ? '' : process.env[passwordEnv]!;
const command = ['npm run bench:feeds', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const table = 'feeds';

type SubjectName = 'pool' | 'bare';
const LABELS: Record<SubjectName, string> = { pool: 'pool.changes()', bare: 'bare rethinkdb cursors' };
const only = values.only as SubjectName | undefined;
if (only !== undefined && !(only in LABELS)) throw new Error(`--only must be pool or bare, got '${only}'`);
const subjects = (['pool', 'bare'] as const).filter((s) => only === undefined || s === only);

interface Measurement {
  readonly changesPerSec: number;
  /** Rows acknowledged per second over the same window. */
  readonly rowsPerSec: number;
  readonly connections: number;
  /** CPU time of this process over the window, % of one core (with --server inline it includes the server). */
  readonly clientCpuPct: number;
  readonly clientUsPerChange: number;
  /** CPU time of the child server over the window, % of one core; null when not measured. */
  readonly serverCpuPct: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => Math.round(os.loadavg()[0]! * 100) / 100;
const median = (ms: readonly Measurement[]) => [...ms].sort((a, b) => a.changesPerSec - b.changesPerSec)[Math.floor((ms.length - 1) / 2)]!;

async function measure(open: OpenFeeds, feeds: number, conn: r.Connection, child: ChildServer | undefined): Promise<Measurement> {
  const w = startWriter(conn, values.db, table, open.counter, feeds, writer);
  try {
    await sleep(warmupMs);
    const c0 = open.counter.changes;
    const rows0 = w.rows();
    const cpu0 = process.cpuUsage();
    const server0 = child ? await child.cpuTimeMs() : null;
    const t0 = performance.now();
    await sleep(durationMs);
    const elapsed = performance.now() - t0;
    const changes = open.counter.changes - c0;
    const rows = w.rows() - rows0;
    const cpu = process.cpuUsage(cpu0);
    const server1 = child ? await child.cpuTimeMs() : null;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      changesPerSec: (changes / elapsed) * 1000,
      rowsPerSec: (rows / elapsed) * 1000,
      connections: open.connections,
      clientCpuPct: (cpuMs / elapsed) * 100,
      clientUsPerChange: changes > 0 ? (cpuMs * 1000) / changes : 0,
      serverCpuPct: server0 !== null && server1 !== null ? ((server1 - server0) / elapsed) * 100 : null,
    };
  } finally {
    await w.stop();
  }
}

async function main(): Promise<void> {
  const loadAtStart = load();
  let host = values.host;
  let port = Number(values.port);
  let inline: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let child: ChildServer | undefined;
  if (host === undefined && values.server === 'inline') {
    inline = await startTestServer({ port: 0 });
    ({ host, port } = inline);
  } else if (host === undefined) {
    child = await startChildServer();
    ({ host, port } = child);
  }
  const where = inline ? 'embedded test server in this process' : child ? 'embedded test server in a child process' : `RethinkDB at ${host}:${port}`;
  console.error(`server: ${where} (${host}:${port})`);
  const address = { host, port, user: values.user, password };
  const conn = await r.connect(address);
  const pool = new repool.AsyncConnectionPool(address, { poolSize });
  try {
    if (!(await r.dbList().run(conn)).includes(values.db)) await r.dbCreate(values.db).run(conn);
    if (!(await r.db(values.db).tableList().run(conn)).includes(table)) await r.db(values.db).tableCreate(table).run(conn);
    await r.db(values.db).table(table).delete().run(conn);
    await pool.initPool();

    const cells: { feeds: number; subject: SubjectName; label: string; rounds: Measurement[]; median: Measurement }[] = [];
    for (const feeds of feedCounts) {
      const byName: Record<SubjectName, Measurement[]> = { pool: [], bare: [] };
      let connections = 0; // the pool's count for this N: the pool always runs first in round 1
      for (let round = 0; round < rounds; round++) {
        const order: SubjectName[] = round % 2 === 0 ? ['pool', 'bare'] : ['bare', 'pool'];
        for (const s of order.filter((x) => subjects.includes(x))) {
          // Bare cursors take the pool's connection count for this N, or --pool-size without the pool.
          if (s === 'bare' && connections === 0) connections = poolSize;
          const open = s === 'pool'
            ? await openPoolFeeds(pool, feeds, conn, values.db, table)
            : await openBareFeeds(address, feeds, connections, conn, values.db, table);
          if (s === 'pool') connections = open.connections;
          let m: Measurement;
          try {
            m = await measure(open, feeds, conn, child);
          } finally {
            await open.close();
          }
          await r.db(values.db).table(table).delete().run(conn);
          byName[s].push(m);
          console.error(`feeds=${feeds} round ${round + 1}/${rounds} ${LABELS[s]}: ${Math.round(m.changesPerSec)} changes/s ` +
            `(${Math.round(m.rowsPerSec)} rows/s, ${m.connections} conn), client cpu ${Math.round(m.clientCpuPct)}%` +
            `${m.serverCpuPct === null ? '' : `, server cpu ${Math.round(m.serverCpuPct)}%`}`);
        }
      }
      for (const s of subjects) cells.push({ feeds, subject: s, label: LABELS[s], rounds: byName[s], median: median(byName[s]) });
    }

    const ratios = feedCounts.map((feeds) => {
      const [p, b] = (['pool', 'bare'] as const).map((s) => cells.find((c) => c.feeds === feeds && c.subject === s)?.median);
      const ratio = p && b && b.changesPerSec > 0 ? p.changesPerSec / b.changesPerSec : null;
      return { feeds, ratio, target: 0.9, met: ratio === null ? null : ratio >= 0.9 };
    });
    const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} %`);
    const lines = [
      '| feeds | subject | connections | changes/s | rows/s | client CPU | client µs/change | server CPU | pool/bare |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
      ...cells.map((c) => {
        const m = c.median;
        const ratio = ratios.find((x) => x.feeds === c.feeds)!.ratio;
        return `| ${c.feeds} | ${c.label} | ${m.connections} | ${Math.round(m.changesPerSec).toLocaleString('en-US')} | ` +
          `${Math.round(m.rowsPerSec).toLocaleString('en-US')} | ${pct(m.clientCpuPct)} | ${m.clientUsPerChange.toFixed(2)} | ` +
          `${pct(m.serverCpuPct)} | ${c.subject === 'pool' && ratio !== null ? `${ratio.toFixed(2)}x` : ''} |`;
      }),
    ];
    const machine = machineInfo();
    const header =
      `Changefeed throughput: changes delivered per second to N feeds, ${durationMs} ms per run after ${warmupMs} ms warm-up, ` +
      `median of ${rounds} round(s); ${where}; pool size ${poolSize}; writers: ${writer.concurrency} inserts of ${writer.batch} rows ` +
      `in flight, at most ${writer.maxLag} undelivered changes per feed.\n` +
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; ` +
      `load average ${loadAtStart} at start, ${load()} at end.\n` +
      `Command: \`${command}\`\n` +
      'Bare cursors use as many connections as the pool put its feeds on. Client CPU: CPU time of the benchmark process over the ' +
      'run, % of one core (it includes the server when the server runs in this process); server CPU: the child server\'s.';
    const checks = ratios.map((x) =>
      `- ${x.feeds} feed(s): pool/bare ${x.ratio === null ? 'n/a' : `${x.ratio.toFixed(2)}x`} (target >= 0.9x): ${x.met === null ? 'not measured' : x.met ? 'met' : 'NOT met'}`);
    const md = [header, '', ...lines, '', ...checks].join('\n');
    console.log(`\n${md}\n`);
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(`${values.out}.md`, `${md}\n`);
    writeFileSync(`${values.out}.json`, `${JSON.stringify({
      benchmark: 'feeds', command, machine, loadAverage: { start: loadAtStart, end: load() }, server: where, poolSize, durationMs, warmupMs,
      rounds, writer, cells, ratios,
    }, null, 2)}\n`);
    console.error(`wrote ${values.out}.md and ${values.out}.json`);
  } finally {
    await pool.releasePool();
    await conn.close({ noreplyWait: false }).catch(() => undefined);
    await inline?.stop();
    await child?.stop();
  }
}

await main();
