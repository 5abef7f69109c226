import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney, parseMoney } from '../../../contract/money.ts';
import { checkBalances } from '../balance.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { BUILTIN_PROFILES, parseCsv, partyBlock, plainDecimal, profilesFromRules, type CsvProfile } from './csv.ts';
import { sniffStatement } from './sniff.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/statements/csv');
const m = (s: string) => parseMoney(s);

function parseFile(name: string, profiles: CsvProfile[] = [], chunkSize = 97): ParsedStatement[] {
  const bytes = readFileSync(join(FIXTURES, name));
  assert.equal(sniffStatement(bytes), 'csv', `${name} is recognised as CSV`);
  // Small chunks: the parser streams, and a record may be cut anywhere.
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
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
  rejects('Date,Amount,Description,Account,Currency\n2026-11-02,"1,2.3",Toner,DE89370400440532013000,EUR\n', 'malformed', /line 2: amount "1,2\.3" is not a plain decimal \(profile generic-comma, decimal "\."\)/);
  rejects('Date,Amount,Description\n2026-11-02,-120.00,Toner\n', 'malformed', /no account: the profile generic-comma has no account column and names no account/);
  rejects('Date,Amount,Description,Account,Currency\n', 'empty', /no transactions under the header \(profile generic-comma\)/);
  assert.throws(() => parseCsv([], 'kestrel.csv'), /kestrel\.csv: the file is empty/);
});

test('records: quotes hold delimiters, doubled quotes and line breaks; a side cell splits into account, INN and name', () => {
  const [st] = parseText('Date;Amount;Description;Account;Currency\n02.11.2026;-1,00;"b;c ""hi""\nd";DE89370400440532013000;EUR\n');
  assert.equal(st!.entries[0]!.text, 'b;c "hi"\nd');
  assert.deepEqual(partyBlock('40702810600000054321\n7705123450\nООО «Бумага Опт»'), { account: '40702810600000054321', taxId: '7705123450', name: 'ООО «Бумага Опт»' });
  assert.deepEqual(partyBlock('40817810300001234567\nСоколова Анна//г. Москва//'), { account: '40817810300001234567', name: 'Соколова Анна' });
});

const IBAN = 'DE89370400440532013000';
const COMMA = 'Date,Amount,Description,Account,Currency\n';

function fileRejects(name: string, pattern: RegExp): void {
  assert.throws(() => parseFile(name), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.equal(e.kind, 'malformed');
    assert.match(e.message, pattern);
    return true;
  });
}

test('reading CSV: a stray quote stays text, and a BOM, CRLF line ends and a quoted line break read as the bank meant', () => {
  const [stray, ...more] = parseFile('stray-quote.csv');
  assert.equal(more.length, 0);
  // The quote used to open a field that swallowed the rest of the file.
  assert.deepEqual(stray!.entries.map((e) => [e.bookingDate, e.amount, e.text, e.bankId]), [
    ['2026-11-03', -m('489'), 'Monitor 27" LG UltraFine for the design desk', 'TX-11'],
    ['2026-11-04', -m('32.50'), "HDMI cable 6' long", 'TX-12'],
    ['2026-11-05', m('1200'), 'Invoice 118 paid', 'TX-13'],
  ]);
  // 4,511.00 + 489.00 = 5,000.00 before the first row; 5,000.00 - 489.00 - 32.50 + 1,200.00 = 5,678.50.
  assert.deepEqual([stray!.openingBalance, stray!.closingBalance], [m('5000'), m('5678.50')]);
  // One-byte chunks: the BOM and each CRLF are cut in the middle.
  for (const size of [97, 1]) {
    const [bom] = parseFile('bom.csv', [], size);
    assert.deepEqual(bom!.entries.map((e) => [e.bookingDate, e.amount, e.text]), [['2026-11-09', -m('64.90'), 'Paper A4 80 g'], ['2026-11-10', m('250'), 'Business cards for Greenleaf']]);
    assert.deepEqual([bom!.openingBalance, bom!.closingBalance], [m('1000'), m('1185.10')]);
    const [crlf] = parseFile('crlf.csv', [], size);
    assert.deepEqual(crlf!.entries.map((e) => [e.bookingDate, e.amount, e.text, e.counterpartyName]), [['2026-11-12', -m('2400'), 'Rent November', undefined], ['2026-11-13', m('3150'), 'Flyers for Nordlicht', undefined]]);
    assert.deepEqual([crlf!.openingBalance, crlf!.closingBalance], [m('10000'), m('10750')]);
  }
  const [nl] = parseFile('quoted-newline.csv');
  assert.deepEqual(nl!.entries.map((e) => [e.amount, e.text]), [[-m('180'), 'Courier DHL\nshipment 4471, 2 parcels'], [m('95'), 'Refund, toner "XL"'], [-m('15'), 'Coffee for the shop']]);
  assert.deepEqual([nl!.openingBalance, nl!.closingBalance], [m('1000'), m('900')]);
  for (const st of [stray!, nl!]) assert.equal(checkBalances(st).status, 'ok');
});

