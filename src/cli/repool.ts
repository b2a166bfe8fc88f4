// The `repool` command: a sub-command dispatcher. Each sub-command is a module exporting
// main(args) -> exit code, loaded only when asked for.
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
  return `Usage: repool <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun repool <command> --help for its options.\n`;
}

async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`repool: unknown command ${name}\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`repool: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
