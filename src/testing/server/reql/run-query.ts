// PLACEHOLDER (replaced by the evaluator work): evaluates a START query's term.
import { ErrorType } from '../protocol.js';
import { runtimeError } from './errors.js';
import type { EvalContext, QueryResult, StartQuery } from './types.js';

export function runQuery(query: StartQuery, _ctx: EvalContext): QueryResult {
  const t = query.term;
  if (t === null || typeof t !== 'object') return { kind: 'atom', value: t };
  throw runtimeError(ErrorType.QUERY_LOGIC, 'Not implemented yet.');
}
