// Times: r.time, r.ISO8601, r.epochTime, r.now, toISO8601, toEpochTime, inTimezone,
// during, date, timeOfDay, timezone, the calendar parts (year ... seconds), and the day and
// month constants (r.monday = 1 ... r.december = 12).
import { T } from '../protocol.js';
import { truncPrint, type DatumObject } from './datum.js';
import { logicError } from './errors.js';
import type { Call, Handler } from './evaluate.js';
import { asDatum, asInt, asNumber, asString } from './convert.js';
import { checkFinite } from './datum.js';
import {
  checkDate, checkTimezone, epochOf, isTime, makeTime, parseIso8601, timezoneOf, toIso8601, wallTime, wallToEpoch,
} from './time.js';

/** A TIME argument, or the server's "Not a TIME pseudotype" error. */
function asTime(v: unknown): DatumObject {
  const d = asDatum(v);
  if (isTime(d)) return d;
  throw logicError(`Not a TIME pseudotype: \`${truncPrint(d)}\`.`);
}

function time(call: Call): DatumObject {
  if (call.argc !== 4 && call.argc !== 7) throw logicError(`Got ${call.argc} arguments to TIME (expected 4 or 7).`);
  const year = call.arg(0, asInt);
  const month = call.arg(1, asInt);
  const day = call.arg(2, asInt);
  let h = 0;
  let m = 0;
  let s = 0;
  if (call.argc === 7) {
    h = call.arg(3, asInt);
    m = call.arg(4, asInt);
    s = call.arg(5, asNumber);
  }
  const tz = checkTimezone(call.arg(call.argc - 1, asString));
  checkDate(year, month, day);
  if (h < 0 || h > 23) throw logicError('Error in time logic: Hours out of range.');
  if (m < 0 || m > 59) throw logicError('Error in time logic: Minutes out of range.');
  return { $reql_type$: 'TIME', epoch_time: wallToEpoch(year, month, day, h, m, s, tz), timezone: tz };
}

type Part = 'year' | 'month' | 'day' | 'dayOfWeek' | 'dayOfYear' | 'hours' | 'minutes' | 'seconds';

function part(name: Part): Handler {
  return (call) => wallTime(call.arg(0, asTime))[name];
}

const CONSTANTS: ReadonlyArray<readonly [number, number]> = [
  [T.MONDAY, 1], [T.TUESDAY, 2], [T.WEDNESDAY, 3], [T.THURSDAY, 4], [T.FRIDAY, 5], [T.SATURDAY, 6],
  [T.SUNDAY, 7], [T.JANUARY, 1], [T.FEBRUARY, 2], [T.MARCH, 3], [T.APRIL, 4], [T.MAY, 5], [T.JUNE, 6],
  [T.JULY, 7], [T.AUGUST, 8], [T.SEPTEMBER, 9], [T.OCTOBER, 10], [T.NOVEMBER, 11], [T.DECEMBER, 12],
];

function during(call: Call): boolean {
  const t = call.arg(0, asTime);
  const lo = call.arg(1, asTime);
  const hi = call.arg(2, asTime);
  const open = (name: string, dflt: boolean): boolean => {
    const v = call.opt(name, asString);
    if (v === undefined) return dflt;
    if (v === 'open' || v === 'closed') return v === 'open';
    throw logicError(`Expected \`open\` or \`closed\` for optarg \`${name}\` (got \`${JSON.stringify(v)}\`).`);
  };
  const l = Math.sign(epochOf(lo) - epochOf(t));
  const r = Math.sign(epochOf(t) - epochOf(hi));
  return !(l > 0 || (l === 0 && open('left_bound', false)) || r > 0 || (r === 0 && open('right_bound', true)));
}

export const timeTerms: ReadonlyArray<readonly [number, Handler]> = [
  [T.NOW, (call) => call.now()],
  [T.TIME, time],
  [T.ISO8601, (call) => {
    const s = call.arg(0, asString);
    const tz = call.opt('default_timezone', asString);
    return parseIso8601(s, tz);
  }],
  [T.EPOCH_TIME, (call) => makeTime(checkFinite(call.arg(0, asNumber)))],
  [T.TO_EPOCH_TIME, (call) => epochOf(call.arg(0, asTime))],
  [T.TO_ISO8601, (call) => toIso8601(call.arg(0, asTime))],
  [T.IN_TIMEZONE, (call) => {
    const t = call.arg(0, asTime);
    return { ...t, timezone: checkTimezone(call.arg(1, asString)) };
  }],
  [T.TIMEZONE, (call) => timezoneOf(call.arg(0, asTime))],
  [T.DURING, during],
  [T.DATE, (call) => {
    const t = call.arg(0, asTime);
    const w = wallTime(t);
    return makeTime(epochOf(t) - w.msOfDay / 1000, timezoneOf(t));
  }],
  [T.TIME_OF_DAY, (call) => Math.round(wallTime(call.arg(0, asTime)).msOfDay) / 1000],
  [T.YEAR, part('year')],
  [T.MONTH, part('month')],
  [T.DAY, part('day')],
  [T.DAY_OF_WEEK, part('dayOfWeek')],
  [T.DAY_OF_YEAR, part('dayOfYear')],
  [T.HOURS, part('hours')],
  [T.MINUTES, part('minutes')],
  [T.SECONDS, part('seconds')],
  ...CONSTANTS.map(([type, n]) => [type, () => n] as const),
];
