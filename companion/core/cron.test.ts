import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronMatches, missedRun, parseCron, previousDue } from './cron.ts';

test('cron expressions match wall-clock minutes in the business time zone', () => {
  const spec = parseCron('0 6 * * *');
  assert.equal(cronMatches(spec, new Date('2026-11-26T03:00:00Z'), 'Europe/Moscow'), true);
  assert.equal(cronMatches(spec, new Date('2026-11-26T06:00:00Z'), 'Europe/Moscow'), false);
  assert.equal(cronMatches(parseCron('*/15 9-17 * * 1-5'), new Date('2026-11-26T12:45:00Z'), 'UTC'), true);
  assert.equal(cronMatches(parseCron('0 7 * * 1'), new Date('2026-11-30T07:00:00Z'), 'UTC'), true); // a Monday
  assert.throws(() => parseCron('61 * * * *'), /out of range/);
  assert.throws(() => parseCron('* * *'), /5 fields/);
});

test('a run missed while the machine slept is caught up once', () => {
  const tz = 'Europe/Berlin';
  const now = new Date('2026-11-26T09:30:00Z');
  assert.deepEqual(previousDue('0 6 * * *', now, tz), new Date('2026-11-26T05:00:00Z'));
  assert.equal(missedRun('0 6 * * *', new Date('2026-11-25T05:00:10Z'), now, tz), true);
  assert.equal(missedRun('0 6 * * *', new Date('2026-11-26T05:00:10Z'), now, tz), false);
  assert.equal(missedRun('0 6 * * *', undefined, now, tz), true);
});

test('across the DST change the daily run is due once, at 06:00 local', () => {
  const tz = 'Europe/Berlin';
  // 2026-10-25: clocks go back from 03:00 to 02:00.
  assert.deepEqual(previousDue('0 6 * * *', new Date('2026-10-25T12:00:00Z'), tz), new Date('2026-10-25T05:00:00Z'));
  assert.deepEqual(previousDue('0 6 * * *', new Date('2026-10-24T12:00:00Z'), tz), new Date('2026-10-24T04:00:00Z'));
});
