// `repool server` as a process: prints its address, serves the official driver, exits 0 on
// SIGTERM; a bad flag is a usage error (exit 2); a port in use is one line (exit 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createServer, type AddressInfo } from 'node:net';
import r from 'rethinkdb';

const CLI = ['--import', 'tsx', 'src/cli/repool.ts'];

function run(args: string[]) {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal, stderr }));
  return { child, exited };
}

test('repool server --port 0 serves the official driver and exits 0 on SIGTERM', async () => {
  const { child, exited } = run(['server', '--port', '0', '--user', 'bob:se:cret']);
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const match = /listening on 127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(match, `address line: ${line}`);
    const port = Number(match[1]);
    const conn = await r.connect({ host: '127.0.0.1', port });
    assert.equal(await r.expr('cli').run(conn), 'cli');
    await conn.close();
    const bob = await r.connect({ host: '127.0.0.1', port, user: 'bob', password: 'se:cret' });
    await bob.close();
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null, stderr: '' });
  } finally {
    child.kill('SIGKILL');
  }
});

test('a bad flag prints one line and a pointer to --help on stderr and exits 2', async () => {
  const cases: [string[], RegExp][] = [
    [['server', '--bogus'], /^repool server: unknown flag --bogus\nsee `repool server --help`\n$/],
    [['server', '--prot', '1'], /^repool server: unknown flag --prot \(did you mean --port\?\)\n/],
    [['server', '--port', 'x'], /^repool server: --port must be a number/],
    [['server', '--user', 'nocolon'], /^repool server: --user must be name:password/],
    [['nope'], /^repool: unknown command 'nope'\nsee `repool --help`\n$/],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args).exited));
  results.forEach(({ code, stderr }, i) => {
    const [args, re] = cases[i]!;
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, re);
    assert.doesNotMatch(stderr, /Usage:/);
  });
});

test('repool server on a port in use: one line, no stack trace, exit 1', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as AddressInfo;
  try {
    const { code, stderr } = await run(['server', '--port', String(port)]).exited;
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `repool server: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE); pick another --port, or --port 0 for a free one\n`,
    );
  } finally {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  }
});
