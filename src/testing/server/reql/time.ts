// The TIME pseudo-type: `{"$reql_type$":"TIME","epoch_time":<seconds>,"timezone":"+00:00"}`,
// the form the real server writes (keys sorted) and rethinkdb-ts sends for a JS Date. The
// official driver sends Dates as ISO 8601 strings inside an ISO8601 term instead.
import { ErrorType } from '../protocol.js';
import { isObject, ptypeOf, type DatumObject } from './datum.js';
import { runtimeError } from './errors.js';

export function makeTime(epochSeconds: number, timezone = '+00:00'): DatumObject {
  // The server keeps millisecond precision; rounding here keeps results stable in JSON.
  const epoch_time = Math.round(epochSeconds * 1000) / 1000;
  return { $reql_type$: 'TIME', epoch_time, timezone };
}

export function isTime(v: unknown): v is DatumObject {
  return ptypeOf(v) === 'TIME';
}

export function epochOf(v: DatumObject): number {
  const e = v['epoch_time'];
  return typeof e === 'number' ? e : 0;
}

export function timezoneOf(v: DatumObject): string {
  const tz = v['timezone'];
  return typeof tz === 'string' ? tz : '+00:00';
}

const TZ_RE = /^(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

/** `Z`, `+02`, `+0200` and `+02:00` all become the server's `+HH:MM`. */
export function normalizeTimezone(tz: string): string | undefined {
  if (!TZ_RE.test(tz)) return undefined;
  if (tz === 'Z') return '+00:00';
  const digits = tz.slice(1).replace(':', '');
  const hh = digits.slice(0, 2);
  const mm = digits.length > 2 ? digits.slice(2, 4) : '00';
  return `${tz[0]}${hh}:${mm}`;
}

function offsetMinutes(tz: string): number {
  const sign = tz[0] === '-' ? -1 : 1;
  return sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
}

const ISO_RE =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d+))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses the ISO 8601 forms drivers send; the time zone is required unless a default is given. */
export function parseIso8601(s: string, defaultTimezone?: string): DatumObject {
  const m = ISO_RE.exec(s);
  if (m === null) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Invalid date string \`${s}\` (not an ISO 8601 date).`);
  }
  let tz = m[8] === undefined ? defaultTimezone : m[8];
  if (tz === undefined) {
    throw runtimeError(
      ErrorType.QUERY_LOGIC,
      `ISO 8601 string has no time zone, and no default time zone was provided.`,
    );
  }
  const norm = normalizeTimezone(tz);
  if (norm === undefined) throw runtimeError(ErrorType.QUERY_LOGIC, `Invalid time zone \`${tz}\`.`);
  tz = norm;
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  const utcMs = Date.UTC(
    Number(m[1]), Number(m[2]) - 1, Number(m[3]),
    Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0),
  );
  if (Number.isNaN(utcMs)) {
    throw runtimeError(ErrorType.QUERY_LOGIC, `Invalid date string \`${s}\` (not an ISO 8601 date).`);
  }
  return makeTime(utcMs / 1000 + fraction - offsetMinutes(tz) * 60, tz);
}

/** Checks a TIME object a client sent and rebuilds it in canonical form. */
export function validateTime(v: DatumObject): DatumObject {
  const e = v['epoch_time'];
  const tz = v['timezone'];
  if (typeof e !== 'number') {
    throw runtimeError(ErrorType.QUERY_LOGIC, 'Invalid time object constructed (no field `epoch_time`):\n' +
      JSON.stringify(v));
  }
  const norm = typeof tz === 'string' ? normalizeTimezone(tz) : '+00:00';
  if (norm === undefined) throw runtimeError(ErrorType.QUERY_LOGIC, `Invalid time zone \`${String(tz)}\`.`);
  return { $reql_type$: 'TIME', epoch_time: e, timezone: norm };
}

export function isBinary(v: unknown): v is DatumObject {
  return isObject(v) && v['$reql_type$'] === 'BINARY';
}
