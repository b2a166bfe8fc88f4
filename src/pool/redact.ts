// What the pool shows of the user's connect options: every key that may hold a secret is
// replaced, at any depth, so that passwords appear in no inspect() or JSON output.
const SECRET_KEYS = /pass|secret|token|auth|key|cert/i;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
