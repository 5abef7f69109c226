import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../contract/money.ts';
import { computeCash, type AccountSnapshot, type CashInput, type DayTotals } from './cash.ts';
import { addDays } from '../../contract/dates.ts';
import { catalogue } from '../core/i18n/index.ts';

const m = (s: string) => parseMoney(s);
const day = (inflow: string, outflow: string, ownIn = '0', ownOut = '0'): DayTotals => ({ inflow: m(inflow), outflow: m(outflow), ownIn: m(ownIn), ownOut: m(ownOut) });

function input(accounts: AccountSnapshot[], extra: Partial<CashInput> = {}): CashInput {
  return { asOf: '2026-11-26T06:00:00', today: '2026-11-26', timezone: 'Europe/Moscow', base: 'RUB', accounts, history: [], staleDays: 3, t: catalogue('en'), ...extra };
}
const rub = (balance: string, days: [string, DayTotals][] = [], balanceDate = '2026-11-25'): AccountSnapshot =>
  ({ account: '40702810400000012345', currency: 'RUB', balance: m(balance), balanceDate, mismatch: false, pending: 0n, days: new Map(days) });
const eur = (balance: string): AccountSnapshot => ({ account: 'DE89370400440532013000', currency: 'EUR', balance: m(balance), balanceDate: '2026-11-25', mismatch: false, pending: 0n, days: new Map() });

test('currencies are never summed without a dated rate: no total and no runway, and the reason is shown', () => {
  const r = computeCash(input([rub('1000'), eur('10')]));
  assert.equal(r.frontmatter.total_base, undefined);
  assert.equal(r.frontmatter.runway_months, undefined);
  assert.match(r.body, /\| EUR \| 10\.00 \| no rate \|  \|/);
  assert.match(r.body, /Total in RUB: not summed \(no rate for EUR\)\./);
  assert.match(r.body, /Not computed: no rate for EUR in a dated exchange-rates note\./);
  const withRate = computeCash(input([rub('1000'), eur('10')], { rates: { note: '2026-11-25 Rates', date: '2026-11-25', base: 'RUB', rates: { EUR: '98.40' } } }));
  assert.equal(withRate.frontmatter.total_base, 1984);
  assert.match(withRate.body, /\| EUR \| 10\.00 \| 98\.40 \(2026-11-25\) \| 984\.00 \|/);
});

test('runway: cash over the mean net monthly outflow of 90 days, own transfers left out; none with a net inflow', () => {
  // Out 90,000.00 over the 90 days (30,000.00 a month); the 500,000.00 own transfer does not count.
  const days: [string, DayTotals][] = [['2026-09-01', day('0', '30000')], ['2026-10-01', day('0', '530000', '0', '500000')], ['2026-11-01', day('0', '30000')], ['2026-08-27', day('0', '999999')]];
  const r = computeCash(input([rub('150000', days)]));
  assert.equal(r.frontmatter.runway_months, 5);
  assert.match(r.body, /5\.0 months: cash 150000\.00 RUB \/ mean net monthly outflow 30000\.00 RUB/);
  assert.match(r.body, /\| RUB \| 0\.00 \| 30000\.00 \| 0\.00 \| 90000\.00 \|/);
  const inflow = computeCash(input([rub('150000', [['2026-11-01', day('100', '40')]])]));
  assert.equal(inflow.frontmatter.runway_months, undefined);
  assert.match(inflow.body, /No net outflow over the last 90 days \(net inflow 60\.00 RUB\): no runway limit\./);
});

test('an account without a recent statement is stale; a mismatched balance says so; a future-dated day is left out of the flows', () => {
  const r = computeCash(input([{ ...rub('10', [['2026-11-27', day('5', '0')]], '2026-11-20'), mismatch: true, pending: -m('3') }]));
  assert.equal(r.frontmatter.stale_accounts, 1);
  assert.match(r.body, /\| 40702810400000012345 \| RUB \| 10\.00 \(balances did not check\) \| 2026-11-20 \|  \| 0\.00 \| 6 days old \(stale\) \| -3\.00 \|/);
  assert.match(r.body, /\| RUB \| 0\.00 \| 0\.00 \| 0\.00 \| 0\.00 \|/);
});

test('the history keeps one row a day, the latest 90', () => {
  const history = Array.from({ length: 95 }, (_, i) => ({ date: addDays('2026-08-01', i), totals: { RUB: '1.00' } }));
  const r = computeCash(input([rub('7')], { history: [...history, { date: '2026-11-26', totals: { RUB: 'old' } }] }));
  assert.equal(r.history.length, 90);
  assert.equal(r.history[0]!.date, addDays('2026-08-01', 6), 'the oldest fall off');
  assert.deepEqual(r.history.at(-1), { date: '2026-11-26', totals: { RUB: '7.00' }, total_base: '7.00' });
});

test('in the owner\'s language: the same note in Russian, its figures unchanged', () => {
  const r = computeCash(input([rub('1000'), eur('10')], { t: catalogue('ru') }));
  assert.match(r.body, /^# Остаток денег$/m);
  assert.match(r.body, /^\| Счёт \| Валюта \| Остаток \| На дату \|/m);
  assert.match(r.body, /Итого в RUB: не сложено \(нет курса для EUR\)\./);
  assert.match(r.body, /\| 40702810400000012345 \| RUB \| 1000\.00 \| 2026-11-25 \|/);
});
