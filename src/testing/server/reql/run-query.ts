// Entry point of the evaluator: checks the global optargs, compiles the term (all compile
// errors before any effect), evaluates it and shapes the result as an atom or a stream.
// Only ReqlError ever leaves runQuery: anything else (a bug, or a stack overflow from data
// nested absurdly deep) is turned into a RUNTIME_ERROR so a client cannot crash a session.
import { ErrorType, T } from '../protocol.js';
import { compileTerm } from './compile.js';
import { asInt, asString } from './convert.js';
import { compareDatums, MAXVAL, MINVAL } from './datum.js';
import { compileError, logicError, ReqlError, runtimeError } from './errors.js';
import { evalTerm, withFrames, type Env, type Handler } from './evaluate.js';
import { FeedVal } from './feed-spec.js';
import { HANDLERS } from './handlers.js';
import type { EvalContext, QueryResult, StartQuery } from './types.js';
import {
  GroupedVal, Scope, SelectionVal, SingleSelectionVal, Special, StreamVal, TableVal, valTypeName,
} from './values.js';

const GLOBAL_OPTARGS = new Set([
  'db', 'noreply', 'profile', 'durability', 'read_mode', 'array_limit', 'time_format',
  'group_format', 'binary_format', 'min_batch_rows', 'max_batch_rows', 'max_batch_bytes',
  'max_batch_seconds', 'first_batch_scaledown_factor', 'use_outdated', 'changefeed_queue_size',
]);

const SUPPORTED: ReadonlySet<number> = new Set(HANDLERS.keys());

const DEFAULT_ARRAY_LIMIT = 100_000;

type MutableEnv = { -readonly [K in keyof Env]: Env[K] };

/** The `db` global optarg: `[14,["name"]]` from the official driver, `"name"` from rethinkdb-ts. */
function defaultDbName(db: unknown, env: Env): string {
  if (db === undefined) return 'test';
  if (typeof db === 'string') return db;
  compileTerm(db, SUPPORTED);
  if (Array.isArray(db) && db[0] === T.DB && Array.isArray(db[1])) {
    // Only the name is needed here; TABLE reports a missing database when it uses it.
    return asString(evalTerm((db[1] as unknown[])[0], Scope.root, env));
  }
  throw runtimeError(ErrorType.QUERY_LOGIC, 'Expected type DATABASE in the global optional argument `db`.');
}

function arrayLimitOf(v: unknown, env: Env): number {
  if (v === undefined) return DEFAULT_ARRAY_LIMIT;
  compileTerm(v, SUPPORTED);
  const n = asInt(evalTerm(v, Scope.root, env));
  if (n < 1) throw logicError(`Illegal array size limit \`${n}\`.  (Must be >= 1.)`);
  return n;
}

/** A value may leave the server only as JSON: no r.minval / r.maxval inside. */
function checkOutput(v: unknown): unknown {
  if (v === MINVAL || v === MAXVAL) {
    throw logicError(`Cannot convert \`${v === MINVAL ? 'r.minval' : 'r.maxval'}\` to JSON.`);
  }
  if (Array.isArray(v)) v.forEach(checkOutput);
  else if (v !== null && typeof v === 'object') Object.values(v).forEach(checkOutput);
  return v;
}

function toResult(v: unknown): QueryResult {
  if (!(v instanceof Special)) return { kind: 'atom', value: v === undefined ? null : checkOutput(v) };
  if (v instanceof SingleSelectionVal) return { kind: 'atom', value: v.row };
  if (v instanceof FeedVal) return { kind: 'feed', feed: v.spec };
  if (v instanceof SelectionVal) {
    const rows = v.rows.all();
    return v.isArray ? { kind: 'atom', value: checkOutput(rows) } : { kind: 'stream', rows: checkOutput(rows) as unknown[] };
  }
  if (v instanceof TableVal) return { kind: 'stream', rows: v.source.scan() };
  if (v instanceof StreamVal) return { kind: 'stream', rows: checkOutput(v.rows.all()) as unknown[] };
  if (v instanceof GroupedVal) {
    const data = [...v.groups.values()].sort((a, b) => compareDatums(a.group, b.group))
      .map(({ group, value }) => [group, value]);
    return { kind: 'atom', value: checkOutput({ $reql_type$: 'GROUPED_DATA', data }) };
  }
  throw runtimeError(ErrorType.QUERY_LOGIC,
    `Query result must be of type DATUM, GROUPED_DATA, or STREAM (got ${valTypeName(v)}).`);
}

export function runQuery(query: StartQuery, ctx: EvalContext): QueryResult {
  for (const k in query.optargs) {
    if (!GLOBAL_OPTARGS.has(k)) throw compileError(`Unrecognized global optional argument \`${k}\`.`);
  }
  const term = query.term;
  // The benchmark path: `[1, 1]` is a bare datum, nothing to compile or evaluate.
  if ((typeof term !== 'object' || term === null) && query.optargs.array_limit === undefined) {
    return { kind: 'atom', value: term };
  }
  try {
    compileTerm(term, SUPPORTED);
    const env: MutableEnv = {
      ctx, store: ctx.store, defaultDb: 'test', handlers: HANDLERS, arrayLimit: DEFAULT_ARRAY_LIMIT, now: undefined,
      globals: query.optargs,
    };
    env.defaultDb = defaultDbName(query.optargs.db, env);
    try {
      env.arrayLimit = arrayLimitOf(query.optargs.array_limit, env);
    } catch (err) {
      throw withFrames(err);
    }
    return toResult(evalTerm(term, Scope.root, env));
  } catch (err) {
    if (err instanceof ReqlError) throw err;
    if (err instanceof RangeError) {
      throw runtimeError(ErrorType.RESOURCE_LIMIT,
        `Query too large or too deeply nested for the async-repool test server (${err.message}).`);
    }
    throw runtimeError(ErrorType.INTERNAL,
      `Internal error in the async-repool test server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export type { Handler };
