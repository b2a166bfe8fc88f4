// The evaluator's core: a term is a datum, a JSON object (MAKE_OBJ) or
// `[type, args?, optargs?]`, dispatched by type number to a handler of its family. A
// handler sees its term through a `Call`, which evaluates arguments on demand (so AND, OR,
// BRANCH and DEFAULT can short-circuit), at most once each (a write nested in another
// term runs once, however often the handler reads its argument), and prepends the
// argument's index (or optarg name) to the backtrace of any error raised beneath it, as
// the real server reports it. Two rules of the real server live here for every term:
// arguments spliced in by `r.args`, and terms applied to grouped data run once per group.
import { T, termName } from '../protocol.js';
import type { Store } from '../store.js';
import { checkRuntimeArity } from './arity.js';
import { isObject, setField, sortedObject, type DatumObject } from './datum.js';
import { logicError, ReqlError, type Frame } from './errors.js';
import { FeedVal, termOnFeed } from './feed-spec.js';
import type { EvalContext } from './types.js';
import { asArray, asDatum, asSeq, isSequence } from './convert.js';
import { fieldValue } from './field.js';
import { sanitizePtype } from './ptypes.js';
import { makeTime } from './time.js';
import { FuncVal, GroupedVal, Scope, Special, wrongKind } from './values.js';

export type Handler = (call: Call) => unknown;

/** Per-query state. */
export interface Env {
  readonly ctx: EvalContext;
  readonly store: Store;
  /** Database of TABLE / TABLE_CREATE / TABLE_LIST terms that name none. */
  readonly defaultDb: string;
  readonly handlers: ReadonlyMap<number, Handler>;
  /** The `array_limit` run option (100 000 by default). */
  readonly arrayLimit: number;
  /** The query's global optargs (run options), which some terms read as defaults. */
  readonly globals: Readonly<Record<string, unknown>>;
  /** `r.now()` is one instant for the whole query, as on the real server. */
  now: DatumObject | undefined;
}

/** Evaluation flag: `r.literal` is legal here (inside what merge or update merges in). */
export const LITERAL_OK = 1;

/** Terms the real server never applies per group (everything else maps over grouped data). */
const NOT_GROUPED = new Set<number>([
  T.DATUM, T.MAKE_OBJ, T.VAR, T.IMPLICIT_VAR, T.FUNC, T.DEFAULT, T.UNGROUP, T.TYPE_OF, T.INFO,
  T.LITERAL, T.MAKE_ARRAY, T.FUNCALL, T.GROUP, T.ARGS,
]);

const EMPTY_ARGS: readonly unknown[] = Object.freeze([]);

/** Prepends `frames` to the backtrace of a ReqlError passing through. */
export function withFrames(err: unknown, ...frames: Frame[]): unknown {
  if (err instanceof ReqlError) err.backtrace.unshift(...frames);
  return err;
}

/** Marks an argument slot not evaluated yet. */
const UNSET: unique symbol = Symbol('unset');

/** A ReQL function ready to call with evaluated arguments. */
export interface Fn {
  (...args: unknown[]): unknown;
  /** Declared parameters (0 accepts any number of arguments, as on the real server). */
  readonly arity: number;
}

export class Call {
  /** Evaluated arguments, by index; UNSET until first read. */
  private readonly values: unknown[];
  private optValues: Map<string, unknown> | undefined;

  constructor(
    readonly env: Env,
    readonly type: number,
    readonly args: readonly unknown[],
    readonly optargs: DatumObject | undefined,
    readonly scope: Scope,
    /** LITERAL_OK when the enclosing term allows `r.literal` here. */
    readonly flags: number,
  ) {
    this.values = new Array<unknown>(args.length).fill(UNSET);
  }

  get argc(): number {
    return this.args.length;
  }

  /** Evaluates argument `i` (once), optionally converting it, with `i` in the error backtrace. */
  arg<R = unknown>(i: number, convert?: (v: unknown) => R, flags = 0): R {
    try {
      let v = this.values[i];
      if (v === UNSET) {
        v = evalTerm(this.args[i], this.scope, this.env, flags);
        this.values[i] = v;
      }
      return convert === undefined ? (v as R) : convert(v);
    } catch (err) {
      throw withFrames(err, i);
    }
  }

