// End-to-end comparison: the same point-get workload, real queries over TCP, through
// async-repool (run() and lease modes), rethinkdb-ts's pool, rethinkdbdash's pool and one bare
// official-driver connection, against one server process, at several concurrencies.
//
//   npm run bench:e2e [-- --host H --port P --pool-size 16 --concurrency 1,16,64,256
//                        --duration 2s --warmup 500ms --rounds 3 --only repool-run,bare]
//
// Without --host it starts the embedded test server in a child process and reports that
// process's CPU time per run, so a slow server cannot pass for a fast pool. Each cell warms up,
// then measures; subjects run in a rotating order each round and the median round is kept.
// Results: bench/results/e2e.json and e2e.md (or --out PREFIX).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { positive, SERVER_FLAGS } from './lib/args.js';
import r from 'rethinkdb';
import { machineInfo } from './lib/machine.js';
import { startChildServer, type ChildServer } from '../src/cli/bench/child-server.js';
import { parseDuration } from '../src/cli/bench/args.js';
import { runLoad } from '../src/cli/bench/runner.js';
import { drain, seed } from '../src/cli/bench/workloads.js';
import { openSubject, SUBJECTS, type Subject, type SubjectConfig, type SubjectName } from './e2e-subjects.js';
import { checkTargets, formatChecks, markdownTable, medianRound, serverBoundNote, type Cell, type Measurement } from './e2e-report.js';

