// Counterparties and what binds the business to them: contracts, invoices, and proposals for new ones.
import { z } from 'zod';
import { defineKind } from '../kind.ts';
import { amount, confidential, currency, date, datetime, email, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';
import { linkTarget } from '../properties.ts';

export const counterparty = defineKind({
  kind: 'counterparty',
  title: 'Counterparty',
  description: 'A client, supplier, bank or authority. Mail, payments and chats are linked to it by address, domain, tax id, account or alias.',
  folderSetting: 'folder_counterparties',
  defaultFolder: 'Counterparties',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    name: nonEmpty,
    aliases: z.array(z.string()).default([]),
    relationship: z.enum(['client', 'supplier', 'partner', 'bank', 'authority', 'employee', 'other']).default('other'),
    status: z.enum(['active', 'inactive']).default('active'),
    emails: z.array(email).default([]),
    domains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com')).default([]),
    tax_id: z.string().optional(),
    accounts: z.array(z.string()).default([]),
    telegram: z.array(z.string()).default([]),
    phone: z.string().optional(),
    /** Confidential notes, and everything linked to them, never go to a cloud model. */
    confidential,
  }),
  fileName: (fm) => safeFileName(fm.name),
});

export const contract = defineKind({
  kind: 'contract',
  title: 'Contract',
  description: 'An agreement with a counterparty: its term, renewal and notice period, so expiries are raised in time.',
  folderSetting: 'folder_contracts',
  defaultFolder: 'Contracts',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    title: nonEmpty,
    counterparty: wikilink,
    number: z.string().optional(),
    status: z.enum(['draft', 'active', 'expired', 'terminated']).default('active'),
    signed: date.optional(),
    start: date.optional(),
    end: date.optional(),
    auto_renew: z.boolean().default(false),
    notice_days: z.number().int().nonnegative().optional(),
    amount: amount.optional(),
    currency: currency.optional(),
    confidential,
  }),
  fileName: (fm) => safeFileName(`${linkTarget(fm.counterparty) ?? 'Unknown'} - ${fm.title}`),
});

export const invoice = defineKind({
  kind: 'invoice',
  title: 'Invoice',
  description: 'An invoice issued or received, from the accounting system or written by hand; reconciled against the bank.',
  folderSetting: 'folder_invoices',
  defaultFolder: 'Invoices',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    number: nonEmpty,
    direction: z.enum(['incoming', 'outgoing']),
    counterparty: wikilink,
    issued: date,
    due: date.optional(),
    amount,
    currency,
    status: z.enum(['open', 'paid', 'partly_paid', 'cancelled']).default('open'),
    contract: wikilink.optional(),
    paid_on: date.optional(),
  }),
  fileName: (fm) => safeFileName(`${fm.issued} ${fm.direction === 'incoming' ? 'In' : 'Out'} ${fm.number} ${linkTarget(fm.counterparty) ?? ''}`),
});

export const proposal = defineKind({
  kind: 'proposal',
  title: 'Proposal',
  description: 'A suggested new counterparty or contract, prefilled from the data and reviewed in bulk; not a decision.',
  folderSetting: 'folder_proposals',
  defaultFolder: 'Proposals',
  owner: 'companion',
  otherSideMay: ['status', 'comment', 'proposed_name', 'relationship'],
  schema: z.object({
    proposal_type: z.enum(['counterparty', 'contract']),
    /** Stable key of what was seen (`domain:acme.com`, `inn:7707083893`): one proposal per key, ever. */
    finding_key: nonEmpty,
    proposed_name: nonEmpty,
    status: z.enum(['open', 'accepted', 'rejected']).default('open'),
    created: datetime,
    source: z.enum(['mail', 'statements', 'chats', 'bootstrap', 'other']),
    relationship: z.enum(['client', 'supplier', 'partner', 'bank', 'authority', 'employee', 'other']).optional(),
    emails: z.array(email).default([]),
    domains: z.array(z.string()).default([]),
    tax_id: z.string().optional(),
    accounts: z.array(z.string()).default([]),
    telegram: z.array(z.string()).default([]),
    evidence: z.array(wikilink).default([]),
    comment: z.string().optional(),
  }),
  fileName: (fm) => safeFileName(`${fm.proposal_type === 'counterparty' ? 'Counterparty' : 'Contract'} - ${fm.proposed_name} ${shortHash(fm.finding_key, 6)}`),
});
