import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from './money.ts';
import { insertLedgerRows, ledgerBody, parseLedgerRows, type LedgerRow } from './ledger.ts';

const row = (date: string, amount: string, key: string, text = `row ${key}`): LedgerRow => ({
  date, valueDate: '', amount: parseMoney(amount), counterparty: '', cpAccount: '', cpTaxId: '', text, reference: '', key, statement: 'S1', own: false,
});

test('rows render and read back exactly, cells with pipes, backslashes and line breaks included', () => {
  const rows = [
    { ...row('2026-11-02', '-1250.5', 'b:R1'), counterparty: '[[Bumaga Opt]]', cpAccount: '40702810600000054321', cpTaxId: '7705123450', reference: '513', own: true },
    { ...row('2026-11-03', '100', 'h:abc#2'), text: 'a | b \\ c', valueDate: '2026-11-04' },
  ];
  const body = ledgerBody('40702810400000012345', 'RUB', '2026-11', rows);
  assert.match(body, /^# 40702810400000012345 2026-11\n/);
  const back = parseLedgerRows(body, 'x.md');
  assert.deepEqual(back, rows.map((r) => ({ ...r, text: r.text })));
  const broken = ledgerBody('A', 'RUB', '2026-11', [{ ...row('2026-11-02', '1', 'k'), text: 'one\ntwo' }]);
  assert.equal(parseLedgerRows(broken, 'x.md')[0]!.text, 'one two');
});

test('new rows go after the rows of their date and before later ones, in their own order, the rest untouched', () => {
  const body = ledgerBody('A', 'RUB', '2026-11', [row('2026-11-02', '1', 'a'), row('2026-11-05', '2', 'b'), row('2026-11-05', '3', 'c'), row('2026-11-09', '4', 'd')]);
  const out = insertLedgerRows(body, [row('2026-11-30', '9', 'z'), row('2026-11-05', '5', 'e'), row('2026-11-01', '6', 'f'), row('2026-11-05', '7', 'g')], 'x.md');
  assert.deepEqual(parseLedgerRows(out, 'x.md').map((r) => r.key), ['f', 'a', 'b', 'c', 'e', 'g', 'd', 'z']);
  assert.ok(out.startsWith(body.slice(0, body.indexOf('| 2026-11-02'))), 'the text above the table is kept');
  assert.equal(insertLedgerRows(body.trimEnd(), [row('2026-11-30', '9', 'z')], 'x.md').split('\n').filter((l) => l.startsWith('| 2026')).length, 5, 'a body without a final line break');
});

test('a ledger whose table was removed by hand is refused, not rewritten', () => {
  assert.throws(() => insertLedgerRows('# A 2026-11\n\nsome notes\n', [row('2026-11-02', '1', 'a')], 'Finance/Ledgers/A/2026-11.md'), /Finance\/Ledgers\/A\/2026-11\.md: the ledger table .* is missing/);
  const bad = ledgerBody('A', 'RUB', '2026-11', [row('2026-11-02', '1', 'a')]).replace('| 1.00 |', '| one |');
  assert.throws(() => parseLedgerRows(bad, 'x.md'), /x\.md: row 1: amount "one" is not a number/);
});
