// Invoice records: one companion-owned note per real invoice, whatever number of sources told of it (an
// e-invoice, an accounting export or feed, the owner's invoice note, a mail). This file is the pure
// part: which record a found invoice belongs to, which source's figures win, and what a record says
// given the bank rows paying it. Nothing here reads or writes the vault.
import { createHash } from 'node:crypto';
import { daysBetween, formatMoney, linkTarget, moneyFromNumber, moneyToNumber, sumMoney, type Frontmatter, type Money } from '../../contract/index.ts';
import { refKey } from './match/normalize.ts';
import type { InvoiceDoc, InvoiceSource } from './types.ts';

/** An invoice one source gives, placed: which way it goes and whom it is with. */
export interface Found {
  doc: InvoiceDoc;
  direction: 'incoming' | 'outgoing';
  /** The counterparty note, as a wikilink, when one matches the other party. */
  counterparty?: string;
  counterpartyName?: string;
  counterpartyTaxId?: string;
  /** `<source>:<where>`: `mail:Mail/2026/11/x.md`, `ubl:Import/Archive/x.xml#1`. One per place a source states it. */
  sourceKey: string;
  /** Wikilinks to what it was found in (the mail, its attachment, the import report, the owner's note). */
  evidence: string[];
  /** The owner's invoice note, as a wikilink. */
  note?: string;
}

/** Which source's figures a record shows: the owner's own note, then documents made to be read by machines, then a mail's text. */
export const SOURCE_RANK: Record<InvoiceSource, number> = { note: 6, ubl: 5, cii: 5, facturx: 5, commerceml: 4, odata: 4, csv: 3, mail: 1 };

/** Sources read again on every run (a mail's facts or the owner's note may change or go); imports are read once. */
export const RESCANNED: ReadonlySet<InvoiceSource> = new Set(['mail', 'note']);

export type RecordFm = Frontmatter<'invoice_record'>;

/** The facts of a found invoice that its record shows, hashed: a changed figure changes the hash. */
export function factsHash(f: Found): string {
  const d = f.doc;
  const facts = [d.type, d.number, d.issued, d.due ?? '', d.currency, formatMoney(d.total), d.vat === undefined ? '' : formatMoney(d.vat), d.prepaid === undefined ? '' : formatMoney(d.prepaid), f.direction, f.counterparty ?? '', f.counterpartyName ?? '', d.contractNumber ?? '', (d.refersTo ?? []).join(',')];
  return createHash('sha256').update(facts.join('\u0000')).digest('hex').slice(0, 16);
}

/** Who the other party is, as a key two sources that saw one firm agree on when they can: the note, the tax id, the name. */
function partyKeys(x: { counterparty?: string | undefined; counterpartyTaxId?: string | undefined; counterpartyName?: string | undefined }): string[] {
  const keys: string[] = [];
  const note = x.counterparty ? linkTarget(x.counterparty) : undefined;
  if (note) keys.push(`note:${note.toLowerCase()}`);
  if (x.counterpartyTaxId) keys.push(`tax:${x.counterpartyTaxId.replace(/\s/g, '').toUpperCase()}`);
  const name = x.counterpartyName?.toLowerCase().replace(/ё/g, 'е').replace(/[^\p{L}\p{N}]+/gu, '');
  if (name) keys.push(`name:${name}`);
  return keys;
}

/** The key a new record is filed under: direction, document type, number and year, and the strongest party key. */
export function newInvoiceKey(f: Found): string {
  const party = partyKeys(f)[0] ?? 'party:unknown';
  return [f.direction === 'incoming' ? 'in' : 'out', f.doc.type === 'credit_note' ? 'cn' : 'inv', refKey(f.doc.number), f.doc.issued.slice(0, 4), party].join('|');
}

/** What the lookup of existing records needs of each. */
export interface RecordView {
  path: string;
  fm: RecordFm;
}

/**
 * Finds the record a found invoice belongs to: same direction, type and number (as a key), issued in the
 * same year, and a party that is not another one (a mail read before the counterparty note existed and
 * the e-invoice read after it are one invoice). Exact party agreement wins over an unknown party.
 */
export class RecordIndex {
  private readonly byNumber = new Map<string, RecordView[]>();

  constructor(records: Iterable<RecordView>) {
    for (const r of records) this.add(r);
  }

  add(r: RecordView): void {
    const k = this.numberKey(r.fm.direction, r.fm.document, r.fm.number, r.fm.issued);
    const list = this.byNumber.get(k);
    if (list) list.push(r);
    else this.byNumber.set(k, [r]);
  }

  private numberKey(direction: string, type: string, number: string, issued: string): string {
    return `${direction}|${type}|${refKey(number)}|${issued.slice(0, 4)}`;
  }

  find(f: Found): RecordView | undefined {
    const list = this.byNumber.get(this.numberKey(f.direction, f.doc.type, f.doc.number, f.doc.issued));
    if (!list) return undefined;
    const mine = partyKeys(f);
    let fallback: RecordView | undefined;
    for (const r of list) {
      const theirs = partyKeys({ counterparty: r.fm.counterparty, counterpartyTaxId: r.fm.counterparty_tax_id, counterpartyName: r.fm.counterparty_name });
      if (mine.some((k) => theirs.includes(k))) return r;
      // A party known on one side only, or told by different kinds of key (a note on one side, a name on
      // the other) without contradiction: the same invoice when the total agrees too.
      const contradicts = mine.some((k) => theirs.some((t) => t.split(':')[0] === k.split(':')[0] && t !== k));
      if (!contradicts && moneyFromNumber(r.fm.amount) === f.doc.total) fallback ??= r;
    }
    return fallback;
  }
}

