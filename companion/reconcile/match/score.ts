// How much one bank row looks like it pays one invoice (or a set paid together): evidence by feature
// (reference, counterparty, amount, date), each a level with a weight, summed and clipped to 0..1. The
// levels, not the sum, decide what may be matched without asking (see `autoAllowed` in matcher.ts).
// Pure and deterministic.
import { parseMoney, roundMoney, formatMoney, MONEY_SCALE, type Money } from '../../../contract/money.ts';
import type { BankRow, MatchConfig, OpenInvoice } from '../types.ts';
import { refKey, digitsKey, tailKey, oneTypoApart, nameKey, idKey, type Names } from './normalize.ts';
import type { RefKind } from './references.ts';

export type RefLevel = 'exact' | 'token' | 'tail' | 'fuzzy' | 'contract' | 'none' | 'conflict';
export type CpLevel = 'strong' | 'name' | 'weak' | 'none' | 'conflict';
export type AmountLevel = 'exact' | 'fee' | 'fx' | 'vat' | 'partial' | 'over' | 'off';
export type DateLevel = 'in' | 'early' | 'late' | 'far';

/** The weights: a reference stated with its word outweighs a bare number, a typo or a contract; a tax id or account outweighs a name. */
export const WEIGHTS = {
  ref: { exact: 0.45, token: 0.3, tail: 0.3, fuzzy: 0.2, contract: 0.1, none: 0, conflict: -0.25 } satisfies Record<RefLevel, number>,
  cp: { strong: 0.3, name: 0.2, weak: 0.1, none: 0, conflict: -0.5 } satisfies Record<CpLevel, number>,
  amount: { exact: 0.3, fee: 0.25, fx: 0.22, vat: 0.2, partial: 0.05, over: -0.25, off: -0.25 } satisfies Record<AmountLevel, number>,
  /** A part payment counts only where a reference names the invoice; without one it is evidence against. */
  partialWithoutRef: -0.15,
  /** ... and counts more where the text says it is a part. */
  partialSaid: 0.2,
  /** A single invoice when the text names several that are open together. */
  oneOfNamed: -0.15,
  /** The only candidate of the row with a matching amount. */
  unique: 0.15,
  date: { in: 0.05, early: -0.1, late: -0.05, far: -0.25 } satisfies Record<DateLevel, number>,
};

export const DEFAULT_CONFIG: MatchConfig = {
  high: 0.8,
  low: 0.4,
  margin: 0.15,
  feeFraction: 0.02,
  feeMax: 50_00000n,
  windowDays: 45,
  fxFraction: 0.015,
};

/** A number the row cites: with its kind when a word names it, `token` when it stands bare. */
export interface Cited {
  kind: RefKind | 'token';
  raw: string;
  key: string;
  digits: string;
  /** What could be the running part of a longer number: the digits key, or a short number's digits ("сч. 51"). */
  tail: string;
  /** A contract or order number: compared with invoices' contract numbers only. */
  contract: boolean;
  /** The key has letters besides its digits. */
  lettered: boolean;
  /** Counts as stated even where it stands bare: letters with digits, or six digits and more. */
  stated: boolean;
  /** The day number (dayOf) of the document's date the text gives right after the number. */
  dateDay?: number;
  /**
   * The parties of the open invoices this number names exactly that the row could pay (in part): a typo
   * reading of another invoice of such a party would be a guess against the text. Filled by the matcher.
   */
  openParties: ReadonlySet<number>;
  /** The parties of the open invoices (of the row's direction) this number names exactly, whatever their amount. Filled by the matcher. */
  namedOpen: ReadonlySet<number>;
  /** The numbers of `key`, `digits` and `tail` among the invoices' keys (-1: no invoice has it), set by the matcher: compared by number. */
  keyNo: number;
  digitsNo: number;
  tailNo: number;
}

export const NO_PARTIES: ReadonlySet<number> = new Set();

export function citedOf(kind: Cited['kind'], raw: string, date?: string): Cited {
  const key = refKey(raw);
  const digits = digitsKey(raw);
  const lettered = /\D/.test(key);
  return {
    kind, raw, key, digits,
    tail: digits || (/^\d{2}$/.test(key) ? key : ''),
    contract: kind === 'contract' || kind === 'order',
    lettered,
    stated: kind !== 'token' || lettered || digits.length >= 6,
    ...(date ? { dateDay: dayOf(date) } : {}),
    // Most numbers name no open invoice: one shared empty set until the matcher adds a party.
    openParties: NO_PARTIES,
    namedOpen: NO_PARTIES,
    keyNo: -1,
    digitsNo: -1,
    tailNo: -1,
  };
}

