// `repool server` as a process: prints its address, serves the official driver, exits 0 on
// SIGTERM; a bad flag is a usage error (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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

test('a bad flag prints the usage on stderr and exits 2', async () => {
  for (const args of [['server', '--bogus'], ['server', '--port', 'x'], ['server', '--user', 'nocolon'], ['nope']]) {
    const { code, stderr } = await run(args).exited;
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /Usage: repool/);
  }
});