test('a record that cannot be read is refused naming the line it starts on', () => {
  // The quote opened on line 3 used to swallow lines 3 and 4 without a word.
  fileRejects('unclosed-quote.csv', /^unclosed-quote\.csv: line 3: the record cannot be read as CSV: a quote opened in this record is never closed$/);
  // Lines as the owner sees them: a CRLF inside quotes and a blank line count once each.
  rejects(`Date;Amount;Description;Account;Currency\r\n02.11.2026;-1,00;"two\r\nlines";${IBAN};EUR\r\n\r\n03.11.2026;"-2,00;x;${IBAN};EUR\r\n04.11.2026;1,00;y;${IBAN};EUR\r\n`, 'malformed', /: line 5: the record cannot be read as CSV: a quote opened in this record is never closed/);
  rejects(`${COMMA}2026-11-02,-1.00,"a\nb",${IBAN},EUR\n\n2026-11-03,5.00,x,${IBAN},EUR\n03.11.2026,5.00,x,${IBAN},EUR\n`, 'malformed', /: line 6: date "03\.11\.2026" does not match YYYY-MM-DD/);
  // A quote opened above the header swallows the header: that line is the reason, not a missing profile.
  rejects(`"Statement for November\n${COMMA}2026-11-02,-1.00,a,${IBAN},EUR\n`, 'malformed', /: line 1: the record cannot be read as CSV: a quote opened in this record is never closed/);
  // A record running on past 1 MB is refused there rather than read to the end of the file.
  rejects(`${COMMA}2026-11-02,-1.00,a,${IBAN},EUR\n2026-11-03,-1.00,"${'x'.repeat(1.2 * 1024 * 1024)}\n`, 'malformed', /: line 3: the record cannot be read as CSV: the record runs on past 1 MB/);
});

test('an amount that is not a plain decimal in the profile\'s format is refused with its line and value', () => {
  // They used to lose their letters: 1e30 booked 130.00 and 1.2E5 booked 1.25.
  fileRejects('amount-exponent.csv', /^amount-exponent\.csv: line 3: amount "1e30" is not a plain decimal \(profile generic-comma, decimal "\."\)$/);
  fileRejects('amount-exponent-capital.csv', /^amount-exponent-capital\.csv: line 2: amount "1\.2E5" is not a plain decimal/);
  for (const bad of ['1e30', '12a3', '0x10', '1,2,3', 'Infinity', 'NaN', '1_000.00', '12.5.1', '--5', '5 EUR USD']) {
    const escaped = bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    rejects(`${COMMA}2026-11-02,"${bad}",x,${IBAN},EUR\n`, 'malformed', new RegExp(`: line 2: amount "${escaped}" is not a plain decimal`));
  }
  // Debit, credit and balance cells go through the same check.
  const owner = profilesFromRules([{ name: 'example-bank', delimiter: 'semicolon', decimal: 'comma', date_column: 'Buchungstag', debit_column: 'Soll', credit_column: 'Haben', account: IBAN, currency: 'EUR' }]);
  rejects('Buchungstag;Soll;Haben\n02.11.2026;1,0e3;\n', 'malformed', /: line 2: debit "1,0e3" is not a plain decimal \(profile example-bank, decimal ","\)/, owner);
  rejects('Buchungstag;Soll;Haben\n02.11.2026;;12a3\n', 'malformed', /: line 2: credit "12a3" is not a plain decimal/, owner);
  rejects(`Date;Amount;Description;Account;Currency;Balance\n02.11.2026;-1,00;x;${IBAN};EUR;9,9e2\n`, 'malformed', /: line 2: balance "9,9e2" is not a plain decimal/);
  // The currency the bank prints beside a figure is still read.
  const [st] = parseText(`Date;Amount;Description;Account;Currency\n02.11.2026;-1 234,56 EUR;x;${IBAN};EUR\n03.11.2026;€ 12,00;y;${IBAN};EUR\n`);
  assert.deepEqual(st!.entries.map((e) => e.amount), [-m('1234.56'), m('12')]);
});

