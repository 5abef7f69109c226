import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossRate, ratesOn, type Rates } from './rates.ts';

const notes: Rates[] = [
  { note: 'b', date: '2026-11-25', base: 'RUB', rates: { EUR: '98.40', USD: '82.00' } },
  { note: 'a', date: '2026-11-01', base: 'RUB', rates: { EUR: '95.00' } },
];

test('the rate of a day: the newest note on or before it, through the base currency, not too old', () => {
  assert.equal(ratesOn(notes, '2026-11-10')?.note, 'a');
  assert.equal(ratesOn(notes, '2026-10-31'), undefined);
  assert.equal(crossRate(notes, 'EUR', 'RUB', '2026-11-26'), '98.40000');
  assert.equal(crossRate(notes, 'RUB', 'EUR', '2026-11-26'), (1 / 98.4).toFixed(5));
  assert.equal(crossRate(notes, 'USD', 'EUR', '2026-11-25'), (82 / 98.4).toFixed(5));
  assert.equal(crossRate(notes, 'USD', 'RUB', '2026-11-05'), undefined, 'the older note has no USD');
  assert.equal(crossRate(notes, 'EUR', 'RUB', '2026-11-20'), undefined, 'a rate 19 days old does not count');
});
