// The flag grammar every `repool` command shares: `--flag value` and `--flag=value`; -h,
// --help and --version win wherever they stand; anything unknown, repeated or missing its
// value is a UsageError, with the nearest known flag suggested for a typo.
import { closest } from './did-you-mean.js';
import { UsageError } from './messages.js';

export interface FlagSpec {
  /** Flags that take a value, without the leading `--`. */
  readonly values: readonly string[];
  /** Of those, the ones that may be given more than once (every value is kept, in order). */
  readonly repeatable?: readonly string[];
  /** Flags refused on purpose, with the reason to show (e.g. a password in plain sight). */
  readonly refused?: Readonly<Record<string, string>>;
}

export type Collected =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'flags'; readonly values: ReadonlyMap<string, readonly string[]> };

function unknownFlag(arg: string, spec: FlagSpec): UsageError {
  const name = arg.replace(/^-+/, '').split('=')[0]!;
  const near = closest(name, [...spec.values, 'help', 'version']);
  return new UsageError(`unknown flag ${arg.split('=')[0]}${near ? ` (did you mean --${near}?)` : ''}`);
}

/** Splits argv into flag name -> values; throws UsageError for anything it cannot take. */
export function collectFlags(argv: readonly string[], spec: FlagSpec): Collected {
  // Help and version first: `repool bench --pool-size x --help` shows the help.
  if (argv.some((a) => a === '-h' || a === '--help')) return { kind: 'help' };
  if (argv.includes('--version')) return { kind: 'version' };
  const known = new Set(spec.values);
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') throw unknownFlag(arg, spec);
      throw new UsageError(`unexpected argument '${arg}' (flags start with --)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const reason = spec.refused?.[name];
    if (reason !== undefined) throw new UsageError(reason);
    if (!known.has(name)) throw unknownFlag(arg, spec);
    const seen = values.get(name);
    if (seen && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} given twice`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // A value never starts with --: `--json --html x` is a forgotten value, not a file "--html".
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a value`);
    if (seen) seen.push(value);
    else values.set(name, [value]);
  }
  return { kind: 'flags', values };
}
