// The TIME pseudo-type: `{"$reql_type$":"TIME","epoch_time":<seconds>,"timezone":"+00:00"}`,
// the form the real server writes (keys sorted) and rethinkdb-ts sends for a JS Date. The
// official driver sends Dates as ISO 8601 strings inside an ISO8601 term instead. Parsing,
// printing and calendar parts follow the server's rules (a fixed-offset time zone, dates
// from year 1400 to 9999, messages of its date library).
import { isObject, ptypeOf, type DatumObject } from './datum.js';
import { logicError } from './errors.js';

export function makeTime(epochSeconds: number, timezone = '+00:00'): DatumObject {
  // The server keeps millisecond precision.
  const epoch_time = Math.round(epochSeconds * 1000) / 1000;
  return { $reql_type$: 'TIME', epoch_time, timezone };
}

export function isTime(v: unknown): v is DatumObject {
  return ptypeOf(v) === 'TIME';
}

export function epochOf(v: DatumObject): number {
  const e = v.epoch_time;
  return typeof e === 'number' ? e : 0;
}

export function timezoneOf(v: DatumObject): string {
  const tz = v.timezone;
  return typeof tz === 'string' ? tz : '+00:00';
}

/** The server's time zone check: `Z`, `±hh`, `±hhmm`, `±hh:mm`; undefined when invalid. */
export function normalizeTimezone(tz: string): string | undefined {
  try {
    return checkTimezone(tz);
  } catch {
    return undefined;
  }
}

/** Like normalizeTimezone, but with the server's message for a bad one. */
export function checkTimezone(s: string): string {
  if (s === '-00' || s === '-00:00') throw logicError(`\`${s}\` is not a valid time offset.`);
  if (s === 'Z') return '+00:00';
  if (s[0] !== '+' && s[0] !== '-') throw logicError(`Timezone \`${s}\` does not start with \`-\` or \`+\`.`);
  let at = 1;
  const digits = (): string => {
    let out = '';
    for (let i = 0; i < 2; i++, at++) {
      const c = s[at];
      if (c === undefined) {
        throw logicError(`Invalid time zone string \`${s}\`. Valid time zones are \`+hh:mm\`, \`-hh:mm\`, ` +
          '`+hhmm`, `-hhmm`, `+hh`, `-hh` and `Z`.');
      }
      if (c < '0' || c > '9') throw logicError(`Invalid date string \`${s}\` (got \`${c}\` but expected a digit).`);
      out += c;
    }
    return out;
  };
  const hh = digits();
  let mm = '00';
  if (at < s.length) {
    if (s[at] === ':') at++;
    mm = digits();
    if (at !== s.length) {
      throw logicError(`Garbage characters \`${s.slice(at)}\` at end of timezone string \`${s}\`.`);
    }
  }
  if (!(hh < '24' || hh === '24')) throw logicError(`Hours out of range in \`${s}\`.`);
  if (mm > '59') throw logicError(`Minutes out of range in \`${s}\`.`);
  return `${s[0]}${hh}:${mm}`;
}

/** Minutes east of UTC of a normalized `±hh:mm`. */
export function offsetMinutes(tz: string): number {
  const sign = tz[0] === '-' ? -1 : 1;
  return sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
}

const MIN_YEAR = 1400;
const MAX_YEAR = 9999;

/** Checks a calendar date as the server's date library does, with its messages. */
export function checkDate(year: number, month: number, day: number): void {
  if (year < MIN_YEAR || year > MAX_YEAR) throw logicError('Error in time logic: Year is out of valid range: 1400..9999.');
  if (month < 1 || month > 12) throw logicError('Error in time logic: Month number is out of range 1..12.');
  if (day < 1 || day > 31) throw logicError('Error in time logic: Day of month value is out of range 1..31.');
  if (day > daysInMonth(year, month)) throw logicError('Error in time logic: Day of month is not valid for year.');
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1] ?? 31;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Epoch seconds of a wall-clock time in a time zone. */
export function wallToEpoch(
  year: number, month: number, day: number, h: number, m: number, sec: number, tz: string,
): number {
  const ms = Date.UTC(2000, month - 1, day, h, m, 0);
  const base = new Date(ms);
  base.setUTCFullYear(year);
  return base.getTime() / 1000 + sec - offsetMinutes(tz) * 60;
}

/** Calendar parts of a TIME in its own time zone. */
export interface WallTime {
  readonly year: number; readonly month: number; readonly day: number;
  readonly hours: number; readonly minutes: number; readonly seconds: number;
  /** 1 (Monday) to 7 (Sunday), as ISO 8601 counts. */
  readonly dayOfWeek: number;
  readonly dayOfYear: number;
  /** Milliseconds since the local midnight. */
  readonly msOfDay: number;
  /** Milliseconds of the second, 0 to 999. */
  readonly ms: number;
}

export function wallTime(t: DatumObject): WallTime {
  const epoch = epochOf(t);
  const ms = Math.round(epoch * 1000) + offsetMinutes(timezoneOf(t)) * 60_000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  const dayOfYear = Math.floor((ms - start.getTime()) / 86_400_000) + 1;
  const msOfDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  // Like the server: whole seconds of the wall clock plus the epoch's own fraction (which
  // is negative before 1970).
  const frac = Math.round((epoch - Math.trunc(epoch)) * 1000) / 1000;
  return {
    year, month: d.getUTCMonth() + 1, day: d.getUTCDate(), hours: d.getUTCHours(), minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds() + frac,
    dayOfWeek: d.getUTCDay() === 0 ? 7 : d.getUTCDay(), dayOfYear, msOfDay, ms: d.getUTCMilliseconds(),
  };
}

