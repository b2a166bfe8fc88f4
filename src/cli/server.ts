// `repool server`: runs the embedded RethinkDB-protocol test server as a process until
// SIGINT or SIGTERM, so other programs (bench, examples, other languages) can reach it.
import { startTestServer, type TestServer, type TestServerOptions } from '../testing/index.js';
import { collectFlags } from './flags.js';
import { describeCode, errorLine, systemCode, UsageError, usageErrorText } from './messages.js';
import { versionLine } from './version.js';

export const USAGE = `Usage: repool server [--port 28015] [--host 127.0.0.1] [--user name:password ...]

Runs a RethinkDB wire-protocol test server (in-memory data) until SIGINT/SIGTERM.
  --port N              port to listen on; 0 picks a free one (default 28015)
  --host H              interface to listen on (default 127.0.0.1)
  --user name:password  an account (repeatable); admin with an empty password always exists
                        unless given another password here
  -h, --help            show this help
  --version             print the version of repool
Prints "repool test server listening on HOST:PORT" once it listens. Exit codes: 0 stopped
by a signal, 1 could not listen (port in use...), 2 bad flags.
`;

const COMMAND = 'repool server';
const DEFAULT_PORT = 28015;

interface ServerArgs {
  port: number;
  host: string;
  users: Record<string, string>;
}

function parseArgs(args: readonly string[]): ServerArgs | 'help' | 'version' {
  const flags = collectFlags(args, { values: ['port', 'host', 'user'], repeatable: ['user'] });
  if (flags.kind !== 'flags') return flags.kind;
  const out: ServerArgs = { port: DEFAULT_PORT, host: '127.0.0.1', users: { admin: '' } };
  const port = flags.values.get('port')?.[0];
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got ${port}`);
    out.port = Number(port);
  }
  out.host = flags.values.get('host')?.[0] ?? out.host;
  for (const spec of flags.values.get('user') ?? []) {
    const colon = spec.indexOf(':');
    if (colon <= 0) throw new UsageError(`--user must be name:password, got ${spec}`);
    out.users[spec.slice(0, colon)] = spec.slice(colon + 1);
  }
  return out;
}

/** Why the server could not start, in one line that says what to change. */
function startFailure(err: unknown, a: ServerArgs): string {
  const code = systemCode(err);
  const where = `${a.host}:${a.port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: ${describeCode(code)}; pick another --port, or --port 0 for a free one`;
  if (code !== undefined) return `cannot listen on ${where}: ${describeCode(code)}`;
  return `cannot start the test server on ${where}: ${errorLine(err)}`;
}

/** Runs the server; resolves with the exit code once it has stopped. */
export async function main(args: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(usageErrorText(COMMAND, err.message));
    return 2;
  }
  if (parsed === 'help' || parsed === 'version') {
    process.stdout.write(parsed === 'help' ? USAGE : versionLine());
    return 0;
  }
  const options: TestServerOptions = { port: parsed.port, host: parsed.host, users: parsed.users };
  let server: TestServer;
  try {
    server = await startTestServer(options);
  } catch (err) {
    process.stderr.write(`${COMMAND}: ${startFailure(err, parsed)}\n`);
    return 1;
  }
  // One line, stable format: scripts (bench, tests) read the port from it.
  process.stdout.write(`repool test server listening on ${server.host}:${server.port}\n`);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await server.stop();
  return 0;
}
