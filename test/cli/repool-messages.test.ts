// What the real `repool` binary says on --version and on a bad command line: the version
// from package.json; for a mistake one line (with "did you mean" for a typo) and a pointer
// to --help, never the whole usage text or a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lines, runRepool } from './run-repool.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version prints the package version for repool and each sub-command, exit 0', async () => {
  const all = await Promise.all([['--version'], ['bench', '--version'], ['server', '--version'], ['bench', '--rows', '5', '--version']].map((a) => runRepool(a)));
  for (const res of all) {
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `repool ${version}\n`);
    assert.equal(res.stderr, '');
  }
});

test('usage errors: one line naming the mistake (with the nearest flag or command), then see --help', async () => {
  const cases: [string[], string][] = [
    [['bench', '--duraton', '3'], 'repool bench: unknown flag --duraton (did you mean --duration?)'],
    [['bench', '--concurency=4'], 'repool bench: unknown flag --concurency (did you mean --concurrency?)'],
    [['bench', '--pool_size', '4'], 'repool bench: unknown flag --pool_size (did you mean --pool-size?)'],
    [['bench', '--verison'], 'repool bench: unknown flag --verison (did you mean --version?)'],
    [['bench', '--frobnicate'], 'repool bench: unknown flag --frobnicate'],
    [['bench', '--duration', 'soon'], "repool bench: --duration must be seconds (3, 0.5) or a duration like 500ms, 10s, 2m (above 0), got 'soon'"],
    [['bench', '--json'], 'repool bench: --json needs a value'],
    [['bnech'], "repool: unknown command 'bnech' (did you mean bench?)"],
    [['--verbose'], 'repool: unknown flag --verbose'],
  ];
  const results = await Promise.all(cases.map(([args]) => runRepool(args)));
  results.forEach((res, i) => {
    const [args, first] = cases[i]!;
    const command = args[0] === 'bench' ? 'repool bench' : 'repool';
    assert.equal(res.code, 2, args.join(' '));
    assert.deepEqual(lines(res.stderr), [first, `see \`${command} --help\``], args.join(' '));
    assert.equal(res.stdout, '');
  });
});
