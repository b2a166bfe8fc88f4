// Protocol numbers, read from the official driver's generated proto-def.js (itself generated
// from rethinkdb's ql2.proto) so that no number is retyped by hand here.
import protoDef from 'rethinkdb/proto-def.js';

function pick<K extends string>(table: Record<string, number>, keys: readonly K[]): Readonly<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const k of keys) {
    const v = table[k];
    if (typeof v !== 'number') throw new Error(`rethinkdb/proto-def.js has no ${k}`);
    out[k] = v;
  }
  return Object.freeze(out);
}

/** Magic numbers a client sends first (4 bytes, little-endian). */
export const Version = pick(protoDef.VersionDummy.Version, ['V0_1', 'V0_2', 'V0_3', 'V0_4', 'V1_0'] as const);

export const QueryType = pick(protoDef.Query.QueryType, [
  'START', 'CONTINUE', 'STOP', 'NOREPLY_WAIT', 'SERVER_INFO',
] as const);

export const ResponseType = pick(protoDef.Response.ResponseType, [
  'SUCCESS_ATOM', 'SUCCESS_SEQUENCE', 'SUCCESS_PARTIAL', 'WAIT_COMPLETE', 'SERVER_INFO',
  'CLIENT_ERROR', 'COMPILE_ERROR', 'RUNTIME_ERROR',
] as const);

export const ErrorType = pick(protoDef.Response.ErrorType, [
  'INTERNAL', 'RESOURCE_LIMIT', 'QUERY_LOGIC', 'NON_EXISTENCE', 'OP_FAILED',
  'OP_INDETERMINATE', 'USER', 'PERMISSION_ERROR',
] as const);

export const ResponseNote = pick(protoDef.Response.ResponseNote, [
  'SEQUENCE_FEED', 'ATOM_FEED', 'ORDER_BY_LIMIT_FEED', 'UNIONED_FEED', 'INCLUDES_STATES',
] as const);

/** Every term type the driver knows, by name. */
export const TermType: Readonly<Record<string, number>> = Object.freeze({ ...protoDef.Term.TermType });

/** Term names by number, for error messages ("... TABLE_CREATE is not supported"). */
export const termName: ReadonlyMap<number, string> = new Map(
  Object.entries(protoDef.Term.TermType).map(([name, n]) => [n, name]),
);

/** The term numbers the evaluator needs, checked to exist at load time. */
export const T = pick(protoDef.Term.TermType, [
  'DATUM', 'MAKE_ARRAY', 'MAKE_OBJ', 'VAR', 'JAVASCRIPT', 'UUID', 'HTTP', 'ERROR', 'IMPLICIT_VAR',
  'DB', 'TABLE', 'GET', 'GET_ALL', 'EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'NOT', 'ADD', 'SUB', 'MUL',
  'DIV', 'MOD', 'FLOOR', 'CEIL', 'ROUND', 'APPEND', 'PREPEND', 'DIFFERENCE', 'SET_INSERT',
  'SET_INTERSECTION', 'SET_UNION', 'SET_DIFFERENCE', 'SLICE', 'SKIP', 'LIMIT', 'OFFSETS_OF',
  'CONTAINS', 'GET_FIELD', 'KEYS', 'VALUES', 'OBJECT', 'HAS_FIELDS', 'WITH_FIELDS', 'PLUCK',
  'WITHOUT', 'MERGE', 'BETWEEN_DEPRECATED', 'BETWEEN', 'REDUCE', 'MAP', 'FOLD', 'FILTER',
  'CONCAT_MAP', 'ORDER_BY', 'DISTINCT', 'COUNT', 'IS_EMPTY', 'UNION', 'NTH', 'BRACKET',
  'INNER_JOIN', 'OUTER_JOIN', 'EQ_JOIN', 'ZIP', 'RANGE', 'INSERT_AT', 'DELETE_AT', 'CHANGE_AT',
  'SPLICE_AT', 'COERCE_TO', 'TYPE_OF', 'UPDATE', 'DELETE', 'REPLACE', 'INSERT', 'DB_CREATE',
  'DB_DROP', 'DB_LIST', 'TABLE_CREATE', 'TABLE_DROP', 'TABLE_LIST', 'CONFIG', 'STATUS', 'WAIT',
  'RECONFIGURE', 'REBALANCE', 'SYNC', 'GRANT', 'INDEX_CREATE', 'INDEX_DROP', 'INDEX_LIST',
  'INDEX_STATUS', 'INDEX_WAIT', 'INDEX_RENAME', 'SET_WRITE_HOOK', 'GET_WRITE_HOOK', 'FUNCALL',
  'BRANCH', 'OR', 'AND', 'FOR_EACH', 'FUNC', 'ASC', 'DESC', 'INFO', 'MATCH', 'UPCASE', 'DOWNCASE',
  'SAMPLE', 'DEFAULT', 'JSON', 'ISO8601', 'TO_ISO8601', 'EPOCH_TIME', 'TO_EPOCH_TIME', 'NOW',
  'IN_TIMEZONE', 'DURING', 'DATE', 'TIME_OF_DAY', 'TIMEZONE', 'YEAR', 'MONTH', 'DAY',
  'DAY_OF_WEEK', 'DAY_OF_YEAR', 'HOURS', 'MINUTES', 'SECONDS', 'TIME', 'MONDAY', 'TUESDAY',
  'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY', 'JANUARY', 'FEBRUARY', 'MARCH', 'APRIL',
  'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER', 'LITERAL',
  'GROUP', 'SUM', 'AVG', 'MIN', 'MAX', 'SPLIT', 'UNGROUP', 'RANDOM', 'CHANGES', 'ARGS', 'BINARY',
  'GEOJSON', 'TO_GEOJSON', 'POINT', 'LINE', 'POLYGON', 'DISTANCE', 'INTERSECTS', 'INCLUDES',
  'CIRCLE', 'GET_INTERSECTING', 'FILL', 'GET_NEAREST', 'POLYGON_SUB', 'TO_JSON_STRING', 'MINVAL',
  'MAXVAL', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'BIT_NOT', 'BIT_SAL', 'BIT_SAR',
] as const);

/** The version reply a real 2.4.4 server sends right after the magic number. */
export const SERVER_VERSION = '2.4.4';
/** PBKDF2 iteration count of a real server (password_t::default_iteration_count). */
export const SCRAM_ITERATIONS = 4096;