/** What the matcher knows of a row before looking at any invoice. */
export interface RowView {
  row: BankRow;
  /** 1 money in, -1 money out. */
  sign: 1 | -1;
  abs: Money;
  day: number;
  cited: Cited[];
  /** The row cites an invoice or act by its word: an invoice it does not cite is contradicted. */
  citesInvoice: boolean;
  /** The parties of invoices (open or not) a cited number names exactly: their other invoices are contradicted by the text. */
  hitParties: Set<number>;
  /** The text says the payment is a part ("частичная оплата", "instalment", "Anzahlung"). */
  saysPart: boolean;
  refund: boolean;
  notes: Set<string>;
  taxId: string;
  account: string;
  name: string;
  nameWords: Set<string>;
  /** The rule that mapped this row to a counterparty, for the explanation. */
  ruleWhy?: string;
  /** The row's amount in its own currency, and in each other currency asked for so far. */
  own: { amount: Money };
  converted?: Map<string, { amount: Money; rate?: string } | undefined>;
}

/** What the matcher knows of an invoice, computed once. */
export interface InvoiceView {
  inv: OpenInvoice;
  idx: number;
  /** The sign of the bank row that settles it: money in for an outgoing invoice, out for an incoming one, the reverse for credit notes. */
  sign: 1 | -1;
  issuedDay: number;
  dueDay: number;
  key: string;
  digits: string;
  tail: string;
  contractKey: string;
  /** The numbers of `key`, `digits`, `tail` and `contractKey` (-1: none) among the index keys, set by the matcher. */
  keyNo: number;
  digitsNo: number;
  tailNo: number;
  contractNo: number;
  /** A credit note: the keys of the invoices it corrects (a refund may name those). */
  refersTo: ReadonlySet<string>;
  taxId: string;
  accounts: Set<string>;
  name: string;
  nameWords: Set<string>;
  /** Who the counterparty is (its note, else its tax id, else its name: see `partyKey`), as the run numbers it. */
  partyNo: number;
}

/** The evidence of one candidate, feature by feature. */
export interface Levels {
  ref: RefLevel;
  cp: CpLevel;
  amount: AmountLevel;
  date: DateLevel;
}

const DAY = 86_400_000;
export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY);
}

const NO_KEYS: ReadonlySet<string> = new Set();

export function viewInvoice(inv: OpenInvoice, idx: number, names: Names, day: (date: string) => number = dayOf): InvoiceView {
  const name = names.of(inv.counterpartyName);
  const incoming = inv.direction === 'incoming';
  const credit = inv.type === 'credit_note';
  const issuedDay = day(inv.issued);
  return {
    inv,
    idx,
    sign: incoming !== credit ? -1 : 1,
    issuedDay,
    dueDay: inv.due ? day(inv.due) : issuedDay,
    key: refKey(inv.number),
    digits: digitsKey(inv.number),
    tail: tailKey(inv.number),
    contractKey: inv.contractNumber ? refKey(inv.contractNumber) : '',
    keyNo: -1,
    digitsNo: -1,
    tailNo: -1,
    contractNo: -1,
    // Most invoices refer to none: one shared empty set.
    refersTo: inv.refersTo?.length ? new Set(inv.refersTo.map(refKey)) : NO_KEYS,
    taxId: idKey(inv.counterpartyTaxId),
    accounts: new Set((inv.counterpartyAccounts ?? []).map(idKey).filter(Boolean)),
    name: name.key,
    nameWords: name.words,
    partyNo: -1,
  };
}

export function partyKey(inv: OpenInvoice, name = nameKey(inv.counterpartyName)): string {
  return inv.counterparty ? `note:${inv.counterparty}` : inv.counterpartyTaxId ? `tax:${idKey(inv.counterpartyTaxId)}` : `name:${name}`;
}

/**
 * How the row's cited numbers relate to this invoice's number. A cited number that is some invoice's
 * number exactly is never read as a typo of another one; a text naming one invoice of a counterparty
 * contradicts its others.
 */
