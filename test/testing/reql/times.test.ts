// Times: r.time, r.ISO8601, r.epochTime, toEpochTime, toISO8601, inTimezone, the calendar
// parts, date, timeOfDay, during, and arithmetic, through both drivers' time formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();
const raw = { timeFormat: 'raw' };
const at = (epoch: number, timezone = '+00:00') => ({ $reql_type$: 'TIME', epoch_time: epoch, timezone });

test('building times: r.time, r.ISO8601, r.epochTime; official Dates and rethinkdb-ts Dates', async () => {
  const noon = Date.UTC(2021, 5, 15, 12, 0, 0) / 1000;
  assert.deepEqual(await live.run(R.time(2021, 6, 15, 'Z'), raw), at(noon - 12 * 3600));
  assert.deepEqual(await live.run(R.time(2021, 6, 15, 14, 30, 15.25, '+02:30'), raw), at(noon + 15.25, '+02:30'));
  assert.deepEqual(await live.run(R.ISO8601('2021-06-15T12:00:00+0100'), raw), at(noon - 3600, '+01:00'));
  assert.deepEqual(await live.run(R.ISO8601('20210615T120000Z'), raw), at(noon));
  assert.deepEqual(await live.run(R.epochTime(noon).toISO8601()), '2021-06-15T12:00:00+00:00');
  assert.deepEqual(await live.run(R.epochTime(noon + 0.25).inTimezone('-04:00').toISO8601()), '2021-06-15T08:00:00.250-04:00');
  const date = await live.run(R.epochTime(noon)) as Date;
  assert.ok(date instanceof Date && date.getTime() === noon * 1000, 'the official driver gives a Date');
  assert.equal(await live.run(R.expr(new Date(noon * 1000)).toEpochTime()), noon, 'and sends a Date as ISO8601');
  assert.equal(await live.tsRun(TS.expr(new Date(noon * 1000)).toEpochTime()), noon, 'rethinkdb-ts sends a TIME');
  const bad = await live.fail(R.time(2021, 6, 15));
  assert.equal(bad.name, 'ReqlServerCompileError', 'TIME takes 4 to 7 arguments');
});

test('calendar parts in the time zone of the time, date, timeOfDay, during', async () => {
  const t = R.time(2020, 12, 31, 23, 30, 10.5, '-02:00');
  assert.deepEqual(await live.run(R.expr([t.year(), t.month(), t.day(), t.hours(), t.minutes(), t.seconds()])),
    [2020, 12, 31, 23, 30, 10.5]);
  assert.equal(await live.run(t.inTimezone('Z').year()), 2021);
  assert.equal(await live.run(t.dayOfWeek()), 4, 'a Thursday; ISO 8601 counts Monday as 1');
  assert.equal(await live.run(t.dayOfYear()), 366);
  assert.equal(await live.run(t.timezone()), '-02:00');
  assert.equal(await live.run(t.timeOfDay()), 23 * 3600 + 30 * 60 + 10.5);
  assert.deepEqual(await live.run(t.date(), raw), at(Date.UTC(2020, 11, 31, 2) / 1000, '-02:00'));
  assert.equal(await live.run(t.during(R.time(2020, 1, 1, 'Z'), R.time(2022, 1, 1, 'Z'))), true);
  assert.equal(await live.run(t.during(t, R.time(2022, 1, 1, 'Z'), { leftBound: 'open' })), false);
  assert.deepEqual(await live.run(R.expr([R.monday, R.sunday, R.january, R.december])), [1, 7, 1, 12]);
  assert.equal(await live.run(R.now().sub(R.now())), 0, 'r.now() is one instant per query');
});

test('time arithmetic and comparisons', async () => {
  const t = R.epochTime(1000);
  assert.equal(await live.run(t.add(60).toEpochTime()), 1060);
  assert.equal(await live.run(t.sub(R.epochTime(400))), 600);
  assert.equal(await live.run(t.lt(R.epochTime(1001))), true);
  const sum = await live.fail(t.add(t));
  assert.equal(sum.msg, 'Expected type NUMBER but found PTYPE<TIME>.');
  const notTime = await live.fail(R.expr(5).toISO8601());
  assert.equal(notTime.msg, 'Not a TIME pseudotype: `5`.');
});
