// Where invoices come from, placed: which way each goes (by the business's own identifiers) and which
// counterparty note it is with. An e-invoice or export names both parties; a mail's triage facts and the
// owner's invoice notes say it in their own way. Reads the index and notes, writes nothing.
import { identifiersOf, linkTarget, linkTo, linkToNote, moneyFromNumber, normaliseCompanyName, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import type { IndexEntry } from '../core/vault-index.ts';
import type { Found } from './records.ts';
import type { InvoiceDoc, Party } from './types.ts';

/** The business as its documents name it. */
export interface Own {
  ids: ReadonlySet<string>;
  names: ReadonlySet<string>;
  addresses: readonly string[];
  currency: string;
  /** Whether the profile names the business at all (a tax id, an account or a name). */
  known: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function ownOf(ctx: Pick<JobContext, 'index' | 'settings'>): Own {
  const p = ctx.index.byKind('business_profile')[0]?.frontmatter ?? {};
  const ids = new Set(identifiersOf({ tax_id: str(p.tax_id), accounts: strings(p.own_accounts) }));
  const names = new Set([str(p.name), str(p.legal_name)].filter((n): n is string => !!n).flatMap((n) => [n, ...n.split(/[()]/)]).map((n) => normaliseCompanyName(n)).filter((n) => n.length >= 3));
  const addresses = ctx.settings.string('mail_own_addresses').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  try {
    for (const r of ctx.settings.rules('mail_accounts')) if (r.address?.trim()) addresses.push(r.address.trim().toLowerCase());
  } catch {
    // An unreadable accounts note is the mail module's to report; the configured addresses still count.
  }
  return { ids, names, addresses, currency: str(p.base_currency) ?? ctx.settings.string('base_currency'), known: ids.size > 0 || names.size > 0 };
}

/** Whether a party of a document is the business itself. An empty party (a register's own side) is not known either way. */
function isOwn(p: Party, own: Own): boolean | undefined {
  const ids = identifiersOf({ tax_id: p.taxId, accounts: p.accounts ?? [] });
  if (ids.some((i) => own.ids.has(i))) return true;
  if (p.name && own.names.has(normaliseCompanyName(p.name))) return true;
  if (ids.length === 0 && !p.name) return undefined;
  return false;
}

function counterpartyOf(ctx: Pick<JobContext, 'index'>, p: Party): IndexEntry | undefined {
  if (p.taxId) {
    const hit = ctx.index.findCounterparty({ taxId: p.taxId });
    if (hit) return hit;
  }
  for (const a of p.accounts ?? []) {
    const hit = ctx.index.findCounterparty({ account: a });
    if (hit) return hit;
  }
  return p.name ? ctx.index.findCounterparty({ name: p.name }) : undefined;
}

/**
 * Places a document from an e-invoice or an export: the seller being the business makes it outgoing, the
 * buyer being the business incoming. A document naming neither, when the profile says who the business
 * is, is not the business's and is refused with the reason.
 */
export function placeDoc(ctx: Pick<JobContext, 'index'>, doc: InvoiceDoc, own: Own, sourceKey: string, evidence: string[]): Found | string {
  const seller = isOwn(doc.seller, own), buyer = isOwn(doc.buyer, own);
  const neither = `${doc.sourceRef}: neither ${describe(doc.seller)} nor ${describe(doc.buyer)} is the business of the business profile`;
  let direction: Found['direction'];
  if (seller === true && buyer === true) return `${doc.sourceRef}: the business is both seller and buyer`;
  if (seller === true) direction = 'outgoing';
  else if (buyer === true) direction = 'incoming';
  // A register leaves the business's own side empty.
  else if (seller === undefined) direction = 'outgoing';
  else if (buyer === undefined) direction = 'incoming';
  else if (own.known) return neither;
  // A profile that does not say who the business is: a dropped invoice is most likely one received.
  else direction = 'incoming';
  const other = direction === 'incoming' ? doc.seller : doc.buyer;
  const cp = counterpartyOf(ctx, other);
  return {
    doc,
    direction,
    ...(cp ? { counterparty: linkTo(cp.name) } : {}),
    ...(other.name ? { counterpartyName: other.name } : cp ? { counterpartyName: cp.name } : {}),
    ...(other.taxId ? { counterpartyTaxId: other.taxId } : {}),
    sourceKey,
    evidence,
  };
}

const describe = (p: Party) => p.name ?? p.taxId ?? 'an unnamed party';

/**
 * Invoices the mail states: a mail whose triage found an invoice number and amount (the owner's
 * correction of either stands, as it is the note's value). Mail the business sent is an invoice it
 * issued; any other is one it received. Mailing lists never are.
 */
export function foundInMail(ctx: Pick<JobContext, 'index'>, own: Own): Found[] {
  const out: Found[] = [];
  for (const e of ctx.index.byKind('mail_message')) {
    const f = e.frontmatter as Partial<Frontmatter<'mail_message'>>;
    if (f.list === true || !f.invoice_number || typeof f.invoice_amount !== 'number' || f.invoice_amount <= 0) continue;
    const from = (f.from ?? '').toLowerCase();
    const sent = own.addresses.some((a) => (a.startsWith('@') ? from.endsWith(a) : from === a));
    const issued = f.invoice_date ?? (f.date ?? '').slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(issued)) continue;
    const name = sent ? undefined : f.from_name;
    const party: Party = { ...(name ? { name } : {}), ...(f.tax_id ? { taxId: f.tax_id } : {}) };
    const doc: InvoiceDoc = {
      source: 'mail',
      type: 'invoice',
      number: f.invoice_number,
      issued,
      ...(f.invoice_due ? { due: f.invoice_due } : {}),
      currency: f.invoice_currency ?? own.currency,
      total: moneyFromNumber(f.invoice_amount),
      ...(typeof f.invoice_vat === 'number' ? { vat: moneyFromNumber(f.invoice_vat) } : {}),
      seller: sent ? {} : party,
      buyer: sent ? party : {},
      ...(f.contract_number ? { contractNumber: f.contract_number } : {}),
      sourceRef: e.path,
    };
    const cp = f.counterparty;
    out.push({
      doc,
      direction: sent ? 'outgoing' : 'incoming',
      ...(cp ? { counterparty: cp } : {}),
      ...(cp ? { counterpartyName: linkTarget(cp) ?? cp } : name ? { counterpartyName: name } : {}),
      ...(f.tax_id ? { counterpartyTaxId: f.tax_id } : {}),
      sourceKey: `mail:${e.path}`,
      evidence: [linkToNote(e.path), ...(f.attachments ?? []).filter((a) => a.startsWith('[['))],
    });
  }
  return out;
}

/** The owner's own invoice notes, as they are. A cancelled one stays cancelled in its record. */
export function foundInNotes(ctx: Pick<JobContext, 'index'>): { found: Found; cancelled: boolean }[] {
  const out: { found: Found; cancelled: boolean }[] = [];
  for (const e of ctx.index.byKind('invoice')) {
    const f = e.frontmatter as Frontmatter<'invoice'>;
    const cpName = linkTarget(f.counterparty) ?? f.counterparty.trim();
    const cp = ctx.index.findCounterparty({ name: cpName });
    const doc: InvoiceDoc = {
      source: 'note',
      type: 'invoice',
      number: f.number,
      issued: f.issued,
      ...(f.due ? { due: f.due } : {}),
      currency: f.currency,
      total: moneyFromNumber(f.amount),
      seller: {},
      buyer: {},
      sourceRef: e.path,
    };
    const link = linkToNote(e.path);
    out.push({
      found: {
        doc,
        direction: f.direction,
        counterparty: cp ? linkTo(cp.name) : f.counterparty,
        counterpartyName: cp?.name ?? cpName,
        ...(typeof cp?.frontmatter.tax_id === 'string' ? { counterpartyTaxId: cp.frontmatter.tax_id } : {}),
        sourceKey: `note:${e.path}`,
        evidence: [link],
        note: link,
      },
      cancelled: f.status === 'cancelled',
    });
  }
  return out;
}
