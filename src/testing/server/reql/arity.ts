// How many arguments each term takes and which optional arguments it accepts, as the
// real server's argspecs and optargspecs say. The compile pass checks them before any
// effect; when `r.args` supplies arguments, the count is known only at run time and the
// same table is checked then (a QUERY_LOGIC error, as on the real server).
import { TermType as TT } from '../protocol.js';
import { logicError, type ReqlError } from './errors.js';

export type Arity = readonly [min: number, max: number];
/** No upper bound. */
export const ANY = -1;

const n = (name: string): number => {
  const v = TT[name];
  if (v === undefined) throw new Error(`rethinkdb/proto-def.js has no term ${name}`);
  return v;
};

const SPEC: ReadonlyArray<readonly [string, number, number]> = [
  ['MAKE_ARRAY', 0, ANY], ['MAKE_OBJ', 0, 0], ['VAR', 1, 1], ['IMPLICIT_VAR', 0, 0],
  ['FUNC', 2, 2], ['FUNCALL', 1, ANY], ['JAVASCRIPT', 1, 1], ['ERROR', 0, 1], ['ARGS', 1, 1],
  ['BINARY', 1, 1], ['DB', 1, 1], ['TABLE', 1, 2], ['GET', 2, 2], ['GET_ALL', 1, ANY],
  ['EQ', 2, ANY], ['NE', 2, ANY], ['LT', 2, ANY], ['LE', 2, ANY], ['GT', 2, ANY], ['GE', 2, ANY],
  ['NOT', 1, 1], ['ADD', 1, ANY], ['SUB', 1, ANY], ['MUL', 1, ANY], ['DIV', 1, ANY], ['MOD', 2, 2],
  ['FLOOR', 1, 1], ['CEIL', 1, 1], ['ROUND', 1, 1], ['BIT_AND', 1, ANY], ['BIT_OR', 1, ANY],
  ['BIT_XOR', 1, ANY], ['BIT_NOT', 1, 1], ['BIT_SAL', 2, 2], ['BIT_SAR', 2, 2],
  ['APPEND', 2, 2], ['PREPEND', 2, 2], ['DIFFERENCE', 2, 2], ['SET_INSERT', 2, 2],
  ['SET_INTERSECTION', 2, 2], ['SET_UNION', 2, 2], ['SET_DIFFERENCE', 2, 2], ['SLICE', 2, 3],
  ['SKIP', 2, 2], ['LIMIT', 2, 2], ['OFFSETS_OF', 2, 2], ['CONTAINS', 1, ANY], ['GET_FIELD', 2, 2],
  ['KEYS', 1, 1], ['VALUES', 1, 1], ['OBJECT', 0, ANY], ['HAS_FIELDS', 1, ANY],
  ['WITH_FIELDS', 1, ANY], ['PLUCK', 1, ANY], ['WITHOUT', 1, ANY], ['MERGE', 1, ANY],
  ['LITERAL', 0, 1], ['BETWEEN', 3, 3], ['REDUCE', 2, 2], ['MAP', 2, ANY], ['FOLD', 3, 3],
  ['FILTER', 2, 2], ['CONCAT_MAP', 2, 2], ['ORDER_BY', 1, ANY], ['DISTINCT', 1, 1],
  ['COUNT', 1, 2], ['IS_EMPTY', 1, 1], ['UNION', 0, ANY], ['NTH', 2, 2], ['BRACKET', 2, 2],
  ['INNER_JOIN', 3, 3], ['OUTER_JOIN', 3, 3], ['EQ_JOIN', 3, 3], ['ZIP', 1, 1], ['RANGE', 0, 2],
  ['INSERT_AT', 3, 3], ['DELETE_AT', 2, 3], ['CHANGE_AT', 3, 3], ['SPLICE_AT', 3, 3],
  ['COERCE_TO', 2, 2], ['TYPE_OF', 1, 1], ['UPDATE', 2, 2], ['DELETE', 1, 1], ['REPLACE', 2, 2],
  ['INSERT', 2, 2], ['DB_CREATE', 1, 1], ['DB_DROP', 1, 1], ['DB_LIST', 0, 0],
  ['TABLE_CREATE', 1, 2], ['TABLE_DROP', 1, 2], ['TABLE_LIST', 0, 1], ['CONFIG', 1, 1],
  ['STATUS', 1, 1], ['WAIT', 0, 1], ['RECONFIGURE', 0, 1], ['REBALANCE', 0, 1], ['SYNC', 1, 1],
  ['GRANT', 2, 3], ['INDEX_CREATE', 2, 3], ['INDEX_DROP', 2, 2], ['INDEX_LIST', 1, 1],
  ['INDEX_STATUS', 1, ANY], ['INDEX_WAIT', 1, ANY], ['INDEX_RENAME', 3, 3], ['BRANCH', 3, ANY],
  ['OR', 0, ANY], ['AND', 0, ANY], ['FOR_EACH', 2, 2], ['ASC', 1, 1], ['DESC', 1, 1],
  ['INFO', 1, 1], ['MATCH', 2, 2], ['UPCASE', 1, 1], ['DOWNCASE', 1, 1], ['SAMPLE', 2, 2],
  ['DEFAULT', 2, 2], ['JSON', 1, 1], ['TO_JSON_STRING', 1, 1], ['ISO8601', 1, 1],
  ['TO_ISO8601', 1, 1], ['EPOCH_TIME', 1, 1], ['TO_EPOCH_TIME', 1, 1], ['NOW', 0, 0],
  ['IN_TIMEZONE', 2, 2], ['DURING', 3, 3], ['DATE', 1, 1], ['TIME_OF_DAY', 1, 1],
  ['TIMEZONE', 1, 1], ['YEAR', 1, 1], ['MONTH', 1, 1], ['DAY', 1, 1], ['DAY_OF_WEEK', 1, 1],
  ['DAY_OF_YEAR', 1, 1], ['HOURS', 1, 1], ['MINUTES', 1, 1], ['SECONDS', 1, 1], ['TIME', 4, 7],
  ['GROUP', 1, ANY], ['SUM', 1, 2], ['AVG', 1, 2], ['MIN', 1, 2], ['MAX', 1, 2], ['SPLIT', 1, 3],
  ['UNGROUP', 1, 1], ['RANDOM', 0, 2], ['CHANGES', 1, 1], ['MINVAL', 0, 0], ['MAXVAL', 0, 0],
  ['UUID', 0, 1], ['HTTP', 1, 1], ['SET_WRITE_HOOK', 2, 2], ['GET_WRITE_HOOK', 1, 1],
  ...['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY', 'JANUARY',
    'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER',
    'NOVEMBER', 'DECEMBER'].map((k) => [k, 0, 0] as const),
];

