// Flag values of the benchmarks, checked.

/** `text` as a positive integer, or an error naming the flag. */
export function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

/** The flags that name a real server (the embedded test server when --host is absent). */
export const SERVER_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string', default: '28015' },
  user: { type: 'string', default: 'admin' },
  'password-env': { type: 'string' },
} as const;
