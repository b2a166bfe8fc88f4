// The package's version for `--version`, read from its package.json: found by walking up from
// this file, which sits at src/cli/ in the sources and at dist/esm/cli/ in the build.
import { readFileSync } from 'node:fs';

const PACKAGE_NAME = 'async-repool';

export function packageVersion(): string {
  for (let url = new URL('./', import.meta.url), up = new URL('../', url); ; url = up, up = new URL('../', url)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json at this level (or not ours): keep walking up.
    }
    if (up.href === url.href) return 'unknown'; // the root: no package.json of ours above
  }
}

/** The line `--version` prints, for `repool` and every sub-command. */
export function versionLine(): string {
  return `repool ${packageVersion()}\n`;
}
