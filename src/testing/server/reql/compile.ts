// The compile pass: the real server checks a whole query before running any of it, so a
// malformed term (unknown type, wrong arity, unknown optarg, r.row out of place) is a
// COMPILE_ERROR even when it sits in a branch that would never run, and no write happens.
// The evaluator can then assume well-formed terms.
import { T, termName } from '../protocol.js';
import { isObject } from './datum.js';
import { compileError } from './errors.js';
import { withFrames } from './evaluate.js';

/** Deeper terms are refused: recursion depth must stay far below Node's stack limit. */
export const MAX_TERM_DEPTH = 512;

type Arity = readonly [min: number, max: number];
const ANY = -1;

/** Argument counts of supported terms (the server's argspec). */
const ARITY = new Map<number, Arity>([
  [T.MAKE_ARRAY, [0, ANY]], [T.MAKE_OBJ, [0, 0]], [T.VAR, [1, 1]], [T.IMPLICIT_VAR, [0, 0]],
  [T.FUNC, [2, 2]], [T.FUNCALL, [1, ANY]], [T.JAVASCRIPT, [1, 1]], [T.ERROR, [0, 1]],
  [T.DB, [1, 1]], [T.TABLE, [1, 2]], [T.GET, [2, 2]], [T.GET_ALL, [1, ANY]],
  [T.EQ, [1, ANY]], [T.NE, [1, ANY]], [T.LT, [1, ANY]], [T.LE, [1, ANY]], [T.GT, [1, ANY]],
  [T.GE, [1, ANY]], [T.NOT, [1, 1]], [T.ADD, [1, ANY]], [T.SUB, [1, ANY]], [T.MUL, [1, ANY]],
  [T.DIV, [1, ANY]], [T.MOD, [2, 2]], [T.GET_FIELD, [2, 2]], [T.BRACKET, [2, 2]],
  [T.HAS_FIELDS, [1, ANY]], [T.PLUCK, [1, ANY]], [T.WITHOUT, [1, ANY]], [T.MERGE, [1, ANY]],
  [T.MAP, [2, ANY]], [T.FILTER, [2, 2]], [T.ORDER_BY, [1, ANY]], [T.COUNT, [1, 2]],
  [T.SUM, [1, 2]], [T.UNION, [0, ANY]], [T.NTH, [2, 2]], [T.SKIP, [2, 2]], [T.LIMIT, [2, 2]],
  [T.IS_EMPTY, [1, 1]], [T.CONTAINS, [1, ANY]], [T.DEFAULT, [2, 2]], [T.BRANCH, [3, ANY]],
  [T.OR, [0, ANY]], [T.AND, [0, ANY]], [T.COERCE_TO, [2, 2]], [T.TYPE_OF, [1, 1]],
  [T.UPDATE, [2, 2]], [T.REPLACE, [2, 2]], [T.DELETE, [1, 1]], [T.INSERT, [2, 2]],
  [T.DB_CREATE, [1, 1]], [T.DB_DROP, [1, 1]], [T.DB_LIST, [0, 0]], [T.TABLE_CREATE, [1, 2]],
  [T.TABLE_DROP, [1, 2]], [T.TABLE_LIST, [0, 1]], [T.ASC, [1, 1]], [T.DESC, [1, 1]],
  [T.INDEX_CREATE, [2, 3]], [T.INDEX_DROP, [2, 2]], [T.INDEX_LIST, [1, 1]],
  [T.INDEX_WAIT, [1, ANY]], [T.ISO8601, [1, 1]], [T.EPOCH_TIME, [1, 1]], [T.NOW, [0, 0]],
  [T.UUID, [0, 1]], [T.RANGE, [0, 2]], [T.CONFIG, [1, 1]], [T.STATUS, [1, 1]],
  [T.WAIT, [0, 1]], [T.SYNC, [1, 1]], [T.CHANGES, [1, 1]],
]);

const WRITE_OPTS = ['durability', 'return_vals', 'return_changes', 'ignore_write_hook'];

/** Optargs each term accepts; terms not listed are not checked. */
const OPTARGS = new Map<number, ReadonlySet<string>>([
  [T.TABLE, new Set(['read_mode', 'use_outdated', 'identifier_format'])],
  [T.INSERT, new Set([...WRITE_OPTS, 'conflict'])],
  [T.UPDATE, new Set([...WRITE_OPTS, 'non_atomic'])],
  [T.REPLACE, new Set([...WRITE_OPTS, 'non_atomic'])],
  [T.DELETE, new Set(WRITE_OPTS)],
  [T.FILTER, new Set(['default'])],
  [T.ORDER_BY, new Set(['index'])],
  [T.GET_ALL, new Set(['index'])],
  [T.TABLE_CREATE, new Set(['primary_key', 'shards', 'replicas', 'nonvoting_replica_tags',
    'primary_replica_tag', 'durability'])],
  [T.INDEX_CREATE, new Set(['multi', 'geo'])],
  [T.ISO8601, new Set(['default_timezone'])],
  [T.WAIT, new Set(['wait_for', 'timeout'])],
  [T.DB_CREATE, new Set()], [T.DB_DROP, new Set()], [T.GET, new Set()], [T.FUNC, new Set()],
  [T.FUNCALL, new Set()], [T.MAP, new Set()], [T.COUNT, new Set()], [T.LIMIT, new Set()],
  [T.SKIP, new Set()], [T.PLUCK, new Set()], [T.WITHOUT, new Set()], [T.MERGE, new Set()],
]);

