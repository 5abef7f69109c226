import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronMatchesWall, cronProblem, parseCron } from '../../contract/cron.ts';
import { isDue, nextDue } from './cron.ts';

const at = (iso: string) => new Date(iso);

test('one grammar: numbers, ranges, steps, lists, names and shorthands; clear errors otherwise', () => {
  assert.equal(cronProblem('0 7 * * MON'), undefined);
  assert.equal(cronProblem('0 7 * * mon-fri'), undefined);
  assert.equal(cronProblem('*/15 9-17 1,15 JAN-MAR 1-5'), undefined);
  assert.equal(cronProblem('@daily'), undefined);
  assert.deepEqual([...parseCron('0 7 * * 7').weekdays], [0]);
  assert.deepEqual([...parseCron('0 7 * * SUN').weekdays], [0]);
  assert.match(cronProblem('61 * * * *')!, /out of range 0-59 for the minute/);
  assert.match(cronProblem('* * *')!, /expected 5 fields/);
  assert.match(cronProblem('0 7 * * MONDAY')!, /not a day of week/);
  assert.match(cronProblem('0 25 * * *')!, /out of range/);
  assert.match(cronProblem('0 7 * * 1#2')!, /cannot read/);
  assert.ok(cronMatchesWall(parseCron('0 7 * * MON'), { minute: 0, hour: 7, day: 30, month: 11, weekday: 1 }));
});

test('what the setting accepts is what fires: 0 7 * * MON fires on Monday at 07:00 local', () => {
  const tz = 'Europe/Berlin';
  assert.deepEqual(nextDue('0 7 * * MON', at('2026-11-26T12:00:00Z'), tz), at('2026-11-30T06:00:00Z'));
  assert.deepEqual(nextDue('@weekly', at('2026-11-26T12:00:00Z'), tz), at('2026-11-28T23:00:00Z'));
  assert.deepEqual(nextDue('0 6 * * *', at('2026-11-26T03:00:00Z'), 'Europe/Moscow'), at('2026-11-27T03:00:00Z'));
  assert.deepEqual(nextDue('*/15 * * * *', at('2026-11-26T12:07:00Z'), 'UTC'), at('2026-11-26T12:15:00Z'));
  // Classic cron: both day fields restricted means either.
  assert.deepEqual(nextDue('0 0 1 * MON', at('2026-11-26T12:00:00Z'), 'UTC'), at('2026-11-30T00:00:00Z'));
});

test('a run missed while the machine slept is due once, however many were missed', () => {
  const tz = 'Europe/Berlin';
  assert.equal(isDue('0 6 * * *', at('2026-11-25T05:00:10Z'), at('2026-11-26T09:30:00Z'), tz), true);
  assert.equal(isDue('0 6 * * *', at('2026-11-23T05:00:10Z'), at('2026-11-26T09:30:00Z'), tz), true);
  assert.equal(isDue('0 6 * * *', at('2026-11-26T05:00:10Z'), at('2026-11-26T09:30:00Z'), tz), false);
});

test('spring forward: a 02:30 job runs at the jump, once', () => {
  const tz = 'Europe/Berlin';
  // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z; 02:30 never shows on the clock.
  assert.deepEqual(nextDue('30 2 * * *', at('2026-03-28T12:00:00Z'), tz), at('2026-03-29T01:00:00Z'));
  assert.deepEqual(nextDue('30 2 * * *', at('2026-03-29T01:00:00Z'), tz), at('2026-03-30T00:30:00Z'));
  // A job at 03:00 is not doubled by the jump.
  assert.deepEqual(nextDue('0 3 * * *', at('2026-03-28T12:00:00Z'), tz), at('2026-03-29T01:00:00Z'));
  assert.deepEqual(nextDue('0 3 * * *', at('2026-03-29T01:00:00Z'), tz), at('2026-03-30T01:00:00Z'));
});

test('fall back: a 02:30 job runs at the first 02:30 only; an every-15-minutes job keeps running', () => {
  const tz = 'Europe/Berlin';
  // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:30 shows at 00:30Z and 01:30Z.
  assert.deepEqual(nextDue('30 2 * * *', at('2026-10-24T12:00:00Z'), tz), at('2026-10-25T00:30:00Z'));
  assert.deepEqual(nextDue('30 2 * * *', at('2026-10-25T00:30:00Z'), tz), at('2026-10-26T01:30:00Z'));
  assert.deepEqual(nextDue('*/15 * * * *', at('2026-10-25T00:50:00Z'), tz), at('2026-10-25T01:00:00Z'));
  assert.deepEqual(nextDue('*/15 * * * *', at('2026-10-25T01:00:00Z'), tz), at('2026-10-25T01:15:00Z'));
  // The daily 06:00 comes an hour later in UTC after the change.
  assert.deepEqual(nextDue('0 6 * * *', at('2026-10-24T12:00:00Z'), tz), at('2026-10-25T05:00:00Z'));
});
