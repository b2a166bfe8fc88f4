// Round trips per second through the official `rethinkdb` driver against the test server
// running in a second process (so client and server do not share an event loop).
// Usage: npm run bench:server -- [--connections 8] [--inflight 64] [--queries 200000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import r from 'rethinkdb';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const connections = flag('connections', 8);
const inflight = flag('inflight', 64);
const total = flag('queries', 200_000);
const warmup = Math.min(20_000, Math.floor(total / 10));

const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/repool.ts', 'server', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const lines = createInterface({ input: child.stdout });
const [line] = (await once(lines, 'line')) as [string];
const port = Number(/:(\d+)\s*$/.exec(line)?.[1]);
if (!port) throw new Error(`cannot read the port from: ${line}`);

const conns = await Promise.all(
  Array.from({ length: connections }, () => r.connect({ host: '127.0.0.1', port })),
);
for (const c of conns) c.on('error', () => {});

/** Runs `count` r.expr(1) queries with `inflight` outstanding per connection. */
async function roundTrips(count: number): Promise<void> {
  let issued = 0;
  const worker = async (conn: r.Connection): Promise<void> => {
    while (issued < count) {
      issued++;
      const value = await r.expr(1).run(conn);
      if (value !== 1) throw new Error(`unexpected answer ${String(value)}`);
    }
  };
  await Promise.all(conns.flatMap((c) => Array.from({ length: inflight }, () => worker(c))));
}

await roundTrips(warmup);
const started = process.hrtime.bigint();
await roundTrips(total);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `${total} r.expr(1) round trips over ${connections} connections x ${inflight} in flight: ` +
    `${seconds.toFixed(2)} s, ${Math.round(total / seconds)} round trips/s`,
);

await Promise.all(conns.map((c) => c.close({ noreplyWait: false })));
child.kill('SIGTERM');
await once(child, 'exit');
