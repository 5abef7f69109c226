// What the reconciliation module passes between its parts: invoice documents as their sources give them
// (an e-invoice, an accounting export, a mail, an owner's invoice note), and the matcher's inputs and
// answers. Plain data, no I/O.
import type { INVOICE_SOURCES, Money } from '../../contract/index.ts';

/** Where an invoice came from. */
export type InvoiceSource = (typeof INVOICE_SOURCES)[number];

export interface Party {
  name?: string;
  /** INN, VAT id, Steuernummer: as written, spaces removed. */
  taxId?: string;
  /** Account numbers or IBANs, spaces removed, upper case. */
  accounts?: string[];
  country?: string;
}

/** One invoice or credit note as its source states it. Amounts are exact (contract/money.ts). */
export interface InvoiceDoc {
  source: InvoiceSource;
  type: 'invoice' | 'credit_note';
  number: string;
  /** YYYY-MM-DD */
  issued: string;
  due?: string;
  /** ISO 4217 */
  currency: string;
  /** What the document asks to be paid, VAT included; a credit note's amount is positive (its type says it credits). */
  total: Money;
  vat?: Money;
  net?: Money;
  /** Paid before, as the document says (prepayments): the outstanding amount is total less this. */
  prepaid?: Money;
  seller: Party;
  buyer: Party;
  /** Numbers of the invoices a credit note or correction refers to. */
  refersTo?: string[];
  contractNumber?: string;
  orderNumber?: string;
  /** The remittance reference the document asks the payer to quote. */
  paymentReference?: string;
  /** Where in the source: `file.xml`, `file.xml#2`, an OData entity key, a mail note's path. */
  sourceRef: string;
}

/** Why a source could not give invoices: the quarantine reason names the file and this. */
export class InvoiceFormatError extends Error {
  constructor(
    message: string,
    readonly format?: string,
  ) {
    super(message);
  }
}

// ---- matching ----

/** A booked bank movement, as the ledger holds it. */
export type { BankRow } from '../core/bank.ts';

/** An invoice the matcher may pay off, with what is still open on it. */
export interface OpenInvoice {
  /** Stable id (the invoice record's note path or key). */
  id: string;
  number: string;
  /** incoming: the business pays it (money out); outgoing: the business is paid (money in). */
  direction: 'incoming' | 'outgoing';
  type: 'invoice' | 'credit_note';
  issued: string;
  due?: string;
  currency: string;
  total: Money;
  vat?: Money;
  /** Still to pay (total less what is matched already and prepaid). */
  outstanding: Money;
  /** The counterparty note, and its identifiers, for scoring. */
  counterparty?: string;
  counterpartyTaxId?: string;
  counterpartyAccounts?: string[];
  counterpartyName?: string;
  contractNumber?: string;
  /** A credit note: the numbers of the invoices it reduces (a payment may cover an invoice less its credit note). */
  refersTo?: string[];
  /** The remittance reference the invoice asks the payer to quote. */
  paymentReference?: string;
}

/** A rule that tells the matcher something about one counterparty: learned from the owner's answers, or written by the owner. */
export interface MatchRule {
  counterparty: string;
  /** The bank shows this counterparty under this account, tax id or payer name. */
  payerAccount?: string;
  payerTaxId?: string;
  payerName?: string;
  /** The owner confirmed amount-only matches for this counterparty: an equal amount may auto-match when it is the only candidate. */
  amountOnly?: boolean;
  /** Where the rule came from: `owner` (the matching rules note) wins over `learned`. */
  origin: 'owner' | 'learned';
}

export interface MatchConfig {
  /** At or above: matched without asking (when also clearly ahead of the next candidate). */
  high: number;
  /** Below: left unmatched. Between: asked. */
  low: number;
  /** The best must lead the second by this much to be matched without asking. */
  margin: number;
  /** Bank fees: an amount short by at most this fraction (and at most `feeMax`) still counts as paid. */
  feeFraction: number;
  feeMax: Money;
  /** Payments this many days before issue or after due (or issue, without a due date) score lower. */
  windowDays: number;
  /** Rate to convert `amount` of `from` into `to` on a date, for payments in another currency. */
  rate?: (from: string, to: string, date: string) => string | undefined;
  /** A payment converted at the dated rate may differ from the invoice by this fraction (the bank's own rate); 0.015 when absent. */
  fxFraction?: number;
}

/** A bank row paying off (part of) an invoice. */
export interface Allocation {
  rowKey: string;
  ledger: string;
  invoiceId: string;
  /** The part of the row that goes to this invoice, in the invoice's currency, unsigned. */
  amount: Money;
  score: number;
  /** What the score rests on: `reference 112`, `amount exact`, `tax id`, `date in window`... */
  why: string[];
}

export interface Candidate {
  /** One invoice, or several paid together. */
  invoiceIds: string[];
  /** What each of `invoiceIds` would get, in its currency, unsigned: the allocation an answer records. */
  amounts?: Money[];
  score: number;
  why: string[];
}

export interface MatchResult {
  auto: Allocation[];
  /** Rows with candidates between the thresholds: the owner decides. */
  review: { rowKey: string; ledger: string; candidates: Candidate[] }[];
  unmatchedRows: { rowKey: string; ledger: string }[];
}
