// `npm start`: a short `repool bench` with default settings against the embedded test server
// (started in a child process), straight from the TypeScript sources through tsx, so it works
// on a fresh clone after `npm install` with no build step. Extra arguments are passed on:
//   npm start -- --workload point-get --mode run
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const extra = process.argv.slice(2);
// A short run unless the caller chose its own length (bench rejects a flag given twice).
const chosen = extra.some((a) => /^--(duration|queries)(=|$)/.test(a));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/repool.ts', 'bench', ...(chosen ? [] : ['--duration', '5s']), ...extra],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the child too (same process group): let it print its partial report and
// exit, and take its exit code, rather than dying first.
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
});
