import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../contract/money.ts';
import { checkBalances } from './balance.ts';
import type { BalanceBlock, ParsedStatement, StatementEntry } from './model.ts';

const m = (s: string) => parseMoney(s);
const e = (date: string, amount: string, provisional = false): StatementEntry => ({ bookingDate: date, amount: m(amount), direction: m(amount) < 0n ? 'out' : 'in', text: '', provisional });
const st = (entries: StatementEntry[], blocks: BalanceBlock[], opening?: string, closing?: string): ParsedStatement => ({
  format: '1c', account: 'A', currency: 'RUB', periodStart: '2026-11-01', periodEnd: '2026-11-30', blocks, entries, provisional: false, warnings: [],
  ...(opening ? { openingBalance: m(opening) } : {}), ...(closing ? { closingBalance: m(closing) } : {}),
});

test('opening + movements = closing, exactly; provisional entries do not move booked balances', () => {
  assert.equal(checkBalances(st([e('2026-11-02', '0.10'), e('2026-11-03', '0.20'), e('2026-11-04', '-5', true)], [], '1', '1.30')).status, 'ok');
  const bad = checkBalances(st([e('2026-11-02', '5')], [], '100', '106'));
  assert.equal(bad.status, 'mismatch');
  assert.deepEqual(bad.problems, ['statement: opening 100.00 + movements 5.00 = 105.00, but the closing balance is 106.00 (difference 1.00)']);
  assert.equal(checkBalances(st([e('2026-11-02', '5')], [])).status, 'none');
});

test('a block per day is checked against that day\'s own inflow and outflow', () => {
  const entries = [e('2026-11-02', '100'), e('2026-11-02', '-30'), e('2026-11-04', '10'), e('2026-11-06', '-1')];
  const blocks: BalanceBlock[] = [
    { from: '2026-11-02', to: '2026-11-02', opening: m('0'), closing: m('70'), totalIn: m('100'), totalOut: m('30') },
    { from: '2026-11-03', to: '2026-11-03', opening: m('70'), closing: m('70'), totalIn: m('0'), totalOut: m('0') },
    { from: '2026-11-04', to: '2026-11-05', opening: m('70'), closing: m('80'), totalIn: m('10'), totalOut: m('0') },
    { from: '2026-11-06', to: '2026-11-06', opening: m('80'), closing: m('79'), totalIn: m('0'), totalOut: m('2') },
  ];
  const r = checkBalances(st(entries, blocks));
  assert.equal(r.status, 'mismatch');
  assert.deepEqual(r.problems, [
    '2026-11-06: opening 80.00 + in 0.00 - out 2.00 = 78.00, but closing is 79.00',
    '2026-11-06: stated outflow 2.00, transactions sum to 1.00',
  ]);
  blocks[3]!.totalOut = m('1');
  assert.equal(checkBalances(st(entries, blocks)).status, 'ok');
});
