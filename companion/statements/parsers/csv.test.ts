import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { checkBalances } from '../balance.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { BUILTIN_PROFILES, parseCsv, partyBlock, profilesFromRules, splitRecord, type CsvProfile } from './csv.ts';
import { sniffStatement } from './sniff.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/statements/csv');
const m = (s: string) => parseMoney(s);

function parseFile(name: string, profiles: CsvProfile[] = []): ParsedStatement[] {
  const bytes = readFileSync(join(FIXTURES, name));
  assert.equal(sniffStatement(bytes), 'csv', `${name} is recognised as CSV`);
  // Small chunks: the parser streams, and a record may be cut anywhere.
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 97) chunks.push(bytes.subarray(i, i + 97));
  return parseCsv(chunks, name, profiles);
}

const parseText = (text: string, profiles: CsvProfile[] = []) => parseCsv([new TextEncoder().encode(text)], 'kestrel.csv', profiles);

function rejects(text: string, kind: StatementError['kind'], pattern: RegExp, profiles: CsvProfile[] = []): void {
  assert.throws(() => parseText(text, profiles), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, /^kestrel\.csv: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test('every built-in profile has its test file', () => {
  assert.deepEqual(BUILTIN_PROFILES.map((p) => p.name), ['sber', 't-bank', 'alfa-bank', 'generic-semicolon', 'generic-comma']);
  for (const p of BUILTIN_PROFILES) assert.ok(parseFile(`${p.name}.csv`).length > 0, p.name);
});

test('sber: metadata above a two-row header, both sides in one cell each, balances from the footer rows', () => {
  const [st, ...more] = parseFile('sber.csv');
  assert.equal(more.length, 0);
  assert.equal(st!.account, '40702810400000012345');
  assert.equal(st!.currency, 'RUB');
  assert.deepEqual([st!.periodStart, st!.periodEnd], ['2026-11-03', '2026-11-10']);
  // Hand-checked: 1,250,000.00 - 146,400.00 + 48,000.00 - 1,250.50 = 1,150,349.50.
  assert.equal(st!.openingBalance, m('1250000'));
  assert.equal(st!.closingBalance, m('1150349.50'));
  assert.equal(checkBalances(st!).status, 'ok');
  assert.deepEqual(st!.entries.map((e) => [e.bookingDate, e.amount, e.counterpartyName, e.counterpartyAccount, e.counterpartyTaxId, e.reference]), [
    ['2026-11-03', -m('146400'), 'ООО «Бумага Опт»', '40702810600000054321', '7705123450', '513'],
    ['2026-11-05', m('48000'), 'ООО «Гринлиф»', '40702810300000077777', '7728123456', '77'],
    ['2026-11-10', -m('1250.50'), 'ПАО СБЕРБАНК', '70601810000002700000', '7707083893', '1'],
  ]);
  assert.equal(st!.entries[0]!.text, 'Оплата бумаги по счету 88 от 01.11.2026. В т.ч. НДС 20% 24400,00');
});

test('t-bank: the payment amount in the account currency, value dates, FAILED operations left out', () => {
  const [st] = parseFile('t-bank.csv');
  assert.equal(st!.account, '*4417');
  assert.equal(st!.currency, 'RUB');
  assert.deepEqual(st!.entries.map((e) => [e.bookingDate, e.valueDate, e.amount, e.text]), [
    ['2026-11-24', '2026-11-25', -m('3490'), 'Комус Канцтовары'],
    ['2026-11-22', '2026-11-23', -m('2951.02'), 'Adobe Creative Cloud Сервисы'],
    ['2026-11-20', '2026-11-20', m('20000'), 'Пополнение с расчетного счета Пополнения'],
  ]);
  assert.equal(checkBalances(st!).status, 'none', 'the export carries no balances');
});

test('alfa-bank: windows-1251, two-digit years, RUR, separate in and out columns, HOLD rows left out', () => {
  const [st] = parseFile('alfa-bank.csv');
  assert.equal(st!.account, '40817810300001234567');
  assert.equal(st!.currency, 'RUB');
  assert.deepEqual(st!.entries.map((e) => [e.bookingDate, e.amount, e.bankId]), [
    ['2026-11-23', -m('1840.50'), 'CRD_1A2B3C'], ['2026-11-20', m('25000'), 'C162011260045678'], ['2026-11-18', -m('199'), 'MO1811260012'],
  ]);
  assert.equal(st!.entries[1]!.text, 'Перевод денежных средств. Пополнение от Соколовой А.');
});

test('generic profiles: decimal comma with space thousands, decimal point with quoted fields; the running balance gives both balances', () => {
  const [semi] = parseFile('generic-semicolon.csv');
  assert.deepEqual(semi!.entries.map((e) => [e.amount, e.counterpartyName, e.counterpartyAccount, e.bankId]), [
    [-m('1250'), 'DHL Express', 'DE12500105170648489890', 'TX-1'], [m('6800'), 'Nordlicht GmbH', 'DE44500105175407324931', 'TX-2'],
  ]);
  // 23,187.50 - (-1,250.00) = 24,437.50 before the first row.
  assert.deepEqual([semi!.openingBalance, semi!.closingBalance], [m('24437.50'), m('29987.50')]);
  const [comma] = parseFile('generic-comma.csv');
  assert.deepEqual(comma!.entries.map((e) => [e.bookingDate, e.amount, e.text]), [['2026-11-02', -m('120'), 'Toner, black "XL"'], ['2026-11-03', m('45.50'), 'Refund']]);
  assert.deepEqual([comma!.openingBalance, comma!.closingBalance], [m('1000'), m('925.50')]);
  assert.equal(checkBalances(comma!).status, 'ok');
});

test('a profile of the owner (from the rules note) is tried before the built-in ones', () => {
  const profiles = profilesFromRules([{
    name: 'example-bank', delimiter: 'semicolon', decimal: 'comma', date_format: 'DD.MM.YYYY', date_column: 'Buchungstag', debit_column: 'Soll',
    credit_column: 'Haben', text_column: 'Verwendungszweck', counterparty_column: 'Empfaenger', account: 'DE89370400440532013000', currency: 'eur',
  }]);
  const [st] = parseText('Buchungstag;Soll;Haben;Verwendungszweck;Empfaenger\n02.11.2026;1.250,00;;Kurier;DHL\n05.11.2026;;6.800,00;Design;Nordlicht GmbH\n', profiles);
  assert.deepEqual([st!.account, st!.currency], ['DE89370400440532013000', 'EUR']);
  assert.deepEqual(st!.entries.map((e) => [e.amount, e.counterpartyName]), [[-m('1250'), 'DHL'], [m('6800'), 'Nordlicht GmbH']]);
  assert.throws(() => profilesFromRules([{ name: 'x', delimiter: 'space', date_column: 'D', amount_column: 'A' }]), /CSV profile x: delimiter "space"/);
  assert.throws(() => profilesFromRules([{ name: 'x', delimiter: 'comma', date_column: 'D' }]), /CSV profile x: needs amount_column, or debit_column and credit_column/);
  assert.throws(() => profilesFromRules([{ name: 'x', delimiter: 'comma', date_column: 'D', amount_column: 'A', date_format: 'YY/MM' }]), /date_format "YY\/MM" is not supported/);
});

test('without a profile the delimiter is only guessed when the running balance confirms every row', () => {
  const [st] = parseText('Выписка по счету 40702810400000012345\nДата;Сумма;Остаток;Описание\n02.11.2026;-12,50;987,50;Комиссия\n03.11.2026;100,00;1087,50;Поступление\n');
  assert.ok(st);
  assert.deepEqual([st.account, st.currency], ['40702810400000012345', 'RUB']);
  assert.deepEqual(st.entries.map((e) => [e.amount, e.text]), [[-m('12.50'), 'Комиссия'], [m('100'), 'Поступление']]);
  assert.match(st.warnings[0]!, /no profile matched: delimiter ";" and decimal "," were guessed and confirmed by the file's running balance on every row/);
  assert.deepEqual([st.openingBalance, st.closingBalance], [m('1000'), m('1087.50')]);
  rejects('Datum;Betrag;Saldo;Text\n02.11.2026;-12,50;987,50;Gebuehr\n03.11.2026;100,00;1050,00;Eingang\n', 'unsupported', /no CSV profile matches and the delimiter cannot be confirmed by a running balance; columns found: Datum \| Betrag \| Saldo \| Text/);
  rejects('Buchung;Wert;Umsatz\n02.11.2026;x;-12,50\n', 'unsupported', /columns found: Buchung;Wert;Umsatz/);
});

test('rows that do not fit the profile are refused with their line', () => {
  rejects('Date,Amount,Description,Account,Currency\n2026-11-02,-120.00,Toner,DE89370400440532013000,EUR\n02.11.2026,5.00,x,DE89370400440532013000,EUR\n', 'malformed', /line 3: date "02\.11\.2026" does not match YYYY-MM-DD \(profile generic-comma\)/);
  rejects('Date,Amount,Description,Account,Currency\n2026-11-02,"1,2.3",Toner,DE89370400440532013000,EUR\n', 'malformed', /line 2: amount "1,2\.3" is not an amount \(profile generic-comma, decimal "\."\)/);
  rejects('Date,Amount,Description\n2026-11-02,-120.00,Toner\n', 'malformed', /no account: the profile generic-comma has no account column and names no account/);
  rejects('Date,Amount,Description,Account,Currency\n', 'empty', /no transactions under the header \(profile generic-comma\)/);
  assert.throws(() => parseCsv([], 'kestrel.csv'), /kestrel\.csv: the file is empty/);
});

test('records: quotes hold delimiters, doubled quotes and line breaks; a side cell splits into account, INN and name', () => {
  assert.deepEqual(splitRecord('a;"b;c";"say ""hi""";', ';'), ['a', 'b;c', 'say "hi"', '']);
  assert.deepEqual(partyBlock('40702810600000054321\n7705123450\nООО «Бумага Опт»'), { account: '40702810600000054321', taxId: '7705123450', name: 'ООО «Бумага Опт»' });
  assert.deepEqual(partyBlock('40817810300001234567\nСоколова Анна//г. Москва//'), { account: '40817810300001234567', name: 'Соколова Анна' });
});
