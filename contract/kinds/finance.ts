// Money: statements, the ledgers they feed, the cash position, rates and reconciliation.
import { z } from 'zod';
import { defineKind } from '../kind.ts';
import { amount, currency, date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');

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
    bank: z.string().optional(),
    currency,
    format: z.enum(STATEMENT_FORMATS),
    period_start: date,
    period_end: date,
    opening_balance: amount.optional(),
    closing_balance: amount.optional(),
    /** `ok`: opening + movements = closing exactly; `mismatch`: raised in the queue; `accepted`: a mismatch the owner accepted; `none`: no balances in the file. */
    balance_check: z.enum(['ok', 'mismatch', 'accepted', 'none']),
    transaction_count: z.number().int().nonnegative(),
    new_transactions: z.number().int().nonnegative(),
    /** CAMT.052 intraday: provisional, kept out of booked balances. */
    provisional: z.boolean().default(false),
    source_file: z.string(),
    source_hash: z.string(),
    imported: datetime,
    ledgers: z.array(wikilink).default([]),
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
    transaction_count: z.number().int().nonnegative(),
    inflow: amount,
    outflow: amount,
    closing_balance: amount.optional(),
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
    total_base: amount.optional(),
    runway_months: z.number().nonnegative().optional(),
    accounts: z.number().int().nonnegative(),
    stale_accounts: z.number().int().nonnegative().default(0),
    rates_note: wikilink.optional(),
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
    source: z.string().optional(),
  }),
  fileName: (fm) => `${fm.date} Rates`,
});

export const reconciliationReport = defineKind({
  kind: 'reconciliation_report',
  title: 'Reconciliation report',
  description: 'Bank transactions matched against invoices and accounting records, with what is left unmatched.',
  folderSetting: 'folder_reconciliation',
  defaultFolder: 'Finance/Reconciliation',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    period_start: date,
    period_end: date,
    generated: datetime,
    matched: z.number().int().nonnegative(),
    unmatched_bank: z.number().int().nonnegative(),
    unmatched_records: z.number().int().nonnegative(),
    needs_review: z.number().int().nonnegative().default(0),
  }),
  fileName: (fm) => `${fm.period_start} to ${fm.period_end} Reconciliation`,
});
