// What the risk scan reads (plain data gathered by read.ts from the vault, the ledgers and the state
// folder) and what it finds. The detectors are pure: the same input gives the same findings.
import type { Money } from '../../contract/index.ts';
import type { BankRow } from '../core/bank.ts';
import type { DecisionInput } from '../core/job.ts';

export const RISK_KINDS = ['contract_notice', 'invoice_overdue', 'duplicate_payment', 'unusual_payment', 'claim', 'low_cash', 'bank_details_changed', 'mail_deadline'] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

export interface ContractFact {
  path: string;
  /** The wikilink the item carries (`[[Bumaga Opt - Paper supply agreement]]`). */
  link: string;
  title: string;
  counterparty?: string;
  status: string;
  end?: string;
  noticeDays?: number;
  autoRenew: boolean;
}

export interface InvoiceFact {
  path: string;
  key: string;
  number: string;
  direction: 'incoming' | 'outgoing';
  counterparty?: string;
  party: string;
  issued: string;
  due?: string;
  outstanding: Money;
  currency: string;
  status: string;
}

export interface MessageFact {
  path: string;
  kind: 'mail_message' | 'chat_log';
  subject: string;
  /** Sender address (mail) or the chat's name. */
  from: string;
  fromName?: string;
  /** YYYY-MM-DD */
  date: string;
  category?: string;
  /** The category is sure: the owner set it, an owner's rule or a model gave it, or the learner was sure of it. */
  categorySure: boolean;
  status: string;
  counterparty?: string;
  threadKey: string;
  messageId: string;
  list: boolean;
  deadline?: string;
  bankAccount?: string;
  invoiceNumber?: string;
  contractNumber?: string;
  summary?: string;
  /** Groups of claim words in its subject and body (see messages.ts). */
  claimWords: number;
  /** Its subject or body announces changed bank details. */
  bankChange: boolean;
  /** A decision on the thread this message already links. */
  decision?: string;
}

export interface CounterpartyFact {
  link: string;
  name: string;
  relationship?: string;
  accounts: string[];
  taxId?: string;
  emails: string[];
  domains: string[];
}

export interface CashFact {
  path: string;
  asOf: string;
  base: string;
  totalBase?: number;
  runwayMonths?: number;
}

/** A decision the owner made on an earlier finding: what later scans remember. */
export interface DecisionMemory {
  path: string;
  kind: string;
  option: string;
  findingKey: string;
  date: string;
  contract?: string;
  counterparty?: string;
}

export interface RiskInput {
  today: string;
  base: string;
  contracts: ContractFact[];
  invoices: InvoiceFact[];
  messages: MessageFact[];
  counterparties: CounterpartyFact[];
  /** The booked payment rows (own transfers excluded) of the ledger months the scanned days touch, oldest first. */
  rows: BankRow[];
  /** The outgoing payments of the months before: what new payments are judged against. */
  pastOut: PastPayment[];
  /** First booked date of the ledgers per account: how far back "never paid before" can be said. */
  historyFrom: ReadonlyMap<string, string>;
  /** A row's amount in the base currency (undefined without any rate for its currency). */
  toBase: (amount: Money, currency: string, day: string) => number | undefined;
  cash?: CashFact;
  decisions: DecisionMemory[];
  /** Row keys the statements module already asked about as possible duplicates. */
  askedDuplicates: ReadonlySet<string>;
  /** Accounts the owner confirmed as a counterparty's (answers to bank_details_changed), and ones called fraud. */
  confirmedAccounts: ReadonlySet<string>;
  fraudAccounts: ReadonlySet<string>;
  /** The business's own mail addresses (mail from them is the owner's). */
  ownAddresses: ReadonlySet<string>;
  /** The day cash first fell under the floor in the current spell, if it has. */
  lowCashSince?: string;
}

/** An outgoing payment of an earlier month: whom (payments.ts payeeKey), from which account, when, and how much in the base currency. */
export interface PastPayment {
  payee: string;
  account: string;
  date: string;
  base: number;
}

export interface RiskConfig {
  contractHorizonDays: number;
  overdueGraceDays: number;
  duplicateWindowDays: number;
  newPayeeAmount: number;
  cashFloor: number;
  runwayMonths: number;
}

/** A finding: a decision item to raise, with the targets (notes, rows) it rests on. */
export interface Finding extends DecisionInput {
  kind: RiskKind;
  targets: string[];
}

/** How far back payments and messages are scanned; older ones were scanned when they were new. */
export const PAYMENT_DAYS = 14;
export const MESSAGE_DAYS = 30;
/** "Never paid before" needs this much of the ledger before the payment. */
export const MIN_HISTORY_DAYS = 60;
