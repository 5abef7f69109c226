// Counterparties and what binds the business to them: contracts, invoices, and proposals for new ones.
import * as z from 'zod/mini';
import { addDays } from '../dates.ts';
import { defineKind } from '../kind.ts';
import { amount, confidential, currency, date, datetime, email, nonEmpty, wikilink } from '../properties.ts';
import { normaliseCompanyName, safeFileName, shortHash } from '../names.ts';
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
    aliases: z._default(z.array(z.string()), []),
    relationship: z._default(z.enum(['client', 'supplier', 'partner', 'bank', 'authority', 'employee', 'other']), 'other'),
    status: z._default(z.enum(['active', 'inactive']), 'active'),
    emails: z._default(z.array(email), []),
    domains: z._default(z.array(z.string().check(z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com'))), []),
    tax_id: z.optional(z.string()),
    accounts: z._default(z.array(z.string()), []),
    telegram: z._default(z.array(z.string()), []),
    phone: z.optional(z.string()),
    /** Confidential notes, and everything linked to them, never go to a cloud model. */
    confidential,
  }),
  fileName: (fm) => safeFileName(fm.name),
});

export const CONTRACT_PERIODS = ['week', 'month', 'quarter', 'year'] as const;

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
    number: z.optional(z.string()),
    status: z._default(z.enum(['draft', 'active', 'expired', 'terminated']), 'active'),
    signed: z.optional(date),
    start: z.optional(date),
    end: z.optional(date),
    auto_renew: z._default(z.boolean(), false),
    notice_days: z.optional(z.number().check(z.int(), z.nonnegative())),
    amount: z.optional(amount),
    currency: z.optional(currency),
    /** A recurring payment (rent, a subscription): this much every `period` from `first_due`, checked against the bank. */
    period_amount: z.optional(amount),
    period: z.optional(z.enum(CONTRACT_PERIODS)),
    first_due: z.optional(date),
    /** Who pays the recurring amount; by default the business pays a supplier and is paid by a client. */
    payer: z.optional(z.enum(['us', 'counterparty'])),
    confidential,
  }),
  fileName: (fm) => safeFileName(`${linkTarget(fm.counterparty) ?? 'Unknown'} - ${fm.title}`),
});

/** The day that matters for a contract: the last day to give notice when it renews by itself, else its end. */
export function contractDeadline(c: { end?: string; noticeDays?: number; autoRenew: boolean }): string | undefined {
  if (!c.end) return undefined;
  return c.autoRenew ? addDays(c.end, -(c.noticeDays ?? 0)) : c.end;
}

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
    due: z.optional(date),
    amount,
    currency,
    status: z._default(z.enum(['open', 'paid', 'partly_paid', 'cancelled']), 'open'),
    contract: z.optional(wikilink),
    paid_on: z.optional(date),
  }),
  fileName: (fm) => safeFileName(`${fm.issued} ${fm.direction === 'incoming' ? 'In' : 'Out'} ${fm.number} ${linkTarget(fm.counterparty) ?? ''}`),
});

/**
 * `email:`, `domain:`, `tax:`, `account:`, `telegram:`, `contract:` and `name:` followed by the normalised
 * value. A name (legal form and quotes dropped) is the weakest: it merges proposals, nothing more.
 */
export const IDENTIFIER_RE = /^(email|domain|tax|account|telegram|contract|name):\S.*$/;

/** The `name:` identifier of a firm's name. */
export function nameIdentifier(name: string): string | undefined {
  const n = normaliseCompanyName(name);
  return n.length >= 3 ? `name:${n}` : undefined;
}

