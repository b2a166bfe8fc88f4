// Whether a term is deterministic, as the real server decides before an update, replace
// or insert conflict function runs atomically: reading a table or database, calling
// r.js, r.http, r.random, r.uuid() (without a name to hash), sample, or any geometry
// term (not deterministic across servers) makes it non-deterministic. r.now() counts as
// deterministic here: it is one instant for the whole query.
import { T } from '../protocol.js';
import { isObject } from './datum.js';

const NONDETERMINISTIC = new Set<number>([
  T.DB, T.TABLE, T.DB_CREATE, T.DB_DROP, T.DB_LIST, T.TABLE_CREATE, T.TABLE_DROP, T.TABLE_LIST,
  T.CONFIG, T.STATUS, T.WAIT, T.RECONFIGURE, T.REBALANCE, T.SYNC, T.GRANT, T.JAVASCRIPT, T.HTTP,
  T.RANDOM, T.SAMPLE, T.GEOJSON, T.LINE, T.POLYGON, T.DISTANCE, T.INTERSECTS, T.INCLUDES, T.CIRCLE,
  T.GET_INTERSECTING, T.FILL, T.GET_NEAREST, T.POLYGON_SUB,
]);

export function isDeterministic(term: unknown): boolean {
  if (typeof term !== 'object' || term === null) return true;
  if (!Array.isArray(term)) return Object.values(term).every(isDeterministic);
  const type = term[0];
  if (type === T.DATUM) return true;
  if (typeof type === 'number' && NONDETERMINISTIC.has(type)) return false;
  const args = Array.isArray(term[1]) ? (term[1] as unknown[]) : [];
  if (type === T.UUID && (args.length === 0 || args.some((a) => Array.isArray(a) && a[0] === T.ARGS))) return false;
  for (let i = 1; i < term.length; i++) {
    const part: unknown = term[i];
    if (Array.isArray(part) && !part.every(isDeterministic)) return false;
    if (isObject(part) && !Object.values(part).every(isDeterministic)) return false;
  }
  return true;
}
