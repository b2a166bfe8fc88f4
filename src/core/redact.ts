// What the pool shows of the user's connect options (inspect(pool), toJSON()): every key
// that may hold a secret is replaced at any depth, binary data and long strings are summed
// up instead of printed, and nesting stops at a few levels.
const SECRET_KEYS = /pass|secret|token|auth|key|cert|pfx|credential/i;
/** Deepest level shown. */
const MAX_DEPTH = 4;
/** Longest string shown whole. */
const MAX_STRING = 120;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `[string of ${value.length} characters]` : value;
  }
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
