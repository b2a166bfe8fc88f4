// closest(): the suggestion behind "did you mean" in every repool error line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest } from '../../src/cli/did-you-mean.js';

const FLAGS = ['host', 'port', 'user', 'db', 'rows', 'pool-size', 'concurrency', 'duration', 'queries', 'warmup', 'json', 'html', 'help', 'version'];

test('a typo (missing, extra, changed or swapped letters; case) finds its flag', () => {
  const cases: [string, string][] = [
    ['duraton', 'duration'], ['durration', 'duration'], ['prot', 'port'], ['hots', 'host'],
    ['pool_size', 'pool-size'], ['poolsize', 'pool-size'], ['Concurrency', 'concurrency'], ['jsn', 'json'],
  ];
  for (const [typo, flag] of cases) assert.equal(closest(typo, FLAGS), flag, typo);
});

test('an unambiguous beginning finds its flag', () => {
  assert.equal(closest('conc', FLAGS), 'concurrency');
  assert.equal(closest('ver', FLAGS), 'version');
});

test('nothing near, too short, or ambiguous: no suggestion', () => {
  for (const word of ['frobnicate', 'x', 'password-file', 'h']) assert.equal(closest(word, FLAGS), undefined, word);
});
