import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { parseTables, tableRecords } from '../../../contract/markdown-table.ts';
import { InvoiceFormatError } from '../types.ts';
import { erpProfilesFromRules, matchRegisterHeader, parseCsvRegister, type ErpProfile } from './csv-register.ts';

const m = (s: string) => parseMoney(s);
const enc = (s: string) => new TextEncoder().encode(s);

/** The example profile of the template's rules note, read as the settings read it. */
function templateProfiles(): ErpProfile[] {
  const note = readFileSync(join(import.meta.dirname, '../../../vault-template/AIOS/Rules/ERP profiles.md'), 'utf8');
  return erpProfilesFromRules(tableRecords(parseTables(note)[0]!));
}

const REGISTER = [
  'Реестр документов за ноябрь 2026',
  'Номер;Дата;Срок оплаты;Контрагент;ИНН;Сумма;НДС;Вид документа',
  'ТД-000112;05.11.2026;15.11.2026;ООО «Вектор»;7812345678;86 400,00;15 580,33;Счет покупателю',
  '45;03.11.2026;13.11.2026;"АО ""Снабсервис""";7709876543;24400,00;4400,00;Счет от поставщика',
  'ТД-000007;10.11.2026;;ООО «Вектор»;7812345678;6100,00;1100,00;Возврат от покупателя',
  'ТД-000009;11.11.2026;;ИП Петров;500100732259;-1200,00;Без НДС;Корректировка реализации',
  ';;;Итого;;115 700,33;;',
].join('\r\n');

test('the template\'s example profile reads a register: direction and credit notes from the document kind', () => {
  const profiles = templateProfiles();
  assert.deepEqual(profiles.map((p) => [p.name, p.delimiter, p.decimal, p.currency]), [['example-1c-register', ';', ',', 'RUB']]);
  const docs = parseCsvRegister(enc(REGISTER), 'register.csv', profiles);
  assert.deepEqual(docs.map((d) => [d.number, d.type, d.issued, d.due, d.total, d.vat, d.seller.name ?? '', d.buyer.name ?? '', d.sourceRef]), [
    ['ТД-000112', 'invoice', '2026-11-05', '2026-11-15', m('86400'), m('15580.33'), '', 'ООО «Вектор»', 'register.csv#3'],
    ['45', 'invoice', '2026-11-03', '2026-11-13', m('24400'), m('4400'), 'АО "Снабсервис"', '', 'register.csv#4'],
    ['ТД-000007', 'credit_note', '2026-11-10', undefined, m('6100'), m('1100'), '', 'ООО «Вектор»', 'register.csv#5'],
    // A negative correction credits the buyer for the amount without its sign; "Без НДС" is no VAT.
    ['ТД-000009', 'credit_note', '2026-11-11', undefined, m('1200'), 0n, '', 'ИП Петров', 'register.csv#6'],
  ]);
  assert.equal(docs[0]!.buyer.taxId, '7812345678');
  assert.ok(docs.every((d) => d.source === 'csv' && d.currency === 'RUB'));
});

test('windows-1251 registers read the same', () => {
  // windows-1251 by hand: the letters А-я are 0xC0-0xFF, Ё and ё 0xA8 and 0xB8; the guillemets become quotes.
  const text = REGISTER.replace(/«([^»]*)»/g, "'$1'");
  const bytes = Buffer.from([...text].map((ch) => { const c = ch.codePointAt(0)!; return c >= 0x410 && c <= 0x44f ? c - 0x350 : c === 0x401 ? 0xa8 : c === 0x451 ? 0xb8 : c; }));
  const docs = parseCsvRegister(bytes, 'cp1251.csv', templateProfiles());
  assert.deepEqual(docs.map((d) => d.number), ['ТД-000112', '45', 'ТД-000007', 'ТД-000009']);
  assert.equal(docs[0]!.buyer.name, "ООО 'Вектор'");
});

