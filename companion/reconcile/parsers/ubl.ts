// UBL 2.1 invoices and credit notes as EN 16931 (and Peppol BIS 3.0) defines them: `Invoice` and
// `CreditNote` roots, also inside an envelope (the first one found is read). Business terms read:
// BT-1 number, BT-2 issue date, BT-3 type, BT-5 currency, BT-9 due date (or the payment means' or
// terms' PaymentDueDate), BT-13 order, BT-12 contract, BT-25 preceding invoices, BT-83 remittance
// reference, BT-84 payee accounts (and a direct debit's payer account, BT-91), seller and buyer names
// (BT-27/BT-44, trading name as fallback), VAT ids (BT-31/BT-48, else legal registration BT-30/BT-47),
// countries, and the totals: BT-109 net, BT-110 VAT in the document currency, BT-112 gross, BT-113
// prepaid, BT-114 rounding, BT-115 payable. The totals must agree (BR-CO-16) or the document is refused.
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';
import {
  CREDIT_NOTE_CODES, accountsOf, all, amount, child, clean, find, isoDate, optAmount, party, requiredDate, settle, taxIdOf, text, tidy, xmlTree,
  type XNode,
} from './common.ts';

export const UBL_INVOICE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
export const UBL_CREDIT_NOTE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';
const FORMAT = 'ubl';
// Embedded attachments can be megabytes of base64: never kept.
const SKIP = new Set(['EmbeddedDocumentBinaryObject']);

function partyOf(p: XNode | undefined): Party {
  if (!p) return {};
  const schemes = all(p, 'PartyTaxScheme');
  const vat = schemes.find((s) => (text(s, 'TaxScheme', 'ID') ?? '').toUpperCase() === 'VAT');
  // A non-VAT scheme may hold a text ("Godkänd för F-skatt"): only something with a digit passes for an id.
  const other = schemes.map((s) => text(s, 'CompanyID')).find((v) => v !== undefined && /\d/.test(v));
  return party({
    name: clean(text(p, 'PartyLegalEntity', 'RegistrationName') ?? text(p, 'PartyName', 'Name')),
    taxId: taxIdOf(text(vat, 'CompanyID'), text(p, 'PartyLegalEntity', 'CompanyID'), other),
    country: text(p, 'PostalAddress', 'Country', 'IdentificationCode')?.toUpperCase(),
  });
}

/** Parses one UBL 2.1 invoice or credit note. `ref` names the source in errors and in `sourceRef`. */
export function parseUbl(xml: string | Iterable<string>, ref: string): InvoiceDoc[] {
  const tree = xmlTree(typeof xml === 'string' ? [xml] : xml, ref, FORMAT, SKIP);
  const doc = find(tree, 'Invoice', UBL_INVOICE_NS) ?? find(tree, 'CreditNote', UBL_CREDIT_NOTE_NS);
  if (!doc) throw new InvoiceFormatError(`${ref}: not a UBL 2.1 invoice or credit note (root <${tree.name}> in ${tree.uri || 'no namespace'})`, FORMAT);
  const isCreditRoot = doc.name === 'CreditNote';
  const number = clean(text(doc, 'ID'));
  if (!number) throw new InvoiceFormatError(`${ref}: the document has no number (cbc:ID, BT-1)`, FORMAT);
  const issued = requiredDate(text(doc, 'IssueDate'), 'the issue date (cbc:IssueDate, BT-2)', ref, FORMAT);
  const code = text(doc, isCreditRoot ? 'CreditNoteTypeCode' : 'InvoiceTypeCode') ?? (isCreditRoot ? '381' : '380');
  const currency = text(doc, 'DocumentCurrencyCode')?.toUpperCase();
  if (!currency || !/^[A-Z]{3}$/.test(currency)) throw new InvoiceFormatError(`${ref}: no document currency (cbc:DocumentCurrencyCode, BT-5)`, FORMAT);

  const lmt = child(doc, 'LegalMonetaryTotal');
  if (!lmt) throw new InvoiceFormatError(`${ref}: no totals (cac:LegalMonetaryTotal)`, FORMAT);
  const money = (name: string, bt: string) => optAmount(text(lmt, name), `${name} (${bt})`, ref, FORMAT);
  const payableText = text(lmt, 'PayableAmount');
  if (payableText === undefined) throw new InvoiceFormatError(`${ref}: no amount due (cbc:PayableAmount, BT-115)`, FORMAT);
  const payable = amount(payableText, 'PayableAmount (BT-115)', ref, FORMAT);
  const gross = money('TaxInclusiveAmount', 'BT-112');
  const net = money('TaxExclusiveAmount', 'BT-109');
  const prepaid = money('PrepaidAmount', 'BT-113');
  const rounding = money('PayableRoundingAmount', 'BT-114');
  if (gross !== undefined && gross - (prepaid ?? 0n) + (rounding ?? 0n) !== payable) {
    throw new InvoiceFormatError(`${ref}: the totals disagree: payable ${payableText} is not TaxInclusiveAmount ${text(lmt, 'TaxInclusiveAmount')} less PrepaidAmount ${text(lmt, 'PrepaidAmount') ?? '0'} plus PayableRoundingAmount ${text(lmt, 'PayableRoundingAmount') ?? '0'} (EN 16931 BR-CO-16)`, FORMAT);
  }
  // BT-110 is the TaxTotal in the document currency; a second one in the tax currency (BT-111) is not what is paid.
  const taxAmounts = all(doc, 'TaxTotal', 'TaxAmount');
  const inDocCurrency = taxAmounts.filter((t) => (t.attrs.currencyID ?? currency).toUpperCase() === currency);
  // When the tax currency is the document currency both may be there with the same figure: the first one counts.
  const vat = inDocCurrency.length ? amount(inDocCurrency[0]!.text, 'TaxTotal/TaxAmount (BT-110)', ref, FORMAT) : undefined;

  const means = all(doc, 'PaymentMeans');
  const due = isoDate(text(doc, 'DueDate'))
    ?? means.map((m) => isoDate(text(m, 'PaymentDueDate'))).find((d) => d)
    ?? all(doc, 'PaymentTerms').map((t) => isoDate(text(t, 'PaymentDueDate'))).find((d) => d);
  const seller = partyOf(child(doc, 'AccountingSupplierParty', 'Party'));
  const buyer = partyOf(child(doc, 'AccountingCustomerParty', 'Party'));
  const sellerAccounts = accountsOf(means.map((m) => text(m, 'PayeeFinancialAccount', 'ID')));
  if (sellerAccounts) seller.accounts = sellerAccounts;
  const buyerAccounts = accountsOf(means.map((m) => text(m, 'PaymentMandate', 'PayerFinancialAccount', 'ID')));
  if (buyerAccounts) buyer.accounts = buyerAccounts;
  const refersTo = [...new Set(all(doc, 'BillingReference', 'InvoiceDocumentReference', 'ID').map((n) => clean(n.text)).filter((x): x is string => !!x))];

  const out: InvoiceDoc = tidy({
    source: 'ubl',
    ...settle(isCreditRoot || CREDIT_NOTE_CODES.has(code) ? 'credit_note' : 'invoice', { payable, prepaid, vat, net }),
    number,
    issued,
    due,
    currency,
    seller,
    buyer,
    refersTo,
    contractNumber: clean(text(doc, 'ContractDocumentReference', 'ID')),
    orderNumber: clean(text(doc, 'OrderReference', 'ID')),
    paymentReference: means.map((m) => clean(text(m, 'PaymentID'))).find((x) => x),
    sourceRef: ref,
  });
  return [out];
}
