// The pool as it ships: the benchmarks load dist/esm (plain tsc output, built by the bench
// scripts first), not src/ through the TypeScript loader, whose output differs (esbuild wraps
// every closure it creates in a naming helper, a cost per call that users never pay).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Api from '../../src/index.js';

const entry = new URL('../../dist/esm/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  throw new Error('dist/esm is missing: run `npm run build` first (the bench:* scripts do)');
}

/** The package's exports, from its build. */
export const pool: typeof Api = await import(entry.href);
