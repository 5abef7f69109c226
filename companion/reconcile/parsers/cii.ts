// UN/CEFACT Cross Industry Invoice: D16B `CrossIndustryInvoice` under whatever guideline it names
// (EN 16931, Factur-X/ZUGFeRD 2 profiles, XRechnung, non-standard IDs alike), and ZUGFeRD 1.0
// `CrossIndustryDocument`, whose elements carry other names for the same terms. Read: BT-1 number, BT-2
// issue date (format 102), BT-3 type, BT-5 currency, BT-9 due date, BT-12 contract, BT-13 order,
// BT-25 preceding invoice, BT-83 remittance reference, BT-84 payee accounts (and the debtor's account for
// a direct debit), names, VAT ids (scheme VA, else FC, else the legal registration), countries, and
// the monetary summation: DuePayableAmount (BT-115), GrandTotalAmount (BT-112), TotalPrepaidAmount
// (BT-113), RoundingAmount (BT-114), TaxBasisTotalAmount (BT-109), TaxTotalAmount in the invoice
// currency (BT-110). The totals must agree (BR-CO-16) or the document is refused.
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';
import {
  CREDIT_NOTE_CODES, accountsOf, all, amount, child, clean, isoDate, optAmount, party, requiredDate, settle, taxIdOf, text, tidy, xmlTree,
  type XNode,
} from './common.ts';

export const CII_NS = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
export const ZUGFERD1_NS = 'urn:ferd:CrossIndustryDocument:invoice:1p0';
const FORMAT = 'cii';
// Embedded attachments (a whole PDF as base64 in one element) are never kept.
const SKIP = new Set(['AttachmentBinaryObject']);

/** Element names per generation: D16B first, ZUGFeRD 1.0 second. */
const NAMES = {
  context: ['ExchangedDocumentContext', 'SpecifiedExchangedDocumentContext'],
  header: ['ExchangedDocument', 'HeaderExchangedDocument'],
  transaction: ['SupplyChainTradeTransaction', 'SpecifiedSupplyChainTradeTransaction'],
  agreement: ['ApplicableHeaderTradeAgreement', 'ApplicableSupplyChainTradeAgreement'],
  settlement: ['ApplicableHeaderTradeSettlement', 'ApplicableSupplyChainTradeSettlement'],
  summation: ['SpecifiedTradeSettlementHeaderMonetarySummation', 'SpecifiedTradeSettlementMonetarySummation'],
} as const;

function pick(node: XNode | undefined, names: readonly string[]): XNode | undefined {
  for (const n of names) {
    const c = child(node, n);
    if (c) return c;
  }
  return undefined;
}

/** A referenced document's id: `IssuerAssignedID` in D16B, `ID` in ZUGFeRD 1.0. */
const refId = (n: XNode | undefined) => clean(text(n, 'IssuerAssignedID') ?? text(n, 'ID'));

function partyOf(p: XNode | undefined): Party {
  if (!p) return {};
  const regs = all(p, 'SpecifiedTaxRegistration', 'ID');
  const byScheme = (s: string) => regs.find((r) => (r.attrs.schemeID ?? '').toUpperCase() === s)?.text;
  return party({
    name: clean(text(p, 'Name')),
    taxId: taxIdOf(byScheme('VA'), byScheme('FC'), text(p, 'SpecifiedLegalOrganization', 'ID'), ...regs.map((r) => r.text)),
    country: text(p, 'PostalTradeAddress', 'CountryID')?.toUpperCase(),
  });
}