/** Argument counts by term number. */
export const ARITY: ReadonlyMap<number, Arity> = new Map(SPEC.map(([k, lo, hi]) => [n(k), [lo, hi] as const]));

const WRITE = ['durability', 'return_vals', 'return_changes', 'ignore_write_hook'];
const OPT_SPEC: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['TABLE', ['read_mode', 'use_outdated', 'identifier_format']],
  ['INSERT', [...WRITE, 'conflict']], ['UPDATE', [...WRITE, 'non_atomic']],
  ['REPLACE', [...WRITE, 'non_atomic']], ['DELETE', WRITE], ['FILTER', ['default']],
  ['ORDER_BY', ['index']], ['GET_ALL', ['index']], ['BETWEEN', ['index', 'left_bound', 'right_bound']],
  ['SLICE', ['left_bound', 'right_bound']], ['DURING', ['left_bound', 'right_bound']],
  ['TABLE_CREATE', ['primary_key', 'shards', 'replicas', 'nonvoting_replica_tags',
    'primary_replica_tag', 'durability']],
  ['INDEX_CREATE', ['multi', 'geo']], ['INDEX_RENAME', ['overwrite']], ['ISO8601', ['default_timezone']],
  ['WAIT', ['wait_for', 'timeout']], ['GROUP', ['index', 'multi']], ['DISTINCT', ['index']],
  ['SUM', ['index']], ['AVG', ['index']], ['MIN', ['index']], ['MAX', ['index']], ['REDUCE', ['base']],
  ['FOLD', ['emit', 'final_emit']], ['EQ_JOIN', ['index', 'ordered']], ['UNION', ['interleave']],
  ['RANDOM', ['float']], ['CHANGES', ['squash', 'changefeed_queue_size', 'include_initial', 'include_offsets',
    'include_states', 'include_types']], ['JAVASCRIPT', ['timeout']], ['FUNCALL', []], ['MAP', []], ['COUNT', []],
  ['LIMIT', []], ['SKIP', []], ['PLUCK', []], ['WITHOUT', []], ['MERGE', []], ['HAS_FIELDS', []],
  ['GET_FIELD', []], ['BRACKET', []], ['DB_CREATE', []], ['DB_DROP', []], ['GET', []], ['FUNC', []],
  ['CONCAT_MAP', []], ['NTH', []], ['CONTAINS', []], ['KEYS', []], ['VALUES', []], ['SAMPLE', []],
  ['DEFAULT', []], ['BRANCH', []], ['COERCE_TO', []], ['TYPE_OF', []], ['INDEX_DROP', []],
  ['INDEX_LIST', []], ['INDEX_STATUS', []], ['INDEX_WAIT', []], ['CONFIG', []], ['STATUS', []],
  ['SYNC', []], ['UNGROUP', []], ['MATCH', []], ['SPLIT', []], ['UPCASE', []], ['DOWNCASE', []],
  ['TIME', []], ['EPOCH_TIME', []], ['TO_ISO8601', []], ['TO_EPOCH_TIME', []], ['FOR_EACH', []],
];

/** Optional arguments each term accepts; terms not listed are not checked. */
export const OPTARGS: ReadonlyMap<number, ReadonlySet<string>> =
  new Map(OPT_SPEC.map(([k, opts]) => [n(k), new Set(opts)]));

function argspec([min, max]: Arity): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  if (max === ANY) return `${min} or more arguments`;
  return `between ${min} and ${max} arguments`;
}

/** The server's message when `count` arguments do not fit the term, or undefined when they do. */
export function arityMessage(type: number, count: number): string | undefined {
  const arity = ARITY.get(type);
  if (arity === undefined) return undefined;
  const [min, max] = arity;
  if (count >= min && (max === ANY || count <= max)) return undefined;
  return `Expected ${argspec(arity)} but found ${count}.`;
}

/** The run-time form of the arity check (arguments spliced in by `r.args`). */
export function checkRuntimeArity(type: number, count: number): void {
  const msg = arityMessage(type, count);
  if (msg !== undefined) throw logicError(msg) satisfies ReqlError;
}