  /** Set when the term runs once per group of grouped data (see perGroup). */
  inGroup = false;

  /** Presets argument `i` (a group's rows, when a term runs once per group). */
  preset(i: number, v: unknown): void {
    this.values[i] = v;
  }

  hasOpt(name: string): boolean {
    return this.optargs !== undefined && Object.hasOwn(this.optargs, name);
  }

  /** Evaluates optarg `name` (once; undefined when absent), with `name` in the error backtrace. */
  opt<R = unknown>(name: string, convert?: (v: unknown) => R): R | undefined {
    if (this.optargs === undefined || !Object.hasOwn(this.optargs, name)) return undefined;
    try {
      this.optValues ??= new Map();
      let v: unknown;
      if (this.optValues.has(name)) {
        v = this.optValues.get(name);
      } else {
        v = evalTerm(this.optargs[name], this.scope, this.env, 0);
        this.optValues.set(name, v);
      }
      return convert === undefined ? (v as R) : convert(v);
    } catch (err) {
      throw withFrames(err, name);
    }
  }

  /** Optarg `name`, else the run option of that name (`read_mode`, `durability`). */
  optOrGlobal<R = unknown>(name: string, convert?: (v: unknown) => R): R | undefined {
    if (this.hasOpt(name)) return this.opt(name, convert);
    if (!Object.hasOwn(this.env.globals, name)) return undefined;
    try {
      const v = evalTerm(this.env.globals[name], Scope.root, this.env, 0);
      return convert === undefined ? (v as R) : convert(v);
    } catch (err) {
      throw withFrames(err, name);
    }
  }

  /** Argument `i`, which must be a function. */
  fn(i: number, flags = 0): Fn {
    const v = this.arg(i);
    if (!(v instanceof FuncVal)) return this.arg(i, () => wrongKind('FUNCTION', v));
    return callable(v, this.env, [i, 1], flags);
  }

  /** Argument `i` as a function, a datum standing for a constant function (`do(1)`, `filter(true)`). */
  constantFn(i: number, flags = 0): Fn {
    const v = this.arg(i, undefined, flags);
    if (v instanceof FuncVal) return callable(v, this.env, [i, 1], flags);
    const d = this.arg(i, asDatum);
    return Object.assign(() => d, { arity: 0 });
  }

  /** Argument `i` as a function, a datum standing for "that field of the row" (`orderBy('a')`, `sum('a')`). */
  fieldFn(i: number): Fn {
    const v = this.arg(i);
    if (v instanceof FuncVal) return callable(v, this.env, [i, 1], 0);
    const key = this.arg(i, asDatum);
    return Object.assign((row: unknown) => {
      try { return fieldValue(row, key); } catch (err) { throw withFrames(err, i); }
    }, { arity: 1 });
  }

  /** Optarg `name` as a function or constant (see constantFn); undefined when absent. */
  optFn(name: string): Fn | undefined {
    if (!this.hasOpt(name)) return undefined;
    const v = this.opt(name);
    if (v instanceof FuncVal) return callable(v, this.env, [name, 1], 0);
    const d = this.opt(name, asDatum);
    return Object.assign(() => d, { arity: 0 });
  }

  /** Whether argument `i` is written as a function (FUNC term) rather than a value. */
  isFuncTerm(i: number): boolean {
    const raw = this.args[i];
    return Array.isArray(raw) && raw[0] === T.FUNC;
  }

  now(): DatumObject {
    if (this.env.now === undefined) this.env.now = makeTime(Date.now() / 1000);
    return this.env.now;
  }
}

function callable(f: FuncVal, env: Env, frames: Frame[], flags: number): Fn {
  const fn = (...args: unknown[]) => {
    try {
      return invoke(f, args, env, flags);
    } catch (err) {
      throw withFrames(err, ...frames);
    }
  };
  return Object.assign(fn, { arity: f.params.length });
}

