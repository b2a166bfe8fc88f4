// The evaluator's core: a term is a datum, a JSON object (MAKE_OBJ) or
// `[type, args?, optargs?]`, dispatched by type number to a handler of its family. A
// handler sees its term through a `Call`, which evaluates arguments on demand (so AND, OR,
// BRANCH and DEFAULT can short-circuit), at most once each (a write nested in another
// term runs once, however often the handler reads its argument), and prepends the
// argument's index (or optarg name) to the backtrace of any error raised beneath it, as
// the real server reports it.
import { ErrorType, T, termName } from '../protocol.js';
import type { Store } from '../store.js';
import { isObject, setField, sortedObject, type DatumObject } from './datum.js';
import { ReqlError, runtimeError, type Frame } from './errors.js';
import type { EvalContext } from './types.js';
import { asDatum, asFunc } from './convert.js';
import { makeTime, validateTime } from './time.js';
import { FuncVal, Scope } from './values.js';

export type Handler = (call: Call) => unknown;

/** Per-query state. */
export interface Env {
  readonly ctx: EvalContext;
  readonly store: Store;
  /** Database of TABLE / TABLE_CREATE / TABLE_LIST terms that name none. */
  readonly defaultDb: string;
  readonly handlers: ReadonlyMap<number, Handler>;
  /** `r.now()` is one instant for the whole query, as on the real server. */
  now: DatumObject | undefined;
}

const EMPTY_ARGS: readonly unknown[] = Object.freeze([]);

/** Prepends `frames` to the backtrace of a ReqlError passing through. */
export function withFrames(err: unknown, ...frames: Frame[]): unknown {
  if (err instanceof ReqlError) err.backtrace.unshift(...frames);
  return err;
}

/** Marks an argument slot not evaluated yet. */
const UNSET: unique symbol = Symbol('unset');

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
  ) {
    this.values = new Array<unknown>(args.length).fill(UNSET);
  }

  get argc(): number {
    return this.args.length;
  }

  /** Evaluates argument `i`, optionally converting it, with `i` in the error backtrace. */
  arg<R = unknown>(i: number, convert?: (v: unknown) => R): R {
    try {
      let v = this.values[i];
      if (v === UNSET) {
        v = evalTerm(this.args[i], this.scope, this.env);
        this.values[i] = v;
      }
      return convert === undefined ? (v as R) : convert(v);
    } catch (err) {
      throw withFrames(err, i);
    }
  }

  hasOpt(name: string): boolean {
    return this.optargs !== undefined && Object.hasOwn(this.optargs, name);
  }

  /** Evaluates optarg `name` (undefined when absent), with `name` in the error backtrace. */
  opt<R = unknown>(name: string, convert?: (v: unknown) => R): R | undefined {
    if (this.optargs === undefined || !Object.hasOwn(this.optargs, name)) return undefined;
    try {
      this.optValues ??= new Map();
      let v: unknown;
      if (this.optValues.has(name)) {
        v = this.optValues.get(name);
      } else {
        v = evalTerm(this.optargs[name], this.scope, this.env);
        this.optValues.set(name, v);
      }
      return convert === undefined ? (v as R) : convert(v);
    } catch (err) {
      throw withFrames(err, name);
    }
  }

  /**
   * Argument `i` as something callable: a function, or a datum used as a constant
   * function (`map(5)`, `do(1)`). Errors inside the function body get `i` and the
   * FUNC's body index 1 prepended, the path to the failing term.
   */
  fn(i: number): (...args: unknown[]) => unknown {
    const v = this.arg(i, (x) => (x instanceof FuncVal ? x : asDatum(x)));
    return v instanceof FuncVal ? this.callable(i, v) : () => v;
  }

  /** Like fn() but refuses constants: for terms whose argument must be a function. */
  strictFn(i: number): (...args: unknown[]) => unknown {
    return this.callable(i, this.arg(i, asFunc));
  }

  /** Optarg `name` as something callable (see fn()); undefined when absent. */
  optFn(name: string): ((...args: unknown[]) => unknown) | undefined {
    if (!this.hasOpt(name)) return undefined;
    const v = this.opt(name, (x) => (x instanceof FuncVal ? x : asDatum(x)));
    return v instanceof FuncVal ? this.callable(name, v) : () => v;
  }

  private callable(frame: Frame, f: FuncVal): (...args: unknown[]) => unknown {
    const env = this.env;
    return (...args: unknown[]) => {
      try {
        return invoke(f, args, env);
      } catch (err) {
        throw withFrames(err, frame, 1);
      }
    };
  }

  now(): DatumObject {
    if (this.env.now === undefined) this.env.now = makeTime(Date.now() / 1000);
    return this.env.now;
  }
}

/** Calls a ReQL function with already evaluated arguments. */
export function invoke(f: FuncVal, args: readonly unknown[], env: Env): unknown {
  if (f.params.length !== args.length) {
    const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
    throw runtimeError(
      ErrorType.QUERY_LOGIC,
      `Expected function with ${plural(args.length)} but found function with ${plural(f.params.length)}.`,
    );
  }
  const vars = new Map<number, unknown>();
  for (let i = 0; i < args.length; i++) vars.set(f.params[i] as number, args[i]);
  const oneArg = args.length === 1;
  const depth = f.scope.implicitDepth + (oneArg ? 1 : 0);
  const implicit = oneArg && f.scope.implicitDepth === 0 ? args[0] : f.scope.implicit;
  return evalTerm(f.body, new Scope(f.scope, vars, depth, implicit), env);
}

function evalObject(obj: DatumObject, scope: Scope, env: Env): DatumObject {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    try {
      setField(out, k, asDatum(evalTerm(obj[k], scope, env)));
    } catch (err) {
      throw withFrames(err, k);
    }
  }
  const sorted = sortedObject(out);
  const pt = sorted['$reql_type$'];
  if (pt === undefined) return sorted;
  if (pt === 'TIME') return validateTime(sorted);
  if (pt === 'BINARY' || pt === 'GEOMETRY') return sorted;
  throw runtimeError(ErrorType.QUERY_LOGIC, `Unknown $reql_type$ \`${String(pt)}\`.`);
}

/** Evaluates a term that compile() has already checked for shape, arity and term types. */
export function evalTerm(term: unknown, scope: Scope, env: Env): unknown {
  if (typeof term !== 'object' || term === null) return term;
  if (!Array.isArray(term)) return evalObject(term as DatumObject, scope, env);
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
  if (handler === undefined) {
    throw runtimeError(
      ErrorType.QUERY_LOGIC,
      `Term ${termName.get(type) ?? String(type)} is not supported by the async-repool test server.`,
    );
  }
  return handler(new Call(env, type, args, optargs, scope));
}
