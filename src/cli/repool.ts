// The `repool` command: a sub-command dispatcher. Each sub-command is a module exporting
// main(args) -> exit code, loaded only when asked for. Whatever fails, the user reads one
// line on stderr, never a stack trace.
import { closest } from './did-you-mean.js';
import { errorLine, usageErrorText } from './messages.js';
import { versionLine } from './version.js';

type Command = (args: readonly string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  bench: {
    summary: 'drive a workload through the pool; report throughput, latency and pool health',
    load: async () => (await import('./bench/command.js')).main,
  },
  server: { summary: 'run the RethinkDB-protocol test server', load: async () => (await import('./server.js')).main },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: repool <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help    show this help
  --version     print the version of repool

Run repool <command> --help for its options.
`;
}

async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(versionLine());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    const near = closest(name.replace(/^-+/, ''), Object.keys(commands));
    const what = name.startsWith('-') ? `unknown flag ${name}` : `unknown command '${name}'`;
    process.stderr.write(usageErrorText('repool', `${what}${near ? ` (did you mean ${near}?)` : ''}`));
    return 2;
  }
  return (await command.load())(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`repool: ${errorLine(err)}\n`);
    process.exitCode = 1;
  },
);