/** Calls a ReQL function with already evaluated arguments. */
export function invoke(f: FuncVal, args: readonly unknown[], env: Env, flags = 0): unknown {
  const n = f.params.length;
  // A function of no parameters accepts any arguments, as the real server allows.
  if (n !== 0 && n !== args.length) {
    const plural = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
    throw logicError(`Expected function with ${plural(args.length)} but found function with ${plural(n)}.`);
  }
  if (n === 0) return evalTerm(f.body, f.scope, env, flags);
  const vars = new Map<number, unknown>();
  for (let i = 0; i < n; i++) vars.set(f.params[i] as number, args[i]);
  const depth = f.scope.implicitDepth + (n === 1 ? 1 : 0);
  const implicit = n === 1 && f.scope.implicitDepth === 0 ? args[0] : f.scope.implicit;
  return evalTerm(f.body, new Scope(f.scope, vars, depth, implicit), env, flags);
}

function evalObject(obj: DatumObject, scope: Scope, env: Env, flags: number): DatumObject {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    try {
      setField(out, k, asDatum(evalTerm(obj[k], scope, env, flags)));
    } catch (err) {
      throw withFrames(err, k);
    }
  }
  return sanitizePtype(sortedObject(out), (flags & LITERAL_OK) !== 0);
}

/** `r.args([...])` arguments spliced into the argument list, as datums. */
function spliceArgs(args: readonly unknown[], scope: Scope, env: Env): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (Array.isArray(a) && a[0] === T.ARGS) {
      let items: readonly unknown[];
      try {
        items = asArray(evalTerm((a[1] as unknown[])[0], scope, env, 0));
      } catch (err) {
        throw withFrames(err, i, 0);
      }
      for (const item of items) out.push([T.DATUM, item]);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** Evaluates a term that compile() has already checked for shape, arity and term types. */
export function evalTerm(term: unknown, scope: Scope, env: Env, flags = 0): unknown {
  if (typeof term !== 'object' || term === null) return term;
  if (!Array.isArray(term)) return evalObject(term as DatumObject, scope, env, flags);
  const type = term[0] as number;
  if (type === T.DATUM) return term[1];
  let args = EMPTY_ARGS;
  let optargs: DatumObject | undefined;
  for (let i = 1; i < term.length; i++) {
    const part: unknown = term[i];
    if (Array.isArray(part)) args = part;
    else if (isObject(part)) optargs = part;
  }
  const handler = env.handlers.get(type);
  if (handler === undefined) throw unsupported(type);
  if (args.some((a) => Array.isArray(a) && a[0] === T.ARGS)) {
    args = spliceArgs(args, scope, env);
    checkRuntimeArity(type, args.length);
  }
  const call = new Call(env, type, args, optargs, scope, flags);
  if (args.length > 0 && !NOT_GROUPED.has(type)) {
    const v0 = call.arg(0);
    if (v0 instanceof GroupedVal) return perGroup(v0, type, args, optargs, scope, env, flags, handler);
    if (v0 instanceof FeedVal) throw termOnFeed(type);
  }
  return handler(call);
}

/** A term applied to grouped data: once per group, giving grouped data again. */
function perGroup(
  grouped: GroupedVal, type: number, args: readonly unknown[], optargs: DatumObject | undefined,
  scope: Scope, env: Env, flags: number, handler: Handler,
): GroupedVal {
  const out = new Map<string, { group: unknown; value: unknown }>();
  for (const [k, { group, value }] of grouped.groups) {
    const call = new Call(env, type, args, optargs, scope, flags);
    call.preset(0, value);
    call.inGroup = true;
    const v = handler(call);
    if (v === DROP_GROUP) continue;
    if (v instanceof GroupedVal) throw logicError('Cannot nest grouped data.');
    out.set(k, { group, value: v instanceof Special && isSequence(v) ? asSeq(v).rows.all() : asDatum(v) });
  }
  return new GroupedVal(out, false);
}

/**
 * What sum, avg, min and max give for a group none of whose rows had a value: the real
 * server leaves such a group out of the result.
 */
export const DROP_GROUP: unique symbol = Symbol('drop group');

/** The error for a term this server does not implement, named so users know which. */
export function unsupported(type: number): ReqlError {
  const name = termName.get(type) ?? String(type);
  if (type === T.JAVASCRIPT) {
    return logicError(`Term ${name} is not supported by the async-repool test server: it has no JavaScript ` +
      'engine, so r.js() cannot run (compute the value in ReQL or in the application).');
  }
  return logicError(`Term ${name} is not supported by the async-repool test server.`);
}