/** `toISO8601()`: `2020-09-13T12:26:40+00:00`, milliseconds only when there are any. */
export function toIso8601(t: DatumObject): string {
  const w = wallTime(t);
  if (w.year < 0 || w.year > MAX_YEAR) throw logicError(`Year \`${w.year}\` out of valid ISO 8601 range [0, 9999].`);
  const p = (n: number, k = 2) => String(n).padStart(k, '0');
  const frac = w.ms === 0 ? '' : `.${p(w.ms, 3)}`;
  const secs = (w.msOfDay / 1000) % 60;
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hours)}:${p(w.minutes)}:${p(Math.floor(secs))}${frac}${timezoneOf(t)}`;
}

/** Parses an ISO 8601 string the way the server does; the time zone is required unless a default is given. */
export function parseIso8601(s: string, defaultTimezone?: string): DatumObject {
  const tloc = s.indexOf('T');
  const dateS = tloc < 0 ? s : s.slice(0, tloc);
  const { year, month, day } = parseDate(dateS);
  let h = 0;
  let m = 0;
  let sec = 0;
  let tz = defaultTimezone;
  if (tloc >= 0) {
    const rest = s.slice(tloc + 1);
    let sign = rest.indexOf('-');
    if (sign < 0) sign = rest.indexOf('+');
    if (sign < 0) sign = rest.indexOf('Z');
    const timeS = sign < 0 ? rest : rest.slice(0, sign);
    [h, m, sec] = parseClock(timeS);
    if (sign >= 0) tz = checkTimezone(rest.slice(sign));
  }
  // As the server: the string's format and time zone first, then the calendar, and only
  // then whether a time zone was given at all.
  if (tz !== undefined && tz !== '') tz = checkTimezone(tz);
  checkDate(year, month, day);
  if (tz === undefined || tz === '') {
    throw logicError('ISO 8601 string has no time zone, and no default time zone was provided.');
  }
  return makeTime(wallToEpoch(year, month, day, h, m, sec, tz), tz);
}

function digitsAt(s: string, at: number, n: number): number {
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = s[at + i];
    if (c === undefined || c < '0' || c > '9') {
      throw logicError(`Invalid date string \`${s}\` (got \`${c ?? ''}\` but expected a digit).`);
    }
    out += c;
  }
  return Number(out);
}

function parseDate(s: string): { year: number; month: number; day: number } {
  const year = digitsAt(s, 0, 4);
  if (s.length === 4) return { year, month: 1, day: 1 };
  let at = 4;
  const hyphen = s[at] === '-';
  if (hyphen) at++;
  if (s[at] === 'W') {
    throw logicError('Due to limitations in the boost time library we use for parsing, we cannot support ISO ' +
      'week dates right now.  Sorry about that!  Please use years, calendar dates, or ordinal dates instead.');
  }
  if (s.length - at === 3) {
    const ordinal = digitsAt(s, at, 3);
    const d = new Date(0);
    d.setUTCFullYear(year, 0, ordinal);
    return { year, month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  const month = digitsAt(s, at, 2);
  at += 2;
  if (hyphen && at === s.length) return { year, month, day: 1 };
  const hyphen2 = s[at] === '-';
  if (hyphen2) at++;
  if (hyphen !== hyphen2) throw logicError(`Date string \`${s}\` must have 0 or 2 hyphens.`);
  const day = digitsAt(s, at, 2);
  at += 2;
  if (at !== s.length) throw logicError(`Garbage characters \`${s.slice(at)}\` at end of date string \`${s}\`.`);
  return { year, month, day };
}

function parseClock(s: string): [number, number, number] {
  const h = digitsAt(s, 0, 2);
  if (s.length === 2) return [h, 0, 0];
  let at = 2;
  const colon = s[at] === ':';
  if (colon) at++;
  const m = digitsAt(s, at, 2);
  at += 2;
  if (at === s.length) return [h, m, 0];
  const colon2 = s[at] === ':';
  if (colon2) at++;
  if (colon !== colon2) throw logicError(`Time string \`${s}\` must have 0 or 2 colons.`);
  let sec = digitsAt(s, at, 2);
  at += 2;
  if (s[at] === '.') {
    at++;
    let frac = '';
    while (at < s.length) frac += String(digitsAt(s, at++, 1));
    sec += frac === '' ? 0 : Number(`0.${frac}`);
  }
  if (at !== s.length) throw logicError(`Garbage characters \`${s.slice(at)}\` at end of time string \`${s}\`.`);
  if (h > 24) throw logicError('Error in time logic: Hours out of range.');
  if (m > 59) throw logicError('Error in time logic: Minutes out of range.');
  if (sec >= 61) throw logicError('Error in time logic: Seconds out of range.');
  return [h, m, sec];
}

export function isTimeObject(v: unknown): v is DatumObject {
  return isObject(v) && v.$reql_type$ === 'TIME';
}