function argspec([min, max]: Arity): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  if (max === ANY) return `${min} or more arguments`;
  return `between ${min} and ${max} arguments`;
}

interface Visibility {
  readonly depth: number;
  /** 1-argument functions around this point; r.row is legal at exactly 1. */
  readonly implicitDepth: number;
  readonly vars: ReadonlySet<number>;
  readonly parentType: number;
}

const TOP: Visibility = { depth: 0, implicitDepth: 0, vars: new Set(), parentType: 0 };

/** Checks a START query's term; throws a COMPILE_ERROR with the path to the bad term. */
export function compileTerm(term: unknown): void {
  walk(term, TOP);
}

function walk(term: unknown, vis: Visibility): void {
  if (typeof term !== 'object' || term === null) return;
  if (vis.depth >= MAX_TERM_DEPTH) {
    throw compileError(`Query is nested too deeply (over ${MAX_TERM_DEPTH} levels) for the async-repool test server.`);
  }
  const inner: Visibility = { ...vis, depth: vis.depth + 1, parentType: T.MAKE_OBJ };
  if (!Array.isArray(term)) {
    for (const k of Object.keys(term)) {
      try { walk((term as Record<string, unknown>)[k], inner); } catch (e) { throw withFrames(e, k); }
    }
    return;
  }
  if (term.length < 1 || term.length > 3) {
    throw compileError(`Expected between 1 and 3 elements in a raw term, but found ${term.length}.`);
  }
  const type: unknown = term[0];
  if (typeof type !== 'number') {
    throw compileError(`Expected a TermType as a NUMBER but found ${jsonTypeName(type)}.`);
  }
  if (!termName.has(type)) throw compileError(`Unrecognized TermType: ${type}.`);
  if (type === T.DATUM) {
    if (term.length !== 2) throw compileError(`Expected 3 items in array, but found ${term.length + 1}.`);
    return;
  }
  let args: readonly unknown[] = [];
  let optargs: Record<string, unknown> | undefined;
  if (term.length >= 2) {
    const second: unknown = term[1];
    if (Array.isArray(second)) args = second;
    else if (isObject(second)) optargs = second as Record<string, unknown>;
    else throw compileError('Second element in a Term is neither arguments nor optional arguments.');
  }
  if (term.length === 3) {
    if (optargs !== undefined) throw compileError('Second and third element in a term are both optional arguments.');
    if (!isObject(term[2])) throw compileError('Third element in a Term is not optional arguments.');
    optargs = term[2] as Record<string, unknown>;
  }
  checkTerm(type, args, optargs, vis);
  const child: Visibility = { ...vis, depth: vis.depth + 1, parentType: type };
  if (type === T.FUNC) {
    const params = funcParams(args[0]);
    const vars = new Set(vis.vars);
    for (const p of params) vars.add(p);
    const bodyVis = { ...child, vars, implicitDepth: vis.implicitDepth + (params.length === 1 ? 1 : 0) };
    try { walk(args[1], bodyVis); } catch (e) { throw withFrames(e, 1); }
    return;
  }
  for (let i = 0; i < args.length; i++) {
    try { walk(args[i], child); } catch (e) { throw withFrames(e, i); }
  }
  if (optargs !== undefined) {
    for (const k of Object.keys(optargs)) {
      try { walk(optargs[k], child); } catch (e) { throw withFrames(e, k); }
    }
  }
}

function checkTerm(
  type: number, args: readonly unknown[], optargs: Record<string, unknown> | undefined, vis: Visibility,
): void {
  const arity = ARITY.get(type);
  if (arity !== undefined) {
    const [min, max] = arity;
    if (args.length < min || (max !== ANY && args.length > max)) {
      throw compileError(`Expected ${argspec(arity)} but found ${args.length}.`);
    }
  }
  const allowed = OPTARGS.get(type);
  if (allowed !== undefined && optargs !== undefined) {
    for (const k of Object.keys(optargs)) {
      if (!allowed.has(k)) throw compileError(`Unrecognized optional argument \`${k}\`.`);
    }
  }
  if ((type === T.ASC || type === T.DESC) && vis.parentType !== T.ORDER_BY && vis.parentType !== T.UNION) {
    throw compileError(`${type === T.ASC ? 'ASC' : 'DESC'} may only be used as an argument to ORDER_BY or UNION.`);
  }
  if (type === T.IMPLICIT_VAR && vis.implicitDepth !== 1) {
    throw compileError(vis.implicitDepth === 0
      ? 'r.row is not defined in this context.'
      : 'Cannot use r.row in nested queries.  Use functions instead.');
  }
  if (type === T.VAR) {
    const id: unknown = args[0];
    if (typeof id !== 'number' || !vis.vars.has(id)) throw compileError('Variable name not found.');
  }
  if (type === T.BRANCH && args.length % 2 === 0) {
    throw compileError('Cannot call `branch` term with an even number of arguments.');
  }
}

/** FUNC's first argument: `[2, [id, ...]]`, the parameter ids. */
export function funcParams(list: unknown): number[] {
  if (Array.isArray(list) && list[0] === T.MAKE_ARRAY && Array.isArray(list[1])) {
    const ids = list[1] as unknown[];
    if (ids.every((x) => typeof x === 'number')) return ids as number[];
  }
  throw compileError('The first argument of FUNC must be an array of variable ids (`[2, [1, 2]]`).', [0]);
}

function jsonTypeName(v: unknown): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return 'ARRAY';
  switch (typeof v) {
    case 'string': return 'STRING';
    case 'boolean': return 'BOOL';
    case 'object': return 'OBJECT';
    default: return 'NUMBER';
  }
}
