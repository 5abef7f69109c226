// Money: statements, the ledgers they feed, the cash position, rates and reconciliation.
import * as z from 'zod/mini';
import { defineKind } from '../kind.ts';
import { amount, currency, date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';
import { linkTarget } from '../properties.ts';

const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM'));

export const STATEMENT_FORMATS = ['1c', 'camt.053', 'camt.052', 'mt940', 'ofx', 'csv'] as const;

export const bankStatement = defineKind({
  kind: 'bank_statement',
  title: 'Bank statement',
  description: 'One imported statement: summary, balances and its transactions (at most 500 rows, the ledgers hold the rest).',
  folderSetting: 'folder_statements',
  defaultFolder: 'Finance/Statements',
  owner: 'companion',
  otherSideMay: ['tags'],
  schema: z.object({
    account: nonEmpty,
    bank: z.optional(z.string()),
    currency,
    format: z.enum(STATEMENT_FORMATS),
    period_start: date,
    period_end: date,
    opening_balance: z.optional(amount),
    closing_balance: z.optional(amount),
    /** `ok`: opening + movements = closing exactly; `mismatch`: raised in the queue; `accepted`: a mismatch the owner accepted; `none`: no balances in the file. */
    balance_check: z.enum(['ok', 'mismatch', 'accepted', 'none']),
    transaction_count: z.number().check(z.int(), z.nonnegative()),
    new_transactions: z.number().check(z.int(), z.nonnegative()),
    /** CAMT.052 intraday: provisional, kept out of booked balances. */
    provisional: z._default(z.boolean(), false),
    source_file: z.string(),
    source_hash: z.string(),
    imported: datetime,
    ledgers: z._default(z.array(wikilink), []),
  }),
  fileName: (fm) => safeFileName(`${fm.period_end} ${fm.account} ${fm.format}`, 70) + ' ' + shortHash(fm.source_hash, 6),
});

export const accountLedger = defineKind({
  kind: 'account_ledger',
  title: 'Account ledger',
  description: 'Every booked transaction of one account in one month: the source of truth the state caches are rebuilt from.',
  folderSetting: 'folder_ledgers',
  defaultFolder: 'Finance/Ledgers',
  owner: 'companion',
  otherSideMay: ['tags'],
  schema: z.object({
    account: nonEmpty,
    currency,
    month,
    transaction_count: z.number().check(z.int(), z.nonnegative()),
    inflow: amount,
    outflow: amount,
    closing_balance: z.optional(amount),
    updated: datetime,
  }),
  fileName: (fm) => `${safeFileName(fm.account)}/${fm.month}`,
});

export const cashPosition = defineKind({
  kind: 'cash_position',
  title: 'Cash position',
  description: 'Balance per account and currency, changes, flows over 30 and 90 days, freshness and runway; recomputed on every statement.',
  folderSetting: 'folder_finance',
  defaultFolder: 'Finance',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    as_of: datetime,
    base_currency: currency,
    /** Absent when a currency has no rate in a dated exchange-rates note. */
    total_base: z.optional(amount),
    runway_months: z.optional(z.number().check(z.nonnegative())),
    accounts: z.number().check(z.int(), z.nonnegative()),
    stale_accounts: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    rates_note: z.optional(wikilink),
  }),
  singleton: true,
  fileName: () => 'Cash position',
});

export const exchangeRates = defineKind({
  kind: 'exchange_rates',
  title: 'Exchange rates',
  description: 'Rates on a date into the base currency, one table row per currency (`currency | rate`).',
  folderSetting: 'folder_rates',
  defaultFolder: 'Finance/Rates',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    date,
    base_currency: currency,
    source: z.optional(z.string()),
  }),
  fileName: (fm) => `${fm.date} Rates`,
});

export const reconciliationReport = defineKind({
  kind: 'reconciliation_report',
  title: 'Reconciliation report',
  description: 'One period\'s bank transactions matched against invoices and contracts: matched, unmatched bank rows, invoices unpaid, due within 7 days and overdue both ways, differences and missed recurring payments.',
  folderSetting: 'folder_reconciliation',
  defaultFolder: 'Finance/Reconciliation',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    period_start: date,
    period_end: date,
    generated: datetime,
    matched: z.number().check(z.int(), z.nonnegative()),
    unmatched_bank: z.number().check(z.int(), z.nonnegative()),
    unmatched_records: z.number().check(z.int(), z.nonnegative()),
    needs_review: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    due_soon: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    overdue_incoming: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    overdue_outgoing: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    differences: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    missed_payments: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  }),
  fileName: (fm) => `${fm.period_start} to ${fm.period_end} Reconciliation`,
});

export const INVOICE_RECORD_STATUSES = ['open', 'partly_paid', 'paid', 'credited', 'cancelled'] as const;
export const INVOICE_SOURCES = ['ubl', 'cii', 'facturx', 'commerceml', 'csv', 'odata', 'mail', 'note'] as const;

