import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { InvoiceFormatError, type InvoiceDoc } from '../types.ts';
import { parseCii } from './cii.ts';
import { parseUbl } from './ubl.ts';

const m = (s: string) => parseMoney(s);
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/invoices');
const read = (dir: string, f: string) => readFileSync(join(FIXTURES, dir, f), 'utf8');

function cii(o: { code?: string; due?: string; grand?: string; prepaid?: string; rounding?: string; taxes?: string; guideline?: string; regs?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>${o.guideline ?? 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0'}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>R-2026-17</ram:ID><ram:TypeCode>${o.code ?? '380'}</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20261105</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name><ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>${o.regs ?? '<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>'}</ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Kunden AG</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">987654321</ram:ID></ram:SpecifiedLegalOrganization></ram:BuyerTradeParty>
      <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-9</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
      <ram:ContractReferencedDocument><ram:IssuerAssignedID>K-1</ram:IssuerAssignedID></ram:ContractReferencedDocument>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:PaymentReference>R-2026-17</ram:PaymentReference>
      <ram:TaxCurrencyCode>CHF</ram:TaxCurrencyCode>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE12 1234 4321 9876 00</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradePaymentTerms><ram:Description>14 Tage netto</ram:Description>${o.due ?? '<ram:DueDateDateTime><udt:DateTimeString format="102">20261119</udt:DateTimeString></ram:DueDateDateTime>'}</ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>100.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
        ${o.taxes ?? '<ram:TaxTotalAmount currencyID="CHF">18.50</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>'}
        ${o.rounding ? `<ram:RoundingAmount>${o.rounding}</ram:RoundingAmount>` : ''}
        <ram:GrandTotalAmount>${o.grand ?? '119.00'}</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount>${o.prepaid ?? '0.00'}</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount>119.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
      <ram:InvoiceReferencedDocument><ram:IssuerAssignedID>R-2026-11</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;
}

test('a D16B invoice under any guideline: the terms read, VAT in the invoice currency, the VAT id before the tax number', () => {
  assert.deepEqual(parseCii(cii(), 'x.xml')[0], {
    source: 'cii', type: 'invoice', total: m('119'), vat: m('19'), net: m('100'), number: 'R-2026-17', issued: '2026-11-05', due: '2026-11-19', currency: 'EUR',
    seller: { name: 'Lieferant GmbH', taxId: 'DE123456789', country: 'DE', accounts: ['DE1212344321987600'] },
    buyer: { name: 'Kunden AG', taxId: '987654321' },
    refersTo: ['R-2026-11'], contractNumber: 'K-1', orderNumber: 'PO-9', paymentReference: 'R-2026-17', sourceRef: 'x.xml',
  });
  assert.equal(parseCii(cii({ guideline: 'urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic' }), 'x.xml')[0]!.total, m('119'));
  assert.equal(parseCii(cii({ regs: '<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>' }), 'x.xml')[0]!.seller.taxId, '201/113/40209');
  assert.equal(parseCii(cii({ code: '381' }), 'x.xml')[0]!.type, 'credit_note');
});

test('the monetary summation must agree, and must say what is due', () => {
  assert.equal(parseCii(cii({ grand: '119.01', rounding: '-0.01' }), 'r.xml')[0]!.total, m('119'));
  const [p] = parseCii(cii({ grand: '169.00', prepaid: '50.00' }), 'p.xml');
  assert.deepEqual([p!.total, p!.prepaid], [m('169'), m('50')]);
  assert.throws(() => parseCii(cii({ grand: '120.00' }), 'bad.xml'), (e: unknown) => e instanceof InvoiceFormatError && /^bad\.xml: the totals disagree: DuePayableAmount 119\.00 is not GrandTotalAmount 120\.00/.test(e.message));
  assert.throws(() => parseCii(cii().replace(/<ram:DuePayableAmount>.*<\/ram:DuePayableAmount>/, ''), 'nodue.xml'), /nodue\.xml: no amount due \(DuePayableAmount, BT-115\)/);
  assert.throws(() => parseCii(cii().replace('20261105', '2026-11-05x'), 'd.xml'), /d\.xml: the issue date \(IssueDateTime, BT-2\) "2026-11-05x" is not a date/);
  assert.throws(() => parseCii('<CrossIndustryInvoice xmlns="urn:example"/>', 'o.xml'), /o\.xml: not a Cross Industry Invoice \(root <CrossIndustryInvoice> in urn:example\)/);
  assert.equal(parseCii(cii({ due: '' }), 'x.xml')[0]!.due, undefined);
});

test('the same invoice in UBL and in CII reads the same', () => {
  const core = (d: InvoiceDoc) => ({ type: d.type, number: d.number, issued: d.issued, due: d.due, currency: d.currency, total: d.total, vat: d.vat, net: d.net, prepaid: d.prepaid,
    seller: d.seller.taxId, buyer: d.buyer.taxId, contract: d.contractNumber, order: d.orderNumber, ref: d.paymentReference });
  assert.deepEqual(core(parseCii(read('cii', 'CII_example2.xml'), 'c')[0]!), core(parseUbl(read('ubl', 'ubl-tc434-example2.xml'), 'u')[0]!));
  assert.deepEqual(core(parseCii(read('cii', 'EN16931_Rechnungskorrektur.cii.xml'), 'c')[0]!), core(parseUbl(read('ubl', 'EN16931_Rechnungskorrektur.ubl.xml'), 'u')[0]!));
});

test('ZUGFeRD 1.0 CrossIndustryDocument: the older element names for the same terms', () => {
  const [d] = parseCii(read('cii', 'zugferd-comfort.xml'), 'zf1.xml');
  assert.deepEqual([d!.number, d!.issued, d!.due, d!.total, d!.vat, d!.paymentReference, d!.seller.accounts], ['471102', '2013-03-05', '2013-04-04', m('529.87'), m('56.87'), '2013-471102', ['DE08700901001234567890']]);
});