/** ISO 13616 check of an IBAN (mod 97), so an unlabelled one in a text is taken only when it is real. */
export function validIban(raw: string): boolean {
  const s = raw.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/**
 * Identifiers a text states about its writer: a tax id after its label (ИНН, INN, USt-IdNr, VAT),
 * a Russian account after its label (р/с, расчётный счёт), a valid IBAN. `exclude` drops the
 * business's own (a mail quoting our details back). Only unambiguous findings: one tax id at most.
 */
export function identifiersInText(text: string, exclude: ReadonlySet<string> = new Set()): string[] {
  const taxes = new Set<string>();
  for (const m of text.matchAll(/(?:ИНН|INN)(?:\s*\/\s*КПП)?\s*[:№#]?\s*(\d{10}|\d{12})(?!\d)/giu)) taxes.add(`tax:${m[1]}`);
  for (const m of text.matchAll(/(?:USt-?Id(?:Nr)?\.?|VAT(?:\s*(?:ID|No\.?|number))?)\s*[:#]?\s*([A-Z]{2}\s?[0-9A-Z]{8,12})\b/g)) taxes.add(`tax:${m[1]!.replace(/\s/g, '')}`);
  const accounts = new Set<string>();
  for (const m of text.matchAll(/(?:р\/с|р\/сч|р\.\s?с\.|расч[её]тный\s+сч[её]т|сч[её]т\s+получателя)\s*[:№#]?\s*((?:\d[\s.]?){19}\d)(?!\d)/giu)) accounts.add(`account:${m[1]!.replace(/[\s.]/g, '')}`);
  for (const m of text.matchAll(/\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b/g)) if (validIban(m[1]!)) accounts.add(`account:${m[1]!.replace(/\s/g, '')}`);
  const foreignTax = [...taxes].filter((t) => !exclude.has(t));
  const foreignAccounts = [...accounts].filter((a) => !exclude.has(a));
  return [...(foreignTax.length === 1 ? foreignTax : []), ...(foreignAccounts.length <= 2 ? foreignAccounts : [])];
}

/** An account number or IBAN as it is compared: without spaces, dots and dashes, in capitals. */
export const accountKey = (a: string): string => a.replace(/[\s.-]/g, '').toUpperCase();

/** Every identifier of a counterparty (or a proposal of one), normalised, so two passes that saw one firm agree. */
export function identifiersOf(x: { emails?: readonly string[]; domains?: readonly string[]; tax_id?: string | undefined; accounts?: readonly string[]; telegram?: readonly string[] }): string[] {
  const out = new Set<string>();
  for (const e of x.emails ?? []) if (e.includes('@')) out.add(`email:${e.trim().toLowerCase()}`);
  for (const d of x.domains ?? []) if (d.trim()) out.add(`domain:${d.trim().toLowerCase().replace(/\.$/, '')}`);
  if (x.tax_id?.trim()) out.add(`tax:${x.tax_id.replace(/\s/g, '')}`);
  for (const a of x.accounts ?? []) if (a.trim()) out.add(`account:${accountKey(a)}`);
  for (const t of x.telegram ?? []) if (t.trim()) out.add(`telegram:@${t.trim().replace(/^@/, '').toLowerCase()}`);
  return [...out];
}

const relationship = z.enum(['client', 'supplier', 'partner', 'bank', 'authority', 'employee', 'other']);

export const proposal = defineKind({
  kind: 'proposal',
  title: 'Proposal',
  description: 'A suggested new counterparty or contract, prefilled from the data and reviewed in bulk; one per real-world thing, whatever identifiers it was seen by. Accepting creates the note.',
  folderSetting: 'folder_proposals',
  defaultFolder: 'Proposals',
  owner: 'companion',
  otherSideMay: ['status', 'comment', 'proposed_name', 'relationship', 'merge_into'],
  schema: z.object({
    proposal_type: z.enum(['counterparty', 'contract']),
    /** Key of what was first seen (`domain:acme.com`, `inn:7707083893`): one proposal per key, ever. */
    finding_key: nonEmpty,
    proposed_name: nonEmpty,
    status: z._default(z.enum(['open', 'accepted', 'rejected']), 'open'),
    created: datetime,
    source: z.enum(['mail', 'statements', 'chats', 'bootstrap', 'other']),
    relationship: z.optional(relationship),
    /** Every identifier seen (see IDENTIFIER_RE): a pass that sees any of them again merges into this proposal. */
    identifiers: z._default(z.array(z.string().check(z.regex(IDENTIFIER_RE, 'expected kind:value such as domain:acme.com'))), []),
    emails: z._default(z.array(email), []),
    domains: z._default(z.array(z.string()), []),
    tax_id: z.optional(z.string()),
    accounts: z._default(z.array(z.string()), []),
    telegram: z._default(z.array(z.string()), []),
    /** A contract proposal: the counterparty and the contract's own facts. */
    counterparty: z.optional(wikilink),
    contract_number: z.optional(z.string()),
    contract_start: z.optional(date),
    contract_end: z.optional(date),
    notice_days: z.optional(z.number().check(z.int(), z.nonnegative())),
    auto_renew: z.optional(z.boolean()),
    evidence: z._default(z.array(wikilink), []),
    comment: z.optional(z.string()),
    /** The owner's choice: accept into this existing counterparty instead of creating one. */
    merge_into: z.optional(wikilink),
    /** When the companion acted on the owner's answer, and what it did. */
    resolved_at: z.optional(datetime),
    resolution: z.optional(z.string()),
    /** The note accepting created or linked. */
    note: z.optional(wikilink),
  }),
  fileName: (fm) => safeFileName(`${fm.proposal_type === 'counterparty' ? 'Counterparty' : 'Contract'} - ${fm.proposed_name} ${shortHash(fm.finding_key, 6)}`),
});
