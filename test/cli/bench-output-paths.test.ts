// Output paths are checked before the run: a bad --json or --html fails at once with one
// line and exit 2, before any server starts. Through the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lines, runRepool, withTempDir } from './run-repool.js';

test('--html in a directory that does not exist: one line, exit 2, nothing started', async () => {
  const res = await runRepool(['bench', '--html', '/nonexistent/dir/x.html']);
  assert.equal(res.code, 2);
  assert.deepEqual(lines(res.stderr), ['repool bench: --html /nonexistent/dir/x.html: directory /nonexistent/dir does not exist']);
  assert.equal(res.stdout, '');
});

test('--json naming a directory, a path under a file, or the same file as --html: one line each', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'plain');
    await writeFile(file, '');
    const cases: [string[], RegExp][] = [
      [['--json', dir], /^repool bench: --json .+: .+ is a directory$/],
      [['--json', join(file, 'r.json')], /^repool bench: --json .+: .+plain is not a directory$/],
      [['--json', join(dir, 'r'), '--html', join(dir, 'r')], /^repool bench: --json and --html name the same file/],
    ];
    const results = await Promise.all(cases.map(([args]) => runRepool(['bench', ...args])));
    results.forEach((res, i) => {
      const [args, re] = cases[i]!;
      assert.equal(res.code, 2, args.join(' '));
      assert.equal(lines(res.stderr).length, 1, res.stderr);
      assert.match(res.stderr.trimEnd(), re);
    });
  });
});
