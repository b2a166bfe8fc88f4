// The floors of DESIGN section 7, checked on the imports of src/: each folder imports only
// the floors below it (type-only imports count), and no file takes part in an import circle.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Bottom to top. `index.ts` is above all; testing/ and cli/ stand beside the pool's floors. */
const FLOORS = ['drivers', 'core', 'server', 'cluster', 'feeds', 'facade'];

const files = readdirSync('src', { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => join('src', f));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)) {
    out.push(normalize(join(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
  }
  return out;
}

function floorOf(file: string): number | undefined {
  const top = relative('src', file).split('/')[0]!;
  const i = FLOORS.indexOf(top);
  return i >= 0 ? i : undefined;
}

it('no folder of the pool imports from a floor above it', () => {
  const upward: string[] = [];
  for (const file of files) {
    const from = floorOf(file);
    if (from === undefined) continue;
    for (const target of importsOf(file)) {
      const to = floorOf(target);
      if (to === undefined || to > from) upward.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

it('the test kit uses nothing of the pool but core\'s types', () => {
  const bad: string[] = [];
  for (const file of files.filter((f) => f.startsWith('src/testing/'))) {
    for (const target of importsOf(file)) {
      if (!target.startsWith('src/testing/') && !target.startsWith('src/core/')) bad.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

it('no import circles', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 'active' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'active') {
      circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'active');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  assert.deepEqual(circles, []);
});