export function refEvidence(r: RowView, v: InvoiceView, explain = false): { level: RefLevel; why?: string } {
  if (!explain) return { level: refLevel(r, v) };
  let best: RefLevel = 'none';
  let bestCited: Cited | undefined;
  for (const c of r.cited) {
    const level = citedLevel(c, v);
    if (REF_RANK[level] > REF_RANK[best]) { best = level; bestCited = c; }
  }
  if ((best === 'none' || best === 'contract') && (r.citesInvoice || r.hitParties.has(v.partyNo))) {
    const named = r.cited.filter((c) => !c.contract).map((c) => c.raw);
    return { level: 'conflict', why: explain ? `the text names ${named.join(', ')}, not ${v.inv.number}` : undefined };
  }
  if (!explain || !bestCited) return { level: best };
  const c = bestCited;
  const why = best === 'contract' ? `contract ${c.raw}`
    : best === 'tail' ? `reference ${c.raw} (end of ${v.inv.number})`
    : best === 'fuzzy' ? `reference ${c.raw} (one typo from ${v.inv.number})`
    : v.refersTo.has(c.key) && c.key !== v.key ? `reference ${c.raw}, the invoice credit note ${v.inv.number} corrects`
    : `reference ${c.raw}`;
  return { level: best, why };
}

/** `refEvidence`'s level alone: for every candidate, so without the words or an object. */
export function refLevel(r: RowView, v: InvoiceView): RefLevel {
  let best: RefLevel = 'none';
  for (const c of r.cited) {
    const level = citedLevel(c, v);
    if (REF_RANK[level] > REF_RANK[best]) best = level;
  }
  if ((best === 'none' || best === 'contract') && (r.citesInvoice || r.hitParties.has(v.partyNo))) return 'conflict';
  return best;
}

/** How one cited number relates to an invoice. */
export function citedLevel(c: Cited, v: InvoiceView): RefLevel {
  // Keys compare by their numbers (equal strings, equal numbers; -1 on the cited side: no invoice has it).
  if (c.contract) return v.contractNo >= 0 && c.keyNo === v.contractNo ? 'contract' : 'none';
  if (c.keyNo === v.keyNo || (c.digits !== '' && c.digitsNo === v.digitsNo)) return c.stated ? 'exact' : 'token';
  if (c.tail !== '' && c.tailNo === v.tailNo) return 'tail';
  if (v.refersTo.has(c.key)) return 'token';
  // A typo: a digit dropped, added, changed or two swapped; not where the number is an open invoice's
  // of the same counterparty that this row could pay (the text then names that one), nor where the text
  // dates the document on another day than the invoice's.
  if (c.digits.length >= 3 && !c.openParties.has(v.partyNo) && (c.dateDay === undefined || c.dateDay === v.issuedDay)) {
    if ((v.digits.length >= 3 && oneTypoApart(c.digits, v.digits)) || (v.tail.length >= 3 && oneTypoApart(c.digits, v.tail)) || (c.lettered && c.key.length >= 4 && oneTypoApart(c.key, v.key))) return 'fuzzy';
  }
  if (v.contractNo >= 0 && c.keyNo === v.contractNo) return 'contract';
  return 'none';
}

export const REF_RANK: Record<RefLevel, number> = { exact: 6, token: 5, tail: 4, fuzzy: 3, contract: 2, none: 1, conflict: 0 };

export function cpEvidence(r: RowView, v: InvoiceView): CpLevel {
  const note = v.inv.counterparty;
  if ((note && r.notes.has(note)) || (r.taxId && r.taxId === v.taxId) || (r.account && v.accounts.has(r.account))) return 'strong';
  // Known to be someone else: another counterparty note, or another tax id.
  if ((note && r.notes.size > 0) || (r.taxId && v.taxId)) return 'conflict';
  if (r.name && r.name === v.name) return 'name';
  for (const w of r.nameWords) if (v.nameWords.has(w)) return 'weak';
  return 'none';
}

/** What the counterparty evidence rests on, in words. */
export function cpWhy(r: RowView, v: InvoiceView): string[] {
  const why: string[] = [];
  const note = v.inv.counterparty;
  if (note && r.notes.has(note)) why.push(r.ruleWhy && !r.row.counterparty ? r.ruleWhy : 'counterparty');
  if (r.taxId && r.taxId === v.taxId) why.push('tax id');
  if (r.account && v.accounts.has(r.account)) why.push('account');
  if (why.length) return why;
  const level = cpEvidence(r, v);
  return level === 'conflict' ? ['another counterparty'] : level === 'name' ? ['name'] : level === 'weak' ? ['name in part'] : [];
}

/** The row's amount in the invoice's currency, when it can be had: converted at the dated rate for another currency. */
export function rowAmountIn(r: RowView, currency: string, config: MatchConfig): { amount: Money; rate?: string } | undefined {
  if (currency === r.row.currency) return r.own;
  // Made for the rows paid in another currency only.
  const converted = (r.converted ??= new Map());
  const had = converted.get(currency);
  if (had !== undefined || converted.has(currency)) return had;
  let v: { amount: Money; rate?: string } | undefined;
  if (r.row.currency === currency) v = { amount: r.abs };
  else {
    const rate = config.rate?.(r.row.currency, currency, r.row.date);
    v = rate ? { amount: roundMoney(times(r.abs, rate)), rate } : undefined;
  }
  converted.set(currency, v);
  return v;
}

