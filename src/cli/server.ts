// `repool server`: runs the embedded RethinkDB-protocol test server as a process until
// SIGINT or SIGTERM, so other programs (bench, examples, other languages) can reach it.
import { startTestServer, type TestServerOptions } from '../testing/index.js';

export const USAGE = `Usage: repool server [--port 28015] [--host 127.0.0.1] [--user name:password ...]

Runs a RethinkDB wire-protocol test server (in-memory data) until SIGINT/SIGTERM.
  --port N              port to listen on; 0 picks a free one (default 28015)
  --host H              interface to listen on (default 127.0.0.1)
  --user name:password  an account (repeatable); admin with an empty password always exists
                        unless given another password here
`;

const DEFAULT_PORT = 28015;

/** Thrown for a bad command line; the message goes to stderr above the usage text. */
class UsageError extends Error {}

interface ServerArgs {
  port: number;
  host: string;
  users: Record<string, string>;
}

function parseArgs(args: readonly string[]): ServerArgs | 'help' {
  const out: ServerArgs = { port: DEFAULT_PORT, host: '127.0.0.1', users: { admin: '' } };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    if (flag === '--help' || flag === '-h') return 'help';
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got ${text}`);
        out.port = port;
        break;
      }
      case '--host':
        out.host = value();
        if (out.host === '') throw new UsageError('--host must not be empty');
        break;
      case '--user': {
        const spec = value();
        const colon = spec.indexOf(':');
        if (colon <= 0) throw new UsageError(`--user must be name:password, got ${spec}`);
        out.users[spec.slice(0, colon)] = spec.slice(colon + 1);
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  return out;
}

/** Runs the server; resolves with the exit code once it has stopped. */
export async function main(args: readonly string[]): Promise<number> {
  let parsed: ServerArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`repool server: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: TestServerOptions = { port: parsed.port, host: parsed.host, users: parsed.users };
  const server = await startTestServer(options);
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
