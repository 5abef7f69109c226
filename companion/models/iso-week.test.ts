import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoWeekOf, previousIsoWeek } from './iso-week.ts';

test('ISO weeks, including the year edges', () => {
  assert.deepEqual(isoWeekOf('2026-11-26'), { week: '2026-W48', start: '2026-11-23', end: '2026-11-29' });
  assert.equal(isoWeekOf('2026-11-29').week, '2026-W48');
  assert.equal(isoWeekOf('2026-11-30').week, '2026-W49');
  assert.equal(isoWeekOf('2027-01-01').week, '2026-W53');
  assert.equal(isoWeekOf('2025-12-29').week, '2026-W01');
  assert.equal(previousIsoWeek('2026-11-26').week, '2026-W47');
});
