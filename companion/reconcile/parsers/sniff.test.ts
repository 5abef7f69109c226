import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffStatement } from '../../statements/parsers/sniff.ts';
import { erpProfilesFromRules, matchRegisterHeader } from './csv-register.ts';
import { pdfShowsInvoice, sniffInvoice, sniffXmlRoot } from './sniff.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures');
const head = (rel: string) => readFileSync(join(FIXTURES, rel)).subarray(0, 65536);
const enc = (s: string) => new TextEncoder().encode(s);
const PROFILES = erpProfilesFromRules([{
  name: 'register', delimiter: 'semicolon', decimal: 'comma', number_column: 'Номер', date_column: 'Дата', total_column: 'Сумма', counterparty_column: 'Контрагент', direction: 'outgoing',
}]);
const REGISTER = enc('Номер;Дата;Контрагент;Сумма\nТД-1;05.11.2026;Вектор;122,00\nТД-2;06.11.2026;Вектор;10,00\n');

test('XML is told by its root element and namespace, whatever the file is called', () => {
  assert.equal(sniffInvoice(head('invoices/ubl/ubl-tc434-example1.xml'), 'a.txt'), 'ubl');
  assert.equal(sniffInvoice(head('invoices/ubl/ubl-tc434-creditnote1.xml'), 'a'), 'ubl');
  assert.equal(sniffInvoice(head('invoices/cii/CII_example2.xml'), 'a'), 'cii');
  assert.equal(sniffInvoice(head('invoices/cii/zugferd-comfort.xml'), 'a'), 'cii');
  assert.equal(sniffInvoice(head('invoices/commerceml/carono_orders.xml'), 'a'), 'commerceml', 'windows-1251');
  assert.equal(sniffInvoice(head('invoices/commerceml-built/invoices-2.10-utf8.xml'), 'a'), 'commerceml');
  assert.equal(sniffXmlRoot(enc('<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE x>\n<inv:Invoice xmlns:inv="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')), 'ubl');
  assert.equal(sniffXmlRoot(enc('\ufeff<sh:StandardBusinessDocument xmlns:sh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/></sh:StandardBusinessDocument>')), 'ubl');
  // The names alone are not enough: another vocabulary's Invoice, a CreditNote in the Invoice namespace.
  assert.equal(sniffXmlRoot(enc('<Invoice xmlns="http://www.example.com/erp"/>')), undefined);
  assert.equal(sniffXmlRoot(enc('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')), undefined);
  assert.equal(sniffXmlRoot(enc('<CrossIndustryInvoice/>')), undefined);
  assert.equal(sniffInvoice(head('statements/camt/camt053.v8.xml'), 'a.xml'), undefined, 'a bank statement');
});

test('a PDF: claimed when its first bytes show the embedded invoice, undecided when they do not; the whole file decides', () => {
  assert.equal(sniffInvoice(head('invoices/facturx/invoice_EN16931.pdf'), 'a.pdf'), 'facturx');
  assert.equal(sniffInvoice(head('invoices/facturx/zugferd_2p0_EN16931_Einfach.pdf'), 'a.pdf'), 'facturx');
  const late = 'invoices/facturx/ZUGFeRD_1p0_COMFORT_Rabatte.pdf';
  assert.equal(sniffInvoice(head(late), 'a.pdf'), 'pdf', 'its catalog and attachment sit after the first 64 KB');
  assert.ok(pdfShowsInvoice(readFileSync(join(FIXTURES, late))));
  assert.ok(!pdfShowsInvoice(enc('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF')));
});

test('a CSV is claimed only when an ERP profile fits its header', () => {
  assert.equal(sniffInvoice(REGISTER, 'r.csv', PROFILES), 'csv');
  assert.equal(sniffInvoice(REGISTER, 'r.csv'), undefined, 'no profiles, no claim');
  assert.equal(sniffInvoice(head('statements/csv/generic-semicolon.csv'), 's.csv', PROFILES), undefined);
  assert.equal(sniffInvoice(new Uint8Array(), 'e.csv', PROFILES), undefined);
  assert.equal(sniffInvoice(enc('Dear Anna,\nthe invoice is attached.\n'), 'm.txt', PROFILES), undefined);
});

test('the statements importer leaves an accounting CSV alone, and still claims bank CSVs', () => {
  assert.equal(sniffStatement(REGISTER), undefined, 'an invoice register is no bank statement');
  assert.equal(sniffStatement(head('statements/csv/alfa-bank.csv')), 'csv');
  assert.equal(sniffStatement(head('statements/csv/sber.csv')), 'csv', 'a two-row header');
  // No profile, but the columns a guess is confirmed with, or a column only banks write: the parser says what is missing.
  assert.equal(sniffStatement(enc('Дата;Сумма;Остаток;Описание\n02.11.2026;-12,50;987,50;Комиссия\n03.11.2026;100,00;1087,50;Поступление\n')), 'csv');
  assert.equal(sniffStatement(enc('Buchungstag;Wert;Umsatz;Text\n01.11.2026;01.11.2026;-12,50;Gebuehr\n02.11.2026;02.11.2026;100,00;Eingang\n')), 'csv');
  // The owner's bank profile makes its layout a statement.
  const mine = enc('Datum;Soll;Haben;Zweck\n01.11.2026;12,50;;Gebuehr\n02.11.2026;;100,00;Eingang\n');
  assert.equal(sniffStatement(mine), undefined);
  assert.equal(sniffStatement(mine, { csvProfiles: [{ name: 'mine', delimiter: ';', decimal: ',', dateFormat: 'DD.MM.YYYY', columns: { date: 'Datum', debit: 'Soll', credit: 'Haben', text: ['Zweck'] } }] }), 'csv');
  // A register the owner declared in the ERP profiles is never a statement, even when a bank profile would fit it.
  const both = enc('Date,Amount,Description,Invoice\n2026-11-05,122.00,Design,A-1\n2026-11-06,10.00,Print,A-2\n');
  assert.equal(sniffStatement(both), 'csv', 'fits generic-comma');
  const erp = erpProfilesFromRules([{ name: 'sales', delimiter: 'comma', decimal: 'point', date_format: 'YYYY-MM-DD', number_column: 'Invoice', date_column: 'Date', total_column: 'Amount', direction: 'outgoing', currency: 'EUR' }]);
  assert.equal(sniffStatement(both, { notStatement: (h) => matchRegisterHeader(h, erp) !== undefined }), undefined);
  // The owner's bank profiles cannot be read: any table is claimed so that the import reports why.
  assert.equal(sniffStatement(REGISTER, { anyCsv: true }), 'csv');
});
