// Entry point of the evaluator: checks the global optargs, compiles the term (all compile
// errors before any effect), evaluates it and shapes the result as an atom or a stream.
// Only ReqlError ever leaves runQuery: anything else (a bug, or a stack overflow from data
// nested absurdly deep) is turned into a RUNTIME_ERROR so a client cannot crash a session.
import { ErrorType, T } from '../protocol.js';
import { compileTerm } from './compile.js';
import { asString } from './convert.js';
import { compileError, ReqlError, runtimeError } from './errors.js';
import { evalTerm, type Env, type Handler } from './evaluate.js';
import { dbTerms } from './terms-db.js';
import { mathTerms } from './terms-math.js';
import { miscTerms } from './terms-misc.js';
import { objectTerms } from './terms-object.js';
import { orderTerms } from './terms-order.js';
import { readTerms } from './terms-read.js';
import { writeTerms } from './terms-write.js';
import type { EvalContext, QueryResult, StartQuery } from './types.js';
import {
  Scope, SelectionVal, SingleSelectionVal, Special, StreamVal, TableVal, valTypeName,
} from './values.js';

const GLOBAL_OPTARGS = new Set([
  'db', 'noreply', 'profile', 'durability', 'read_mode', 'array_limit', 'time_format',
  'group_format', 'binary_format', 'min_batch_rows', 'max_batch_rows', 'max_batch_bytes',
  'max_batch_seconds', 'first_batch_scaledown_factor', 'use_outdated',
]);

/** Term number -> handler, for every supported term. */
const HANDLERS: ReadonlyMap<number, Handler> = new Map([
  ...dbTerms, ...readTerms, ...orderTerms, ...objectTerms, ...writeTerms, ...mathTerms, ...miscTerms,
]);

/** The `db` global optarg: `[14,["name"]]` from the official driver, `"name"` from rethinkdb-ts. */
function defaultDbName(db: unknown, env: Env): string {
  if (db === undefined) return 'test';
  if (typeof db === 'string') return db;
  compileTerm(db);
  if (Array.isArray(db) && db[0] === T.DB && Array.isArray(db[1])) {
    // Only the name is needed here; TABLE reports a missing database when it uses it.
    return asString(evalTerm((db[1] as unknown[])[0], Scope.root, env));
  }
  throw runtimeError(ErrorType.QUERY_LOGIC, 'Expected type DATABASE in the global optional argument `db`.');
}

function toResult(v: unknown): QueryResult {
  if (!(v instanceof Special)) return { kind: 'atom', value: v === undefined ? null : v };
  if (v instanceof SingleSelectionVal) return { kind: 'atom', value: v.row };
  if (v instanceof SelectionVal) return v.isArray ? { kind: 'atom', value: v.rows } : { kind: 'stream', rows: v.rows };
  if (v instanceof TableVal) return { kind: 'stream', rows: v.source.rows() };
  if (v instanceof StreamVal) return { kind: 'stream', rows: v.rows };
  throw runtimeError(ErrorType.QUERY_LOGIC,
    `Query result must be of type DATUM, GROUPED_DATA, or STREAM (got ${valTypeName(v)}).`);
}

export function runQuery(query: StartQuery, ctx: EvalContext): QueryResult {
  for (const k in query.optargs) {
    if (!GLOBAL_OPTARGS.has(k)) throw compileError(`Unrecognized global optional argument \`${k}\`.`);
  }
  const term = query.term;
  // The benchmark path: `[1, 1]` is a bare datum, nothing to compile or evaluate.
  if (typeof term !== 'object' || term === null) return { kind: 'atom', value: term };
  try {
    compileTerm(term);
    const env: { -readonly [K in keyof Env]: Env[K] } = {
      ctx, store: ctx.store, defaultDb: 'test', handlers: HANDLERS, now: undefined,
    };
    env.defaultDb = defaultDbName(query.optargs['db'], env);
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