/** Parses one CII invoice (D16B or ZUGFeRD 1.0). `ref` names the source in errors and in `sourceRef`. */
export function parseCii(xml: string | Iterable<string>, ref: string, source: 'cii' | 'facturx' = 'cii'): InvoiceDoc[] {
  const root = xmlTree(typeof xml === 'string' ? [xml] : xml, ref, FORMAT, SKIP);
  const known = (root.name === 'CrossIndustryInvoice' && root.uri === CII_NS) || (root.name === 'CrossIndustryDocument' && root.uri === ZUGFERD1_NS);
  if (!known) throw new InvoiceFormatError(`${ref}: not a Cross Industry Invoice (root <${root.name}> in ${root.uri || 'no namespace'})`, FORMAT);
  const header = pick(root, NAMES.header);
  const tx = pick(root, NAMES.transaction);
  const agreement = pick(tx, NAMES.agreement);
  const settlement = pick(tx, NAMES.settlement);
  if (!header || !settlement) throw new InvoiceFormatError(`${ref}: no ${header ? 'trade settlement' : 'document header (ExchangedDocument)'}`, FORMAT);
  const number = clean(text(header, 'ID'));
  if (!number) throw new InvoiceFormatError(`${ref}: the document has no number (ExchangedDocument/ID, BT-1)`, FORMAT);
  const issued = requiredDate(text(header, 'IssueDateTime', 'DateTimeString'), 'the issue date (IssueDateTime, BT-2)', ref, FORMAT);
  const code = text(header, 'TypeCode') ?? '380';
  const currency = text(settlement, 'InvoiceCurrencyCode')?.toUpperCase();
  if (!currency || !/^[A-Z]{3}$/.test(currency)) throw new InvoiceFormatError(`${ref}: no invoice currency (InvoiceCurrencyCode, BT-5)`, FORMAT);

  const sum = pick(settlement, NAMES.summation);
  if (!sum) throw new InvoiceFormatError(`${ref}: no monetary summation`, FORMAT);
  // ZUGFeRD 1.0 may repeat an amount per currency: the one in the invoice currency (or without one) counts.
  const inCurrency = (name: string) => {
    const nodes = all(sum, name);
    return (nodes.find((n) => (n.attrs.currencyID ?? '').toUpperCase() === currency) ?? nodes.find((n) => !n.attrs.currencyID))?.text.trim();
  };
  const dueText = inCurrency('DuePayableAmount');
  if (dueText === undefined) throw new InvoiceFormatError(`${ref}: no amount due (DuePayableAmount, BT-115)`, FORMAT);
  const payable = amount(dueText, 'DuePayableAmount (BT-115)', ref, FORMAT);
  const opt = (name: string, bt: string) => optAmount(inCurrency(name), `${name} (${bt})`, ref, FORMAT);
  const grand = opt('GrandTotalAmount', 'BT-112');
  const prepaid = opt('TotalPrepaidAmount', 'BT-113');
  const rounding = opt('RoundingAmount', 'BT-114');
  const net = opt('TaxBasisTotalAmount', 'BT-109');
  const vat = opt('TaxTotalAmount', 'BT-110');
  if (grand !== undefined && grand - (prepaid ?? 0n) + (rounding ?? 0n) !== payable) {
    throw new InvoiceFormatError(`${ref}: the totals disagree: DuePayableAmount ${dueText} is not GrandTotalAmount ${inCurrency('GrandTotalAmount')} less TotalPrepaidAmount ${inCurrency('TotalPrepaidAmount') ?? '0'} plus RoundingAmount ${inCurrency('RoundingAmount') ?? '0'} (EN 16931 BR-CO-16)`, FORMAT);
  }

  const means = all(settlement, 'SpecifiedTradeSettlementPaymentMeans');
  const seller = partyOf(child(agreement, 'SellerTradeParty'));
  const buyer = partyOf(child(agreement, 'BuyerTradeParty'));
  const sellerAccounts = accountsOf(means.flatMap((m) => [text(m, 'PayeePartyCreditorFinancialAccount', 'IBANID'), text(m, 'PayeePartyCreditorFinancialAccount', 'ProprietaryID')]));
  if (sellerAccounts) seller.accounts = sellerAccounts;
  const buyerAccounts = accountsOf(means.map((m) => text(m, 'PayerPartyDebtorFinancialAccount', 'IBANID')));
  if (buyerAccounts) buyer.accounts = buyerAccounts;
  const due = all(settlement, 'SpecifiedTradePaymentTerms').map((t) => isoDate(text(t, 'DueDateDateTime', 'DateTimeString'))).find((d) => d);
  const refersTo = [...new Set(all(settlement, 'InvoiceReferencedDocument').map(refId).filter((x): x is string => !!x))];

  const out: InvoiceDoc = tidy({
    source,
    ...settle(CREDIT_NOTE_CODES.has(code) ? 'credit_note' : 'invoice', { payable, prepaid, vat, net }),
    number,
    issued,
    due,
    currency,
    seller,
    buyer,
    refersTo,
    contractNumber: refId(child(agreement, 'ContractReferencedDocument')),
    orderNumber: refId(child(agreement, 'BuyerOrderReferencedDocument')),
    paymentReference: clean(text(settlement, 'PaymentReference')),
    sourceRef: ref,
  });
  return [out];
}