const FACTOR = 10n ** BigInt(MONEY_SCALE);
const parsedRates = new Map<string, bigint>();
/** An amount times a decimal rate, half away from zero (contract/money.ts multiplyMoney, with the rate parsed once). */
function times(m: Money, rate: string): Money {
  let r = parsedRates.get(rate);
  if (r === undefined) {
    r = parseMoney(rate);
    if (parsedRates.size > 10_000) parsedRates.clear();
    parsedRates.set(rate, r);
  }
  const product = m * r;
  const q = product / FACTOR;
  const rem = product % FACTOR;
  return (rem < 0n ? -rem : rem) * 2n >= FACTOR ? q + (product < 0n ? -1n : 1n) : q;
}

/** Parts per million of a fraction, worked out once per value. */
const ppmCache = new Map<number, bigint>();
let lastFraction = NaN;
let lastPpm = 0n;
export function ppm(fraction: number): bigint {
  // A run asks for one or two fractions, millions of times.
  if (fraction === lastFraction) return lastPpm;
  let v = ppmCache.get(fraction);
  if (v === undefined) ppmCache.set(fraction, (v = BigInt(Math.round(fraction * 1e6))));
  lastFraction = fraction;
  lastPpm = v;
  return v;
}

export function feeTolerance(target: Money, config: MatchConfig): Money {
  const byFraction = (target * ppm(config.feeFraction)) / 1_000_000n;
  return byFraction < config.feeMax ? byFraction : config.feeMax;
}

export function fxTolerance(target: Money, config: MatchConfig): Money {
  return (target * ppm(config.fxFraction ?? 0.015)) / 1_000_000n;
}

const abs = (m: Money) => (m < 0n ? -m : m);

/** Whether `a` is within fees of `target`: `feeMax` checked first, as most candidates are far off and the fraction needs a division. */
function withinFees(a: Money, target: Money, config: MatchConfig): boolean {
  const d = abs(a - target);
  return d <= config.feeMax && d <= (target * ppm(config.feeFraction)) / 1_000_000n;
}

/** `amountEvidence`'s level alone (the allocation follows from it: see `allocationFor`). */
export function amountLevel(r: RowView, v: InvoiceView, target: Money, config: MatchConfig): AmountLevel {
  const conv = rowAmountIn(r, v.inv.currency, config);
  if (!conv) return 'off';
  const a = conv.amount;
  if (conv.rate) return abs(a - target) <= fxTolerance(target, config) ? 'fx' : a < target ? 'partial' : 'over';
  if (a === target) return 'exact';
  if (withinFees(a, target, config)) return 'fee';
  const vat = v.inv.vat ?? 0n;
  if (vat > 0n && target === v.inv.outstanding && target === v.inv.total && (withinFees(a, target + vat, config) || withinFees(a, target - vat, config))) return 'vat';
  return a < target ? 'partial' : 'over';
}

/** What the row gives the invoice at an amount level: what it pays of a part, none when off, else the whole target. */
export function allocationFor(level: AmountLevel, r: RowView, currency: string, target: Money, config: MatchConfig): Money {
  return level === 'off' ? 0n : level === 'partial' ? rowAmountIn(r, currency, config)!.amount : target;
}

/** The row's amount against what is still open (`target`), in the invoice's currency. */
export function amountEvidence(r: RowView, v: InvoiceView, target: Money, config: MatchConfig, explain = false): { level: AmountLevel; allocation: Money; why: string } {
  const conv = rowAmountIn(r, v.inv.currency, config);
  if (!conv) return { level: 'off', allocation: 0n, why: explain ? `${r.row.currency} without a rate to ${v.inv.currency}` : '' };
  const a = conv.amount;
  if (conv.rate) {
    if (abs(a - target) <= fxTolerance(target, config)) return { level: 'fx', allocation: target, why: explain ? `amount ${formatMoney(r.abs)} ${r.row.currency} at ${conv.rate}` : '' };
    if (a < target) return { level: 'partial', allocation: a, why: explain ? `part: ${formatMoney(a)} of ${formatMoney(target)} ${v.inv.currency}` : '' };
    return { level: 'over', allocation: target, why: explain ? `more than open: ${formatMoney(a)} for ${formatMoney(target)} ${v.inv.currency}` : '' };
  }
  if (a === target) return { level: 'exact', allocation: target, why: 'amount exact' };
  const diff = a - target;
  if (abs(diff) <= feeTolerance(target, config)) return { level: 'fee', allocation: target, why: explain ? `amount within fees (${formatMoney(diff)})` : '' };
  // VAT: the document's total left VAT out (paid net + VAT), or the payer paid the net only.
  const vat = v.inv.vat ?? 0n;
  if (vat > 0n && target === v.inv.outstanding && target === v.inv.total) {
    if (abs(a - (target + vat)) <= feeTolerance(target + vat, config)) return { level: 'vat', allocation: target, why: 'amount net + VAT' };
    if (abs(a - (target - vat)) <= feeTolerance(target - vat, config)) return { level: 'vat', allocation: target, why: 'amount without VAT' };
  }
  if (a < target) return { level: 'partial', allocation: a, why: explain ? `part: ${formatMoney(a)} of ${formatMoney(target)}` : '' };
  return { level: 'over', allocation: target, why: explain ? `more than open: ${formatMoney(a)} for ${formatMoney(target)}` : '' };
}

