// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts) with plain tsc.
// The CLI is ESM-only (it uses import.meta), so the CommonJS build leaves it out.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';

const tsc = ['node_modules/typescript/bin/tsc'];
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [...tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [...tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
mkdirSync('dist/cjs', { recursive: true });
// Files under dist/cjs are CommonJS whatever the root package.json says.
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
console.log('built dist/esm and dist/cjs');
