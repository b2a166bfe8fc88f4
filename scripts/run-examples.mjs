// Runs every example in self-test mode as a child process (TypeScript loaded by tsx), each
// with a deadline, and prints one line per example and a summary. Exits 1 if any failed.
// Usage: node scripts/run-examples.mjs [name-substring ...]
import { spawn } from 'node:child_process';

const TIMEOUT_MS = 60_000;
const examples = [
  { name: 'quick-start', args: ['examples/quick-start.ts'] },
  { name: 'http-service', args: ['examples/http-service.ts', '--self-test'] },
  { name: 'changefeed', args: ['examples/changefeed.ts', '--self-test'] },
  { name: 'worker', args: ['examples/worker.ts', '--self-test'] },
  { name: 'otel-metrics', args: ['examples/otel-metrics.ts', '--self-test'] },
  { name: 'user-code.test', args: ['--test', 'examples/user-code.test.ts'] },
];

const filters = process.argv.slice(2);
const selected = examples.filter((e) => filters.length === 0 || filters.some((w) => e.name.includes(w)));
if (selected.length === 0) {
  console.error(`no example matches ${filters.join(' ')}`);
  process.exit(1);
}

// Each example runs in its own process group (node --test forks the test file), so that a
// timeout or a Ctrl-C here kills the whole group and leaves no process behind.
let current;
const killGroup = (child) => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    if (current) killGroup(current);
    console.log(`interrupted by ${signal}`);
    process.exit(130);
  });
}

/** Runs one example; resolves to { ok, ms, detail, output }. */
function run({ args }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0' },
      detached: true,
    });
    current = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const ms = Date.now() - started;
      const detail = timedOut ? `timed out after ${TIMEOUT_MS} ms` : signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({ ok: !timedOut && code === 0, ms, detail, output });
    });
  });
}

let passed = 0;
let failed = 0;
for (const example of selected) {
  const { ok, ms, detail, output } = await run(example);
  if (ok) {
    passed++;
    console.log(`ok    ${example.name} (${ms} ms)`);
  } else {
    failed++;
    console.log(`FAIL  ${example.name} (${detail}, ${ms} ms)`);
    console.log(output.replace(/^/gm, '      ').trimEnd());
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
