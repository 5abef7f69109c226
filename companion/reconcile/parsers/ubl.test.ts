import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { InvoiceFormatError } from '../types.ts';
import { parseUbl } from './ubl.ts';

const m = (s: string) => parseMoney(s);
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/invoices/ubl');

interface Opts { root?: 'Invoice' | 'CreditNote'; code?: string; payable?: string; gross?: string; prepaid?: string; rounding?: string; vat?: string; net?: string; extra?: string; due?: string }

function ubl(o: Opts = {}): string {
  const root = o.root ?? 'Invoice';
  const ns = `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${ns}" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>INV-7</cbc:ID>
  <cbc:IssueDate>2026-11-05</cbc:IssueDate>
  ${o.due ?? '<cbc:DueDate>2026-11-19</cbc:DueDate>'}
  <cbc:${root}TypeCode>${o.code ?? (root === 'Invoice' ? '380' : '381')}</cbc:${root}TypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:OrderReference><cbc:ID>PO-1</cbc:ID></cac:OrderReference>
  <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-6</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>
  <cac:ContractDocumentReference><cbc:ID>C-2026</cbc:ID></cac:ContractDocumentReference>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Nordlicht</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>de</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyTaxScheme><cbc:CompanyID>DE 123 456 789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Nordlicht   Design
      GmbH</cbc:RegistrationName><cbc:CompanyID>HRB 1</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Greenleaf GmbH</cbc:RegistrationName><cbc:CompanyID>HRB 2</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cbc:PaymentID>RF18 0000 7</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>de89 3704 0044 0532 0130 00</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  ${o.extra ?? ''}
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">${o.vat ?? '19.00'}</cbc:TaxAmount></cac:TaxTotal>
  <cac:TaxTotal><cbc:TaxAmount currencyID="SEK">210.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">${o.net ?? '100.00'}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">${o.gross ?? '119.00'}</cbc:TaxInclusiveAmount>
    ${o.prepaid ? `<cbc:PrepaidAmount currencyID="EUR">${o.prepaid}</cbc:PrepaidAmount>` : ''}
    ${o.rounding ? `<cbc:PayableRoundingAmount currencyID="EUR">${o.rounding}</cbc:PayableRoundingAmount>` : ''}
    <cbc:PayableAmount currencyID="EUR">${o.payable ?? '119.00'}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</${root}>`;
}

test('an EN 16931 invoice: every business term the reconciliation uses', () => {
  const [d] = parseUbl(ubl(), 'inv.xml');
  assert.deepEqual(d, {
    source: 'ubl', type: 'invoice', total: m('119'), vat: m('19'), net: m('100'), number: 'INV-7', issued: '2026-11-05', due: '2026-11-19', currency: 'EUR',
    seller: { name: 'Nordlicht Design GmbH', taxId: 'DE123456789', country: 'DE', accounts: ['DE89370400440532013000'] },
    buyer: { name: 'Greenleaf GmbH', taxId: 'HRB2' },
    refersTo: ['INV-6'], contractNumber: 'C-2026', orderNumber: 'PO-1', paymentReference: 'RF18 0000 7', sourceRef: 'inv.xml',
  });
});

test('credit notes: the CreditNote root, a credit type code, and a negative invoice for the absolute amount', () => {
  assert.equal(parseUbl(ubl({ root: 'CreditNote' }), 'cn.xml')[0]!.type, 'credit_note');
  assert.equal(parseUbl(ubl({ code: '381' }), 'cn.xml')[0]!.type, 'credit_note');
  const [neg] = parseUbl(ubl({ payable: '-119.00', gross: '-119.00', vat: '-19.00', net: '-100.00' }), 'neg.xml');
  assert.deepEqual([neg!.type, neg!.total, neg!.vat, neg!.net], ['credit_note', m('119'), m('19'), m('100')]);
  // A 384 correction states the difference: its sign decides what it is.
  assert.equal(parseUbl(ubl({ code: '384' }), 'k.xml')[0]!.type, 'invoice');
  assert.equal(parseUbl(ubl({ code: '384', payable: '-8.79', gross: '-8.79' }), 'k.xml')[0]!.type, 'credit_note');
  // A self-billed invoice (389) is an invoice the buyer wrote: still an invoice of the seller.
  assert.equal(parseUbl(ubl({ code: '389' }), 's.xml')[0]!.type, 'invoice');
});

test('prepaid and rounding: total less prepaid is the payable amount; totals that disagree refuse the document', () => {
  const [d] = parseUbl(ubl({ gross: '10835', prepaid: '834.9', rounding: '-0.10', payable: '10000' }), 'p.xml');
  assert.deepEqual([d!.total, d!.prepaid, d!.total - d!.prepaid!], [m('10834.90'), m('834.90'), m('10000')]);
  assert.throws(() => parseUbl(ubl({ gross: '119.00', payable: '100.00' }), 'bad.xml'), (e: unknown) =>
    e instanceof InvoiceFormatError && /^bad\.xml: the totals disagree: payable 100\.00 is not TaxInclusiveAmount 119\.00/.test(e.message));
});

test('the due date from the payment means or terms when the invoice has no DueDate', () => {
  const means = '<cac:PaymentTerms><cbc:Note>30 days</cbc:Note><cbc:PaymentDueDate>2026-12-05</cbc:PaymentDueDate></cac:PaymentTerms>';
  assert.equal(parseUbl(ubl({ due: '', extra: means }), 'd.xml')[0]!.due, '2026-12-05');
  assert.equal(parseUbl(ubl({ due: '' }), 'd.xml')[0]!.due, undefined);
});

test('what is not a UBL invoice is refused with the reason', () => {
  const reason = (xml: string) => { try { parseUbl(xml, 'x.xml'); return ''; } catch (e) { assert.ok(e instanceof InvoiceFormatError); return e.message; } };
  assert.match(reason('<Invoice xmlns="urn:example:other"/>'), /^x\.xml: not a UBL 2\.1 invoice or credit note \(root <Invoice> in urn:example:other\)/);
  assert.match(reason(ubl().replace('<cbc:ID>INV-7</cbc:ID>', '')), /no number \(cbc:ID, BT-1\)/);
  assert.match(reason(ubl().replace('2026-11-05', '2026-13-05')), /the issue date \(cbc:IssueDate, BT-2\) "2026-13-05" is not a date/);
  assert.match(reason(ubl({ payable: '1.19e2', gross: '119.00' })), /PayableAmount \(BT-115\) "1\.19e2" is not a plain decimal amount/);
  assert.match(reason(ubl().replace(/<cac:LegalMonetaryTotal>[\s\S]*<\/cac:LegalMonetaryTotal>/, '')), /no totals \(cac:LegalMonetaryTotal\)/);
});

test('an invoice inside a Peppol envelope (SBDH) is found', () => {
  const wrapped = `<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/>${ubl().replace(/^<\?xml[^>]*>/, '')}</StandardBusinessDocument>`;
  assert.equal(parseUbl(wrapped, 'sbdh.xml')[0]!.number, 'INV-7');
});

test('a real Peppol credit note written as a negative invoice reads like the credit note itself', () => {
  const read = (f: string) => parseUbl(readFileSync(join(FIXTURES, f), 'utf8'), f)[0]!;
  const note = read('BIS_Billing_30-Kreditering_med_kreditnota.xml'), negative = read('BIS_Billing_30-Kreditering_med_negativ_faktura.xml');
  const core = ({ type, total, vat, net, prepaid, number, refersTo }: typeof note) => ({ type, total, vat, net, prepaid, number, refersTo });
  assert.deepEqual(core(negative), core(note));
});
