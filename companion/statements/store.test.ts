import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../contract/money.ts';
import { settlePending, shiftMonth } from './store.ts';

test('months step across year ends', () => {
  assert.deepEqual([shiftMonth('2026-12', 1), shiftMonth('2026-01', -1), shiftMonth('2026-06', 0), shiftMonth('2026-11', 14)], ['2027-01', '2025-12', '2026-06', '2028-01']);
});

test('a pending entry is settled by its own key, or by one booked row of the same amount within two days', () => {
  const p = (key: string, date: string, amount: string) => ({ key, date, amount: parseMoney(amount).toString(), text: key });
  const pending = [p('k1', '2026-11-26', '-300'), p('k2', '2026-11-26', '-300'), p('k3', '2026-11-20', '-50'), p('k4', '2026-11-26', '-7')];
  const left = settlePending(pending, new Map([['k4', 'x']]), [{ date: '2026-11-27', amount: parseMoney('-300') }, { date: '2026-11-26', amount: parseMoney('-50') }]);
  assert.deepEqual(left.map((x) => x.key), ['k2', 'k3'], 'one booked row settles one pending entry; six days apart is too far');
});