test('plain decimals: a sign or parentheses, the profile\'s mark, thousands in threes, a currency beside the figure', () => {
  const read = (v: string, d: '.' | ',') => { const f = plainDecimal(v, d); return f === undefined ? undefined : formatMoney(parseMoney(f, d)); };
  const accepted: [string, '.' | ',', string][] = [
    ['1234.5', '.', '1234.50'], ['-12,00', ',', '-12.00'], ['+5', '.', '5.00'], ['.50', '.', '0.50'], ['12,00-', ',', '-12.00'], ['(1,234.50)', '.', '-1234.50'],
    ['- 1 250,00', ',', '-1250.00'], ['\u221212,00', ',', '-12.00'], ['1.234.567,89', ',', '1234567.89'], ['1 234,56', ',', '1234.56'],
    ['1\u00a0234,56', ',', '1234.56'], ['1\u202f234,56', ',', '1234.56'], ["1'234.50", '.', '1234.50'], ['1,234', '.', '1234.00'],
    ['1 234,56 RUB', ',', '1234.56'], ['€ 12.00', '.', '12.00'], ['-12,00 ₽', ',', '-12.00'], ['-€12.00', '.', '-12.00'], ['USD 1,234.56', '.', '1234.56'], ['1 234,56 руб.', ',', '1234.56'],
  ];
  for (const [v, d, want] of accepted) assert.equal(read(v, d), want, `${v} with decimal "${d}"`);
  const refused: [string, '.' | ','][] = [
    ['1e30', '.'], ['1.2E5', '.'], ['12a3', '.'], ['0x10', '.'], ['1,2,3', ','], ['1,2,3', '.'], ['', '.'], ['-', '.'], ['12.', '.'],
    // Grouping only in threes and with one separator; the other mark is never the fraction.
    ['1 2 3', ','], ['12 34,00', ','], ['1 234.567,00', ','], ['12.50', ','], ['1,5', '.'],
    // One sign, one currency, nothing else beside the figure.
    ['(-12)', '.'], ['+-5', '.'], ['EUR 12 EUR', '.'], ['12 eur', '.'], ['12 EURO', '.'], ['~12', '.'],
  ];
  for (const [v, d] of refused) assert.equal(plainDecimal(v, d), undefined, `${JSON.stringify(v)} with decimal "${d}"`);
});

test('a metadata line right above a one-row header stays metadata; blank lines above the header are skipped', () => {
  for (const text of ['Выписка по счету 40702810400000012345\nDate;Amount;Description\n01.11.2026;1,00;x\n', '\n\nВыписка по счету 40702810400000012345\n\n\nDate;Amount;Description\n\n01.11.2026;1,00;x\n']) {
    const [st] = parseText(text);
    assert.deepEqual([st!.account, st!.currency, st!.entries.map((e) => [e.amount, e.text])], ['40702810400000012345', 'RUB', [[m('1'), 'x']]]);
  }
});
