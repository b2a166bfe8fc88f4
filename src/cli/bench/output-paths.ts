// Checks the report files before the run starts: a typo in a directory name must fail at
// once, not after a ten-minute run whose results are then lost.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BenchOptions } from './args.js';
import { STDOUT } from './outputs.js';

/** Why `file` cannot be written, or undefined if it can (it is not created here). */
async function problemWith(file: string): Promise<string | undefined> {
  const path = resolve(file);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) return `${file} is a directory`;
  if (existing) {
    return (await writable(path)) ? undefined : `${file} is not writable`;
  }
  const dir = dirname(path);
  const parent = await stat(dir).catch(() => undefined);
  if (!parent) return `directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${dir} is not a directory`;
  return (await writable(dir)) ? undefined : `directory ${dir} is not writable`;
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(() => true, () => false);
}

/** One line naming the flag and the problem, or undefined when every output can be written. */
export async function checkOutputPaths(o: Pick<BenchOptions, 'jsonFile' | 'htmlFile'>): Promise<string | undefined> {
  const files: [flag: string, file: string][] = [];
  if (o.jsonFile !== undefined && o.jsonFile !== STDOUT) files.push(['--json', o.jsonFile]);
  if (o.htmlFile !== undefined && o.htmlFile !== STDOUT) files.push(['--html', o.htmlFile]);
  if (files.length === 2 && resolve(files[0]![1]) === resolve(files[1]![1])) {
    return `--json and --html name the same file ${files[0]![1]}`;
  }
  for (const [flag, file] of files) {
    const problem = await problemWith(file);
    if (problem !== undefined) return `${flag} ${file}: ${problem}`;
  }
  return undefined;
}
