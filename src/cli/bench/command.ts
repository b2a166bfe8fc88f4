// `repool bench`: parse flags, start (or reach) the server, seed it, warm up, run the
// measured load through the pool with live progress, then print and write the report.
import { AsyncConnectionPool } from '../../index.js';
import { parseBenchArgs, USAGE, type BenchOptions } from './args.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { createProgress, type ProgressStream } from './progress.js';
import { buildReport } from './report-model.js';
import { startPoolSampler, type PoolSummary } from './pool-sampler.js';
import { writeOutputs } from './outputs.js';
import { checkOutputPaths } from './output-paths.js';
import { runLoad, type Operation, type RunResult } from './runner.js';
import { drain, feedInserts, makeWorkload, seed, type BenchQuery } from './workloads.js';
import { startFeedMeter } from './feed-meter.js';
import { feedSection } from './report-feed.js';
import { errorType } from './errors.js';
import { errorLine, usageErrorText } from '../messages.js';
import { versionLine } from '../version.js';

export interface BenchIO {
  readonly stdout: { write(chunk: string): unknown };
  /** Progress and status lines go here, so stdout holds only the report (table or `-` report). */
  readonly stderr: ProgressStream;
  readonly env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 could not run (or no query succeeded), 2 bad flags or output paths, 130 Ctrl-C. */
export async function runBenchCommand(argv: readonly string[], io: BenchIO = defaultIO()): Promise<number> {
  const parsed = parseBenchArgs(argv, io.env);
  if (parsed.kind === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(versionLine());
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(usageErrorText('repool bench', parsed.message));
    return 2;
  }
  const badOutput = await checkOutputPaths(parsed.options);
  if (badOutput !== undefined) {
    io.stderr.write(`repool bench: ${badOutput}\n`);
    return 2;
  }

  // First Ctrl-C (or SIGTERM): stop the load and report what ran. Second: leave at once.
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr.write('\nstopping (Ctrl-C again to quit at once)...\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await bench(argv, parsed.options, io, abort.signal);
  } catch (err) {
    io.stderr.write(`repool bench: ${errorLine(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** The name the `repool` dispatcher looks for in a sub-command module. */
export const main = (args: readonly string[]): Promise<number> => runBenchCommand(args);

function defaultIO(): BenchIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

async function bench(argv: readonly string[], o: BenchOptions, io: BenchIO, signal: AbortSignal): Promise<number> {
  let child: ChildServer | undefined;
  let pool: AsyncConnectionPool | undefined;
  try {
    let host = o.host;
    let port = o.port;
    if (host === undefined) {
      io.stderr.write('starting the test server in a child process...\n');
      child = await startChildServer();
      ({ host, port } = child);
      io.stderr.write(`test server pid ${child.pid} on ${host}:${port}\n`);
    }
    pool = new AsyncConnectionPool(
      { host, port, db: o.db, user: o.user, password: o.password },
      { poolSize: o.poolSize },
    );
    await pool.initPool();
    const p = pool;
    const runLeased = async (query: BenchQuery): Promise<unknown> => {
      const conn = await p.acquire();
      try {
        return await drain(await query.run(conn));
      } finally {
        p.release(conn);
      }
    };

    const target = { db: o.db, table: o.table, rows: o.rows };
    io.stderr.write(`seeding ${o.db}.${o.table} with ${o.rows} rows...\n`);
    await seed(runLeased, target);
    const workload = makeWorkload(o.workload, target);
    let op: Operation = o.mode === 'run' ? () => p.run(workload.next()) : () => runLeased(workload.next());
    // The feed workload: inserts with ids the meter matches, read back by --feeds changefeeds.
    const meter = o.workload === 'feed' ? await startFeedMeter(p, o.db, o.table, o.feeds) : undefined;
    if (meter !== undefined) {
      const insert = feedInserts(o.db, o.table);
      op = async () => {
        const { id, query } = insert();
        await (o.mode === 'run' ? p.run(query) : runLeased(query));
        meter.acknowledged(id);
      };
    }

    if (o.warmupMs > 0 && !signal.aborted) {
      io.stderr.write(`warming up for ${o.warmupMs} ms...\n`);
      await runLoad(op, { concurrency: o.concurrency, stop: { kind: 'duration', ms: o.warmupMs }, signal, classify: errorType });
    }

    meter?.start();
    const progress = createProgress(io.stderr);
    const startedAt = new Date();
    const cpuBefore = child ? await child.cpuTimeMs() : null;
    const sampler = startPoolSampler(() => p.stats());
    let result: RunResult;
    let poolSummary: PoolSummary;
    try {
      result = await runLoad(op, {
        concurrency: o.concurrency,
        stop: o.stop,
        signal,
        classify: errorType,
        onTick: (s) => progress.update(s),
      });
    } finally {
      poolSummary = sampler.stop();
      progress.done();
    }
    const cpuAfter = child ? await child.cpuTimeMs() : null;
    const feed = meter === undefined ? null : feedSection(await meter.stop());

    let server = null;
    if (child) {
      const cpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
      const cpuPercent = cpuMs === null ? null : Math.round((cpuMs / Math.max(result.elapsedMs, 1)) * 100);
      server = { pid: child.pid, cpuMs, cpuPercent };
    }
    const report = buildReport({ argv, options: o, startedAt, result, pool: poolSummary, server, feed });
    await writeOutputs(report, o, io);
    if (result.interrupted) return 130;
    return result.ok === 0 && result.errors > 0 ? 1 : 0;
  } finally {
    // A bounded wait: after Ctrl-C a query stuck on a stalled server must not hold the exit.
    await pool?.releasePool({ timeoutMs: 5000 });
    await child?.stop();
  }
}
