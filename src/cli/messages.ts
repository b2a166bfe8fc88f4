// How every `repool` command speaks about a failure: one line on stderr, never a stack trace
// or the whole usage text. A bad command line adds a second line pointing at --help.

/** A bad command line (unknown flag, bad value): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The text for a usage error of `command` ("repool bench"): the problem, then where to look. */
export function usageErrorText(command: string, message: string): string {
  return `${command}: ${message}\nsee \`${command} --help\`\n`;
}

/** The codes of Node's system errors a user meets, in words. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'the address is not available on this machine',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
};

/** The `code` of a Node system error, looking through `cause` (wrapped errors). */
export function systemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in SYSTEM_ERRORS) return code;
  }
  return undefined;
}

/** A known system error code in words, with the code: "the address is already in use (EADDRINUSE)". */
export function describeCode(code: string): string {
  return `${SYSTEM_ERRORS[code] ?? 'failed'} (${code})`;
}

/** Any thrown value as one line: its message with line breaks folded into spaces. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}
