// The README's options, errors and events tables are documentation users copy from: they
// are checked here against the code (option names and @default tags in options.ts, the
// DEFAULTS object, error classes and codes, the event names), so they cannot drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import * as api from '../../src/index.js';
import { DEFAULTS } from '../../src/core/options.js';

const readme = readFileSync('README.md', 'utf8');
const optionsSource = readFileSync('src/core/options.ts', 'utf8');
const errorsSource = readFileSync('src/core/errors.ts', 'utf8') + readFileSync('src/core/call-errors.ts', 'utf8');
const eventsSource = readFileSync('src/core/events.ts', 'utf8');

/** Rows of the markdown table between `<!-- NAME:start ... -->` and `<!-- NAME:end -->`. */
function table(name: string): string[][] {
  const start = readme.indexOf(`<!-- ${name}:start`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  assert.ok(start >= 0 && end > start, `README has no ${name} markers`);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

const unquote = (cell: string): string => cell.replace(/`/g, '');

/** `name -> @default text` for every field of `export interface PoolOptions`. */
function documentedOptions(): Map<string, string> {
  const body = /export interface PoolOptions[^{]*\{([\s\S]*?)\n\}/.exec(optionsSource)?.[1];
  assert.ok(body, 'PoolOptions interface not found in options.ts');
  const out = new Map<string, string>();
  const field = /\/\*\*([\s\S]*?)\*\/\s*(\w+)\?:/g;
  for (let m = field.exec(body); m; m = field.exec(body)) {
    const doc = m[1]!.replace(/\n\s*\*/g, ' ');
    const dflt = /@default\s+(.+?)\s*$/.exec(doc.trim())?.[1];
    assert.ok(dflt, `option ${m[2]} has no @default in options.ts`);
    out.set(m[2]!, dflt.trim());
  }
  return out;
}

const normalize = (s: string): string => unquote(s).replace(/[\s_]/g, '').toLowerCase();

it('the options table lists every option with the default the code documents and applies', () => {
  const documented = documentedOptions();
  const rows = table('options-table');
  assert.deepEqual(rows.map((r) => unquote(r[0]!)).sort(), [...documented.keys()].sort());
  for (const [cell, dflt] of rows) {
    const name = unquote(cell!);
    const fromCode = documented.get(name)!;
    // Prose defaults ("the official `rethinkdb` driver") must name the same thing.
    const a = normalize(dflt!);
    const b = normalize(fromCode);
    assert.ok(a === b || b.includes(a) || a.includes(b), `${name}: README says ${dflt}, options.ts says ${fromCode}`);
    const applied = (DEFAULTS as Record<string, unknown>)[name];
    if (typeof applied === 'number' || typeof applied === 'boolean') {
      assert.equal(normalize(dflt!), normalize(String(applied)), `${name}: README default vs DEFAULTS`);
    }
  }
});

it('the errors table matches the exported error classes and their codes', () => {
  const rows = table('errors-table');
  const codes = [...errorsSource.matchAll(/\|\s*'(REPOOL_[A-Z_]+)'/g)].map((m) => m[1]!);
  assert.deepEqual([...new Set(rows.map((r) => unquote(r[1]!)))].sort(), [...new Set(codes)].sort());
  const exported = Object.entries(api)
    .filter(([, v]) => typeof v === 'function' && (v as { prototype: unknown }).prototype instanceof api.PoolError)
    .map(([k]) => k);
  assert.deepEqual(rows.map((r) => unquote(r[0]!)).sort(), exported.sort(), 'every exported PoolError subclass is listed');
  for (const [cls, code] of rows) {
    const name = unquote(cls!);
    const ctor = (api as Record<string, unknown>)[name];
    assert.equal(typeof ctor, 'function', `${name} is not exported`);
    assert.ok((ctor as { prototype: unknown }).prototype instanceof api.PoolError, `${name} is not a PoolError`);
    const body = new RegExp(`class ${name} extends[\\s\\S]*?\\n\\}`).exec(errorsSource)?.[0] ?? '';
    assert.ok(body.includes(`'${unquote(code!)}'`), `${name} does not use code ${code}`);
  }
});

it('the events table lists every event the pool emits', () => {
  const rows = table('events-table');
  const set = /EVENT_NAMES[^=]*=\s*new Set[^(]*\(\[([\s\S]*?)\]\)/.exec(eventsSource)?.[1];
  assert.ok(set, 'EVENT_NAMES not found in events.ts');
  // `error` listeners are accepted for node:events' helpers, but the pool never emits it.
  const names = [...set.matchAll(/'(\w+)'/g)].map((m) => m[1]!).filter((n) => n !== 'error');
  assert.deepEqual(rows.map((r) => unquote(r[0]!)).sort(), names.sort());
  assert.ok(!/\.(emit|event)\('error'/.test(readFileSync('src/core/notifier.ts', 'utf8')), 'the pool never emits error');
});

it('the quick start is examples/quick-start.ts line for line (CI runs that example)', () => {
  const between = (text: string, begin: string, end: string): string[] => {
    const from = text.indexOf(begin);
    const to = text.indexOf(end, from);
    assert.ok(from >= 0 && to > from, `markers ${begin} .. ${end} not found`);
    return text.slice(from, to).split('\n').slice(1).map((l) => l.trimEnd()).filter((l) => l !== '' && !l.startsWith('```'));
  };
  const fromReadme = between(readme, '<!-- quick-start:begin', '<!-- quick-start:end -->');
  const example = readFileSync('examples/quick-start.ts', 'utf8');
  assert.deepEqual(fromReadme, between(example, '// --- quick-start:begin', '// --- quick-start:end'));
});