/** A bank row's part paying a record: what `payments` lists, one entry per row. */
export interface Payment {
  /** Vault path of the ledger month note. */
  ledger: string;
  key: string;
  date: string;
  amount: Money;
  /** `auto` matched without asking, `owner` confirmed or made by the owner, `rule` by the owner's matching rule. */
  how: 'auto' | 'owner' | 'rule';
}

/** `payments` entries: `<ledger path>#<row key> <date> <amount> <how>`, readable and read back exactly. */
export function formatPayment(p: Payment): string {
  return `${p.ledger}#${p.key} ${p.date} ${formatMoney(p.amount)} ${p.how}`;
}

export function parsePayment(s: string): Payment | undefined {
  const m = /^(.+)#(\S+) (\d{4}-\d{2}-\d{2}) (-?\d+(?:\.\d+)?) (auto|owner|rule)$/.exec(s);
  if (!m) return undefined;
  return { ledger: m[1]!, key: m[2]!, date: m[3]!, amount: moneyFromNumber(Number(m[4])), how: m[5] as Payment['how'] };
}

/** The state of a record given its payments and credits, as of `today`. The owner's `cancelled` stands. */
export function settle(
  fm: Pick<RecordFm, 'amount' | 'due' | 'issued' | 'status' | 'document'>,
  paid: Money,
  credited: Money,
  lastPaid: string | undefined,
  today: string,
  feeTolerance: Money,
): Pick<RecordFm, 'amount_paid' | 'outstanding' | 'status' | 'overdue_days' | 'paid_on'> {
  const total = moneyFromNumber(fm.amount);
  const outstanding = total - paid - credited;
  const base = { amount_paid: moneyToNumber(paid), outstanding: moneyToNumber(outstanding > 0n ? outstanding : 0n) };
  if (fm.status === 'cancelled') return { ...base, status: 'cancelled' };
  if (fm.document === 'credit_note') return { ...base, status: paid + credited >= total ? 'credited' : 'open' };
  if (outstanding <= feeTolerance) {
    return { ...base, outstanding: 0, status: paid === 0n && credited > 0n ? 'credited' : 'paid', ...(lastPaid ? { paid_on: lastPaid } : {}) };
  }
  const due = fm.due ?? undefined;
  const overdue = due && due < today ? daysBetween(due, today) : undefined;
  return { ...base, status: paid > 0n || credited > 0n ? 'partly_paid' : 'open', ...(overdue ? { overdue_days: overdue } : {}) };
}

export const totalOf = (payments: readonly Payment[]): Money => sumMoney(payments.map((p) => p.amount));

/**
 * The record a found invoice makes, or its update: figures from the highest-ranked source seen, every
 * source and piece of evidence kept. `prev` is the record as it stands; payments and status are not
 * touched here (see `settle`).
 */
export function mergeFound(prev: RecordFm | undefined, found: readonly Found[]): Omit<RecordFm, 'amount_paid' | 'outstanding' | 'status' | 'payments' | 'overdue_days' | 'paid_on'> & Partial<RecordFm> {
  const best = [...found].sort((a, b) => SOURCE_RANK[b.doc.source] - SOURCE_RANK[a.doc.source] || a.sourceKey.localeCompare(b.sourceKey))[0]!;
  const d = best.doc;
  const sources = [...new Set([...(prev?.sources ?? []).filter((s) => !found.some((f) => f.sourceKey === s) && !RESCANNED.has(s.split(':')[0] as InvoiceSource)), ...found.map((f) => f.sourceKey)])].sort();
  // A source already on the record (the same file dropped again) adds no evidence of its new copy.
  const evidence = [...new Set(found.filter((f) => !prev?.sources.includes(f.sourceKey) || RESCANNED.has(f.doc.source)).flatMap((f) => f.evidence))].sort();
  const cp = found.find((f) => f.counterparty)?.counterparty ?? prev?.counterparty;
  const note = found.find((f) => f.note)?.note;
  return {
    ...(prev ?? {}),
    invoice_key: prev?.invoice_key ?? newInvoiceKey(best),
    number: d.number,
    document: d.type,
    direction: best.direction,
    ...(cp ? { counterparty: cp } : {}),
    ...(best.counterpartyName ?? prev?.counterparty_name ? { counterparty_name: best.counterpartyName ?? prev?.counterparty_name } : {}),
    ...(best.counterpartyTaxId ?? prev?.counterparty_tax_id ? { counterparty_tax_id: best.counterpartyTaxId ?? prev?.counterparty_tax_id } : {}),
    issued: d.issued,
    ...(d.due ? { due: d.due } : {}),
    amount: moneyToNumber(d.total),
    ...(d.vat !== undefined ? { vat: moneyToNumber(d.vat) } : {}),
    ...(d.prepaid ? { prepaid: moneyToNumber(d.prepaid) } : {}),
    currency: d.currency,
    ...(d.contractNumber ? { contract_number: d.contractNumber } : {}),
    refers_to: d.refersTo ?? [],
    source: d.source,
    sources,
    source_hash: factsHash(best),
    evidence: [...new Set([...(prev?.evidence ?? []), ...evidence])].sort(),
    ...(note ? { note } : {}),
  };
}