export const invoiceRecord = defineKind({
  kind: 'invoice_record',
  title: 'Invoice record',
  description: 'An invoice or credit note as the companion knows it (from mail, an e-invoice, an accounting export or feed, or your own invoice note) with what the bank has paid on it. Your invoice notes are never written: their paid status is kept here, beside them.',
  folderSetting: 'folder_invoice_records',
  defaultFolder: 'Finance/Invoices',
  owner: 'companion',
  // The owner may cancel one, correct its counterparty or due date; the companion keeps such a change.
  otherSideMay: ['tags', 'comment', 'status', 'counterparty', 'due'],
  schema: z.object({
    /** One record per real invoice, whatever number of sources told of it: direction, counterparty, number and year. */
    invoice_key: nonEmpty,
    number: nonEmpty,
    document: z._default(z.enum(['invoice', 'credit_note']), 'invoice'),
    /** `incoming`: received, the business pays it; `outgoing`: issued, the business is paid. */
    direction: z.enum(['incoming', 'outgoing']),
    counterparty: z.optional(wikilink),
    counterparty_name: z.optional(z.string()),
    counterparty_tax_id: z.optional(z.string()),
    issued: date,
    due: z.optional(date),
    amount,
    vat: z.optional(amount),
    /** Paid before the invoice, as it states (a prepayment): not asked of the bank again. */
    prepaid: z.optional(amount),
    currency,
    amount_paid: z._default(amount, 0),
    outstanding: amount,
    status: z._default(z.enum(INVOICE_RECORD_STATUSES), 'open'),
    /** Days past due while unpaid, as of the last run. */
    overdue_days: z.optional(z.number().check(z.int(), z.nonnegative())),
    paid_on: z.optional(date),
    contract: z.optional(wikilink),
    contract_number: z.optional(z.string()),
    /** A credit note: the invoices it reduces. */
    refers_to: z._default(z.array(z.string()), []),
    /** The most trusted source (an e-invoice over an export over the owner's note over a mail). */
    source: z.enum(INVOICE_SOURCES),
    /** Every source seen: `ubl:Import/x.xml`, `mail:Mail/2026/11/...md`. */
    sources: z._default(z.array(z.string()), []),
    source_hash: nonEmpty,
    /** The mail, attachment, owner's invoice note or import report it came from. */
    evidence: z._default(z.array(wikilink), []),
    /** The owner's invoice note this record stands beside. */
    note: z.optional(wikilink),
    /** Bank rows paying it: `<ledger path>#<row key>` (their amounts are in the body). */
    payments: z._default(z.array(z.string()), []),
  }),
  fileName: (fm) =>
    `${fm.issued.slice(0, 4)}/` + safeFileName(`${fm.issued} ${fm.direction === 'incoming' ? 'In' : 'Out'} ${fm.number} ${fm.counterparty_name ?? ''}`, 80) + ' ' + shortHash(fm.invoice_key, 6),
});

export const counterpartyBalance = defineKind({
  kind: 'counterparty_balance',
  title: 'Counterparty balance',
  description: 'Where the business stands with one counterparty: owed either way, overdue, last payment, next due; recomputed by reconciliation, never written into the counterparty note.',
  folderSetting: 'folder_balances',
  defaultFolder: 'Finance/Balances',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    counterparty: wikilink,
    /** The currency of the figures below (the counterparty's main one; others are in the body). */
    currency,
    /** They owe the business. */
    receivable: amount,
    /** The business owes them. */
    payable: amount,
    overdue_receivable: z._default(amount, 0),
    overdue_payable: z._default(amount, 0),
    open_invoices: z.number().check(z.int(), z.nonnegative()),
    last_payment: z.optional(date),
    last_payment_amount: z.optional(amount),
    next_due: z.optional(date),
    next_due_amount: z.optional(amount),
    as_of: date,
  }),
  fileName: (fm) => safeFileName(linkTarget(fm.counterparty) ?? 'Unknown'),
});

export const reconciliationAct = defineKind({
  kind: 'reconciliation_act',
  title: 'Act of reconciliation',
  description: 'The two-sided statement of mutual settlements with one counterparty over a period (акт сверки): opening balance, every invoice and payment, closing balance; compared line by line with the counterparty\'s own act when it arrives.',
  folderSetting: 'folder_reconciliation',
  defaultFolder: 'Finance/Reconciliation',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    counterparty: wikilink,
    period_start: date,
    period_end: date,
    currency,
    /** Positive: the counterparty owes the business; negative: the business owes them. */
    opening_balance: amount,
    closing_balance: amount,
    generated: datetime,
    /** Their act this one was compared with, and how many lines differ. */
    their_act: z.optional(wikilink),
    differences: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  }),
  fileName: (fm) => `Acts/${safeFileName(`${linkTarget(fm.counterparty) ?? 'Unknown'} ${fm.period_start} to ${fm.period_end}`, 90)}`,
});

export const learnedRules = defineKind({
  kind: 'learned_rules',
  title: 'Learned rules',
  description: 'What the companion learned from your answers (which payer account or name is which counterparty, which payments match by amount alone), one table row per rule. Your own rules note of the same type overrides it; delete a row to unlearn it.',
  folderSetting: 'folder_rules',
  defaultFolder: 'AIOS/Rules',
  owner: 'companion',
  // The owner may delete rows: the table is the memory, read back on every run.
  otherSideMay: ['tags'],
  schema: z.object({
    rules_type: z.enum(['matching']),
    updated: datetime,
  }),
  singleton: true,
  fileName: () => 'Learned matching',
});
