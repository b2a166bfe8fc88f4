// The compile pass: the real server checks a whole query before running any of it, so a
// malformed term (unknown type, wrong arity, unknown optarg, r.row out of place) is a
// COMPILE_ERROR even when it sits in a branch that would never run, and no write happens.
// The evaluator can then assume well-formed terms. A term this server does not implement
// is refused here too, before anything runs: a write whose function uses one fails
// loudly instead of counting a per-row error.
import { T, termName } from '../protocol.js';
import { arityMessage, OPTARGS } from './arity.js';
import { isObject } from './datum.js';
import { compileError } from './errors.js';
import { unsupported, withFrames } from './evaluate.js';

/** Deeper terms are refused: recursion depth must stay far below Node's stack limit. */
export const MAX_TERM_DEPTH = 512;

interface Visibility {
  readonly depth: number;
  /** 1-argument functions around this point; r.row is legal at exactly 1. */
  readonly implicitDepth: number;
  readonly vars: ReadonlySet<number>;
  readonly parentType: number;
}

const TOP: Visibility = { depth: 0, implicitDepth: 0, vars: new Set(), parentType: 0 };

/** Checks a START query's term; throws a COMPILE_ERROR with the path to the bad term. */
export function compileTerm(term: unknown, supported: ReadonlySet<number>): void {
  walk(term, TOP, supported);
}

function walk(term: unknown, vis: Visibility, supported: ReadonlySet<number>): void {
  if (typeof term !== 'object' || term === null) return;
  if (vis.depth >= MAX_TERM_DEPTH) {
    throw compileError(`Query is nested too deeply (over ${MAX_TERM_DEPTH} levels) for the async-repool test server.`);
  }
  const inner: Visibility = { ...vis, depth: vis.depth + 1, parentType: T.MAKE_OBJ };
  if (!Array.isArray(term)) {
    for (const k of Object.keys(term)) {
      try { walk((term as Record<string, unknown>)[k], inner, supported); } catch (e) { throw withFrames(e, k); }
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
  if (!supported.has(type)) throw unsupported(type);
  const child: Visibility = { ...vis, depth: vis.depth + 1, parentType: type };
  if (type === T.FUNC) {
    const params = funcParams(args[0]);
    const vars = new Set(vis.vars);
    for (const p of params) vars.add(p);
    const bodyVis = { ...child, vars, implicitDepth: vis.implicitDepth + (params.length === 1 ? 1 : 0) };
    try { walk(args[1], bodyVis, supported); } catch (e) { throw withFrames(e, 1); }
    return;
  }
  for (let i = 0; i < args.length; i++) {
    try { walk(args[i], child, supported); } catch (e) { throw withFrames(e, i); }
  }
  if (optargs !== undefined) {
    for (const k of Object.keys(optargs)) {
      try { walk(optargs[k], child, supported); } catch (e) { throw withFrames(e, k); }
    }
  }
}

function checkTerm(
  type: number, args: readonly unknown[], optargs: Record<string, unknown> | undefined, vis: Visibility,
): void {
  // With r.args among the arguments their number is known only at run time.
  const spliced = args.some((a) => Array.isArray(a) && a[0] === T.ARGS);
  const wrongCount = spliced ? undefined : arityMessage(type, args.length);
  if (wrongCount !== undefined) throw compileError(wrongCount);
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