const { values } = parseArgs({
  options: {
    ...SERVER_FLAGS,
    db: { type: 'string', default: 'repool_e2e' },
    rows: { type: 'string', default: '1000' },
    'pool-size': { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '1,16,64,256' },
    duration: { type: 'string', default: '2s' },
    warmup: { type: 'string', default: '500ms' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results/e2e' },
  },
  strict: true,
});

function ms(name: string, text: string): number {
  const v = parseDuration(text);
  if (v === undefined) throw new Error(`--${name} must be a duration like 500ms or 2s, got '${text}'`);
  return v;
}

const poolSize = positive('pool-size', values['pool-size']);
const concurrencies = values.concurrency.split(',').map((c) => positive('concurrency', c));
const durationMs = ms('duration', values.duration);
const warmupMs = ms('warmup', values.warmup);
const rounds = positive('rounds', values.rounds);
const only = values.only?.split(',');
const subjects = SUBJECTS.filter((s) => !only || only.includes(s.name));
if (subjects.length === 0) throw new Error(`--only matches no client; known: ${SUBJECTS.map((s) => s.name).join(', ')}`);
const passwordEnv = values['password-env'];
if (passwordEnv !== undefined && process.env[passwordEnv] === undefined) {
  throw new Error(`--password-env: environment variable ${passwordEnv} is not set`);
}
const password = passwordEnv === undefined ? '' : process.env[passwordEnv]!;
const command = ['npm run bench:e2e', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

async function measure(subject: Subject, concurrency: number, server: ChildServer | undefined): Promise<Measurement> {
  await runLoad(subject.op, { concurrency, stop: { kind: 'duration', ms: warmupMs } });
  const serverBefore = server ? await server.cpuTimeMs() : null;
  const clientBefore = process.cpuUsage();
  const res = await runLoad(subject.op, { concurrency, stop: { kind: 'duration', ms: durationMs } });
  const client = process.cpuUsage(clientBefore);
  const serverAfter = server ? await server.cpuTimeMs() : null;
  const wall = res.elapsedMs;
  return {
    qps: (res.ok / wall) * 1000,
    p50Ms: res.histogram.percentile(50) / 1000,
    p99Ms: res.histogram.percentile(99) / 1000,
    errors: res.errors,
    errorsByType: res.errorsByType,
    serverCpuPct: serverBefore !== null && serverAfter !== null ? ((serverAfter - serverBefore) / wall) * 100 : null,
    clientCpuPct: ((client.user + client.system) / 1000 / wall) * 100,
    clientUsPerQuery: res.ok > 0 ? (client.user + client.system) / res.ok : 0,
  };
}

/** The 1-minute load average: other work on the machine skews every figure, so it is reported. */
function load(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

async function main(): Promise<void> {
  const loadAtStart = load();
  if (loadAtStart > os.availableParallelism() / 2) {
    console.error(`warning: load average ${loadAtStart} on ${os.availableParallelism()} cores: other work will skew the figures`);
  }
  let server: ChildServer | undefined;
  const open = new Map<SubjectName, Subject>();
  try {
    let host = values.host;
    let port = Number(values.port);
    if (host === undefined) {
      server = await startChildServer();
      ({ host, port } = server);
      console.error(`test server: pid ${server.pid} on ${host}:${port}`);
    }
    const config: SubjectConfig = {
      host, port, user: values.user, password, db: values.db, table: 'bench', rows: positive('rows', values.rows), poolSize,
    };
    const seedConn = await r.connect({ host, port, user: config.user, password });
    await seed(async (q) => drain(await q.run(seedConn)), config);
    await seedConn.close();
    for (const s of subjects) open.set(s.name, await openSubject(s.name, config));

    const cells: Cell[] = [];
    for (const [ci, concurrency] of concurrencies.entries()) {
      const byName = new Map<SubjectName, Measurement[]>();
      for (let round = 0; round < rounds; round++) {
        // Rotate the order so no client always runs first (cold) or last (after GC debt).
        const shift = (round + ci) % subjects.length;
        const order = [...subjects.slice(shift), ...subjects.slice(0, shift)];
        for (const s of order) {
          const m = await measure(open.get(s.name)!, concurrency, server);
          byName.set(s.name, [...(byName.get(s.name) ?? []), m]);
          console.error(`c=${concurrency} round ${round + 1}/${rounds} ${s.label}: ${Math.round(m.qps)} q/s, p99 ${m.p99Ms.toFixed(2)} ms` +
            `, server cpu ${m.serverCpuPct === null ? 'n/a' : `${Math.round(m.serverCpuPct)}%`}${m.errors ? `, ${m.errors} errors` : ''}`);
        }
      }
      for (const s of subjects) {
        const measured = byName.get(s.name)!;
        cells.push({ concurrency, subject: s.name, label: s.label, rounds: measured, median: medianRound(measured) });
      }
    }

    const table = markdownTable(cells);
    const checks = checkTargets(cells, poolSize);
    const note = serverBoundNote(cells);
    const machine = machineInfo();
    const where = server ? 'embedded test server in a child process' : `RethinkDB at ${host}:${port}`;
    const header =
      `End-to-end point-get, pool size ${poolSize}, ${durationMs} ms per run after ${warmupMs} ms warm-up, ` +
      `median of ${rounds} round(s); ${where}.\n` +
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; ` +
      `load average ${loadAtStart} at start, ${load()} at end.\n` +
      `Command: \`${command}\`\n` +
      'run() speed-up: async-repool run() queries/s divided by the row\'s. Server CPU: CPU time of the server ' +
      'process over the run, % of one core (n/a for a remote server). Client CPU: the same for the benchmark process; client µs/query: that CPU time divided by the queries answered.';
    const md = [header, '', table, '', formatChecks(checks), ...(note ? ['', note] : [])].join('\n');
    console.log(`\n${md}\n`);

    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(`${values.out}.md`, `${md}\n`);
    writeFileSync(`${values.out}.json`, `${JSON.stringify({
      command, machine, loadAverage: { start: loadAtStart, end: load() }, server: where, poolSize, durationMs, warmupMs, rounds, workload: 'point-get', cells, checks,
    }, null, 2)}\n`);
    console.error(`wrote ${values.out}.md and ${values.out}.json`);
  } finally {
    for (const s of open.values()) await s.close().catch(() => {});
    await server?.stop();
  }
}

await main();
