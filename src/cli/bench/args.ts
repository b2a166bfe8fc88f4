// Flags of `repool bench`: strict parsing (unknown, repeated or malformed flags are errors,
// never silently ignored) into one validated options object, plus the usage text.
import { WORKLOADS, type WorkloadName } from './workloads.js';
import { collectFlags, type FlagSpec } from '../flags.js';
import { UsageError } from '../messages.js';

export type BenchMode = 'lease' | 'run';

/** When the measured run ends: after a wall-clock duration or a number of queries. */
export type StopCondition =
  | { readonly kind: 'duration'; readonly ms: number }
  | { readonly kind: 'queries'; readonly count: number };

export interface BenchOptions {
  /** Server to drive; undefined = start the test server in a child process. */
  readonly host: string | undefined;
  readonly port: number;
  readonly user: string;
  /** Read from the environment variable named by --password-env; '' when none. */
  readonly password: string;
  readonly passwordEnv: string | undefined;
  readonly db: string;
  readonly table: string;
  /** Rows the seed step makes sure exist (ids 0..rows-1). */
  readonly rows: number;
  readonly poolSize: number;
  readonly concurrency: number;
  readonly stop: StopCondition;
  /** Unmeasured run before the measured one, so connections and JIT are warm. */
  readonly warmupMs: number;
  readonly mode: BenchMode;
  readonly workload: WorkloadName;
  /** Changefeeds of the `feed` workload. */
  readonly feeds: number;
  readonly jsonFile: string | undefined;
  readonly htmlFile: string | undefined;
}

export type ParseResult =
  | { readonly kind: 'ok'; readonly options: BenchOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: repool bench [options]

Drives a workload through an async-repool pool and reports throughput and latency.
With no --host, starts the embedded test server in a child process and seeds it.

Connection:
  --host H               server host (default: start a local test server)
  --port P               server port (default 28015 with --host)
  --user U               user name (default admin)
  --password-env VAR     read the password from environment variable VAR
                         (there is no --password flag: flags show up in ps and shell history)
  --db D                 database to use (default repool_bench)
  --rows N               rows the seed step makes sure exist (default 1000)
Load:
  --pool-size N          pool connections (default 8)
  --concurrency C        concurrent workers (default 32)
  --duration T           measured run time: seconds (3, 0.5) or with a unit: 500ms,
                         10s, 2m, 1h (default 10s)
  --queries N            stop after N queries instead of a duration
  --warmup T             unmeasured warm-up before the run, same forms as --duration
                         (default 1s; 0 with --queries)
  --mode lease|run       lease: acquire, run, release; run: pool.run(query) (default lease)
  --workload W           ${WORKLOADS.join(' | ')} (default mixed); feed: the workers
                         insert rows while --feeds changefeeds (pool.changes) read them,
                         and the report adds changes delivered per second and the
                         latency from a write's acknowledgement to each feed's change
  --feeds N              changefeeds of the feed workload (default 10)
Output (the table goes to stdout, progress and status lines to stderr):
  --json FILE            write the report as JSON; - writes it to stdout, and the table
                         then goes to stderr, so stdout holds only the JSON document
  --html FILE            write a self-contained HTML report (histogram, throughput over
                         time); - writes it to stdout (the table then goes to stderr)
                         Both paths are checked before the run starts.
  -h, --help             show this help
  --version              print the version of repool
Exit codes: 0 done, 1 could not run (or no query succeeded), 2 bad flags or output
paths, 130 stopped by Ctrl-C (the partial report is still printed and written).
`;

/**
 * Parses "500ms", "10s", "2m", "1h", "1.5s" into milliseconds; a bare number is seconds, as
 * pgbench's -T ("3" = 3 s, "0.5" = 500 ms). Undefined if malformed.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = n * unit;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

const SPEC: FlagSpec = {
  values: [
    'host', 'port', 'user', 'password-env', 'db', 'rows', 'pool-size', 'concurrency',
    'duration', 'queries', 'warmup', 'mode', 'workload', 'feeds', 'json', 'html',
  ],
  refused: {
    password: '--password is not accepted: put the password in an environment variable and pass --password-env VAR',
  },
};

/** Parses `repool bench` arguments (argv without the `bench` word). */
export function parseBenchArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParseResult {
  try {
    const flags = collectFlags(argv, SPEC);
    if (flags.kind !== 'flags') return flags;
    // Every bench flag is given at most once (the spec has no repeatable ones).
    const raw = new Map([...flags.values].map(([k, v]) => [k, v[0]!] as const));
    return { kind: 'ok', options: validate(raw, env) };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'error', message: err.message };
    throw err;
  }
}

function validate(raw: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): BenchOptions {
  const int = (name: string, def: number, min: number, max: number): number => {
    const text = raw.get(name);
    if (text === undefined) return def;
    const n = parseInteger(text, min, max);
    if (n === undefined) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
    return n;
  };
  const duration = (name: string, def: number, min: number): number => {
    const text = raw.get(name);
    if (text === undefined) return def;
    const ms = parseDuration(text);
    if (ms === undefined || ms < min) {
      throw new UsageError(`--${name} must be seconds (3, 0.5) or a duration like 500ms, 10s, 2m${min > 0 ? ' (above 0)' : ''}, got '${text}'`);
    }
    return ms;
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[], def: T): T => {
    const text = raw.get(name);
    if (text === undefined) return def;
    if (!(choices as readonly string[]).includes(text)) {
      throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
  };

  const host = raw.get('host');
  if (host === undefined && raw.has('port')) {
    throw new UsageError('--port needs --host (without --host the bench starts its own test server)');
  }
  const passwordEnv = raw.get('password-env');
  let password = '';
  if (passwordEnv !== undefined) {
    const value = env[passwordEnv];
    if (value === undefined) throw new UsageError(`--password-env: environment variable ${passwordEnv} is not set`);
    password = value;
  }
  if (raw.has('duration') && raw.has('queries')) throw new UsageError('give --duration or --queries, not both');
  const stop: StopCondition = raw.has('queries')
    ? { kind: 'queries', count: int('queries', 0, 1, 1e12) }
    : { kind: 'duration', ms: duration('duration', 10_000, 1) };
  if (raw.get('json') === '-' && raw.get('html') === '-') {
    throw new UsageError('--json - and --html - cannot both take standard output: give one of them a file');
  }
  const db = raw.get('db') ?? 'repool_bench';
  // RethinkDB names: letters, digits and underscores only.
  if (!/^\w+$/.test(db)) throw new UsageError(`--db must contain only letters, digits and _, got '${db}'`);

  return {
    host,
    port: int('port', 28015, 1, 65535),
    user: raw.get('user') ?? 'admin',
    password,
    passwordEnv,
    db,
    table: 'bench',
    rows: int('rows', 1000, 1, 10_000_000),
    poolSize: int('pool-size', 8, 1, 10_000),
    concurrency: int('concurrency', 32, 1, 100_000),
    stop,
    warmupMs: duration('warmup', stop.kind === 'queries' ? 0 : 1000, 0),
    mode: oneOf<BenchMode>('mode', ['lease', 'run'], 'lease'),
    workload: oneOf<WorkloadName>('workload', WORKLOADS, 'mixed'),
    feeds: int('feeds', 10, 1, 100_000),
    jsonFile: raw.get('json'),
    htmlFile: raw.get('html'),
  };
}
