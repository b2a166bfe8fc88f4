// Path specifications of pluck, without and hasFields: `'a'`, `['a', 'b']`,
// `{a: {b: true}}`, nested freely; and what each of the three does with one (keep those
// paths, drop them, or tell whether all of them are present and not null).
import { datumTypeName, isObject, prettyPrint, setField, sortedObject, type DatumObject } from './datum.js';
import { logicError } from './errors.js';

export type Path =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'all'; readonly parts: readonly Path[] }
  | { readonly kind: 'nested'; readonly fields: ReadonlyMap<string, Path> };

export function parsePath(spec: unknown): Path {
  let p: Path;
  if (typeof spec === 'string') {
    p = { kind: 'field', name: spec };
  } else if (Array.isArray(spec)) {
    p = { kind: 'all', parts: spec.map(parsePath) };
  } else if (isObject(spec)) {
    const flat: Path[] = [];
    const nested = new Map<string, Path>();
    for (const k of Object.keys(spec).sort()) {
      const v = spec[k];
      if (v === true) flat.push({ kind: 'field', name: k });
      else nested.set(k, parsePath(v));
    }
    if (flat.length === 0) p = { kind: 'nested', fields: nested };
    else {
      if (nested.size > 0) flat.push({ kind: 'nested', fields: nested });
      p = { kind: 'all', parts: flat };
    }
  } else {
    throw logicError(`Invalid path argument \`${prettyPrint(spec)}\`.`);
  }
  return p.kind === 'all' && p.parts.length === 1 ? (p.parts[0] as Path) : p;
}

/** Thrown inside a nested path when a value is not an object: that branch is skipped. */
class NotAnObject extends Error {}

function fieldsOf(v: unknown): DatumObject {
  if (!isObject(v)) throw new NotAnObject(datumTypeName(v));
  return v;
}

/** pluck: only the given paths (arrays under a nested path are plucked element by element). */
export function project(v: unknown, path: Path, recurse = false): unknown {
  if (Array.isArray(v) && recurse) return v.map((x) => project(x, path, false));
  const o = fieldsOf(v);
  const out: Record<string, unknown> = {};
  switch (path.kind) {
    case 'field':
      if (Object.hasOwn(o, path.name)) setField(out, path.name, o[path.name]);
      break;
    case 'all':
      for (const part of path.parts) Object.assign(out, project(o, part, recurse));
      break;
    case 'nested':
      for (const [k, sub] of path.fields) {
        if (!Object.hasOwn(o, k)) continue;
        try {
          setField(out, k, project(o[k], sub, true));
        } catch (err) {
          if (!(err instanceof NotAnObject)) throw err;
        }
      }
      break;
  }
  return sortedObject(out);
}

/** without: everything but the given paths. */
export function unproject(v: unknown, path: Path, recurse = false): unknown {
  if (Array.isArray(v) && recurse) return v.map((x) => unproject(x, path, false));
  const out: Record<string, unknown> = { ...fieldsOf(v) };
  drop(out, path);
  return sortedObject(out);
}

function drop(o: Record<string, unknown>, path: Path): void {
  if (path.kind === 'field') {
    delete o[path.name];
  } else if (path.kind === 'all') {
    for (const part of path.parts) drop(o, part);
  } else {
    for (const [k, sub] of path.fields) {
      if (!Object.hasOwn(o, k)) continue;
      try {
        setField(o, k, unproject(o[k], sub, true));
      } catch (err) {
        if (!(err instanceof NotAnObject)) throw err;
      }
    }
  }
}

/** hasFields: whether every path is present (and not null). */
export function hasPaths(v: unknown, path: Path): boolean {
  if (!isObject(v)) return false;
  switch (path.kind) {
    case 'field': return Object.hasOwn(v, path.name) && v[path.name] !== null;
    case 'all': return path.parts.every((p) => hasPaths(v, p));
    case 'nested':
      for (const [k, sub] of path.fields) {
        if (!Object.hasOwn(v, k) || !hasPaths(v[k], sub)) return false;
      }
      return true;
  }
}