test('rows that do not fit are refused naming the line and the value', () => {
  const p = templateProfiles();
  const head = 'Номер;Дата;Срок оплаты;Контрагент;ИНН;Сумма;НДС;Вид документа\n';
  const refusal = (rows: string) => { try { parseCsvRegister(enc(head + rows), 'r.csv', p); return ''; } catch (e) { assert.ok(e instanceof InvoiceFormatError); return e.message; } };
  assert.equal(refusal('1;05.11.2026;;X;;1e5;;Счет покупателю\n'), 'r.csv: line 2: total "1e5" is not a plain decimal (profile example-1c-register, decimal ",")');
  assert.equal(refusal('1;2026-11-05;;X;;100;;Счет покупателю\n'), 'r.csv: line 2: date "2026-11-05" does not match DD.MM.YYYY (profile example-1c-register)');
  assert.equal(refusal('1;05.11.2026;;X;;100;;Авансовый отчет\n'), 'r.csv: line 2: "Авансовый отчет" in column Вид документа is neither an outgoing nor an incoming document (profile example-1c-register)');
  assert.equal(refusal(';05.11.2026;;X;;100;;Счет покупателю\n'), 'r.csv: line 2: no document number (column Номер)');
  assert.equal(refusal('1;05.11.2026;;X;;;;Счет покупателю\n'), 'r.csv: line 2: no total (column Сумма)');
  assert.equal(refusal(''), 'r.csv: no documents under the header (profile example-1c-register)');
  assert.match(refusal('1;05.11.2026;;"X;;100;;Счет покупателю\n'), /^r\.csv: (line \d+: )?the record cannot be read as CSV/);
  assert.equal((() => { try { parseCsvRegister(enc('a;b;c\n1;2;3\n'), 'x.csv', p); return ''; } catch (e) { return (e as Error).message; } })(),
    'x.csv: no ERP profile matches the header (profiles: example-1c-register); add one to the "ERP profiles" rules note');
  assert.throws(() => parseCsvRegister(enc('a;b\n'), 'x.csv', []), /x\.csv: there are no ERP profiles/);
});

test('profiles from the rules note: a bad row is reported by its name', () => {
  const row = { name: 'sales', delimiter: 'comma', decimal: 'point', date_format: 'YYYY-MM-DD', number_column: 'No', date_column: 'Date', total_column: 'Total', direction: 'outgoing', currency_column: 'Cur' };
  const [p] = erpProfilesFromRules([row, { name: '' }]);
  assert.deepEqual([p!.delimiter, p!.decimal, p!.direction, p!.columns], [',', '.', 'outgoing', { number: 'No', date: 'Date', total: 'Total', currency: 'Cur' }]);
  const docs = parseCsvRegister(enc('No,Date,Total,Cur,Customer\nA-1,2026-11-05,"1,234.50",eur,Nordlicht\n'), 's.csv', [p!]);
  assert.deepEqual(docs.map((d) => [d.number, d.total, d.currency, d.seller, d.buyer]), [['A-1', m('1234.50'), 'EUR', {}, {}]]);
  assert.throws(() => erpProfilesFromRules([{ ...row, delimiter: 'space' }]), /ERP profile sales: delimiter "space"/);
  assert.throws(() => erpProfilesFromRules([{ ...row, total_column: '' }]), /ERP profile sales: total_column is empty/);
  assert.throws(() => erpProfilesFromRules([{ ...row, direction: 'sideways' }]), /direction "sideways" \(write outgoing or incoming\)/);
  assert.throws(() => erpProfilesFromRules([{ ...row, direction: '' }]), /say the direction \(outgoing or incoming\), or give kind_column/);
  assert.throws(() => erpProfilesFromRules([{ ...row, date_format: 'YY/MM' }]), /date_format "YY\/MM" is not supported/);
  assert.throws(() => erpProfilesFromRules([{ ...row, currency: 'dollars' }]), /currency "dollars" is not a currency code/);
  assert.throws(() => parseCsvRegister(enc('No,Date,Total,Cur\nA-1,2026-11-05,10.00,\n'), 's.csv', [p!]), /s\.csv: line 2: no currency/);
});

test('the header is found below metadata lines, in quotes, whatever the case', () => {
  const p = templateProfiles();
  assert.equal(matchRegisterHeader(enc('Отчет\n\n"номер";"ДАТА";Срок оплаты;Контрагент;ИНН;Сумма;НДС;Вид документа\n'), p)?.line, 3);
  assert.equal(matchRegisterHeader(enc('Номер;Дата;Сумма\n'), p), undefined);
  assert.equal(matchRegisterHeader(enc('Номер;Дата;Срок оплаты;Контрагент;ИНН;Сумма;НДС;Вид документа\n'), []), undefined);
});
