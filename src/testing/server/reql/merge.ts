// Merging objects as `merge`, `update` and `insert(..., {conflict: 'update'})` do: nested
// objects merge key by key, anything else replaces, and `r.literal(x)` replaces even an
// object (`r.literal()` removes the key). The merged object is checked like any other
// built object, so merging a field into a TIME is refused as on the real server.
import { isObject, ptypeOf, setField, sortedObject, type DatumObject } from './datum.js';
import { sanitizePtype } from './ptypes.js';

export function mergeDatum(a: unknown, b: unknown): unknown {
  if (!isObject(a) || !isObject(b)) return dropLiterals(b);
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const literal = ptypeOf(v) === 'LITERAL';
    if (isObject(v) && Object.hasOwn(out, k) && !literal) {
      setField(out, k, mergeDatum(out[k], v));
      continue;
    }
    const val = literal ? (v as DatumObject).value : v;
    if (val === undefined) delete out[k];
    else setField(out, k, dropLiterals(val));
  }
  return sanitizePtype(sortedObject(out));
}

/** A value with every `r.literal(x)` inside replaced by x (and `r.literal()` keys removed). */
export function dropLiterals(v: unknown): unknown {
  if (!isObject(v)) return v;
  if (ptypeOf(v) === 'LITERAL') return v.value === undefined ? undefined : dropLiterals(v.value);
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const y = dropLiterals(x);
    if (y !== x) changed = true;
    if (y !== undefined) setField(out, k, y);
  }
  return changed ? out : v;
}