export function dateLevel(r: RowView, v: InvoiceView, config: MatchConfig): DateLevel {
  if (r.day < v.issuedDay - 7) return v.issuedDay - r.day > 30 ? 'far' : 'early';
  const late = r.day - v.dueDay - config.windowDays;
  return late > 0 ? (late > 2 * config.windowDays ? 'far' : 'late') : 'in';
}

export function dateEvidence(r: RowView, v: InvoiceView, config: MatchConfig, explain = false): { level: DateLevel; why: string } {
  if (r.day < v.issuedDay - 7) {
    const d = v.issuedDay - r.day;
    return { level: d > 30 ? 'far' : 'early', why: explain ? `paid ${d} days before issue` : '' };
  }
  const late = r.day - v.dueDay - config.windowDays;
  if (late > 0) return { level: late > 2 * config.windowDays ? 'far' : 'late', why: explain ? `paid ${r.day - v.dueDay} days after ${v.inv.due ? 'due' : 'issue'}` : '' };
  return { level: 'in', why: 'date in window' };
}

export const AMOUNT_MATCHES: ReadonlySet<AmountLevel> = new Set(['exact', 'fee', 'fx', 'vat']);
export const REF_NAMES: ReadonlySet<RefLevel> = new Set(['exact', 'token', 'tail', 'fuzzy']);

export function scoreOf(e: Levels, unique: boolean, saysPart = false): number {
  return scoreOfLevels(e.ref, e.cp, e.amount, e.date, unique, saysPart);
}

export function scoreOfLevels(ref: RefLevel, cp: CpLevel, amount: AmountLevel, date: DateLevel, unique: boolean, saysPart: boolean): number {
  let s = WEIGHTS.ref[ref] + WEIGHTS.cp[cp] + WEIGHTS.date[date];
  s += amount !== 'partial' ? WEIGHTS.amount[amount] : !REF_NAMES.has(ref) ? WEIGHTS.partialWithoutRef : saysPart ? WEIGHTS.partialSaid : WEIGHTS.amount.partial;
  if (unique && AMOUNT_MATCHES.has(amount)) s += WEIGHTS.unique;
  return Math.max(0, Math.min(1, Math.round(s * 1000) / 1000));
}

/** The most the reference can add where no cited number is the invoice's own: a running part, a credit note's invoice, a typo, a contract. */
const REF_CEILING_OTHER = Math.max(WEIGHTS.ref.tail, WEIGHTS.ref.token, WEIGHTS.ref.fuzzy, WEIGHTS.ref.contract, WEIGHTS.ref.none);
const REF_CEILING = Math.max(...Object.values(WEIGHTS.ref));
const AMOUNT_CEILING = Math.max(...Object.values(WEIGHTS.amount), WEIGHTS.partialSaid, WEIGHTS.partialWithoutRef);
const DATE_CEILING = Math.max(...Object.values(WEIGHTS.date));

/**
 * The most an option could score with this counterparty evidence, when the row cites the invoice's own
 * number (`sameNumber`) or not: from the weights alone, so the many invoices of other counterparties that a
 * typo variant or an amount turns up are set aside without their evidence worked out.
 */
export function scoreCeiling(cp: CpLevel, sameNumber: boolean): number {
  // Only a candidate with a fitting amount and a counterparty not contradicted can be the unique one.
  const s = (sameNumber ? REF_CEILING : REF_CEILING_OTHER) + WEIGHTS.cp[cp] + AMOUNT_CEILING + DATE_CEILING + (cp === 'conflict' ? 0 : WEIGHTS.unique);
  return Math.round(s * 1000) / 1000;
}
