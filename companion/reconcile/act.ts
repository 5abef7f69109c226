// Acts of reconciliation (акт сверки взаимных расчётов): our books with one counterparty over a period as
// a two-sided statement, and the comparison with the act the counterparty sends back. Pure: the caller
// reads the invoice records and ledgers, act-read.ts reads their file.
import { daysBetween } from '../../contract/dates.ts';
import { renderTable } from '../../contract/markdown-table.ts';
import { formatMoney, sumMoney, type Money } from '../../contract/money.ts';
import type { Catalogue } from '../core/i18n/index.ts';

export type ActLineKind = 'invoice' | 'credit_note' | 'payment_out' | 'payment_in';

// Order of lines of the same date: documents before the payments that settle them.
const KIND_ORDER: readonly ActLineKind[] = ['invoice', 'credit_note', 'payment_out', 'payment_in'];

/** One line of our books for the act. Debit/credit are from OUR side: debit = the counterparty owes us more
 *  (an invoice we issued, a payment we made to them, a credit note they gave us), credit = we owe them more
 *  (an invoice they issued to us, a payment they made to us, a credit note we gave them). */
export interface ActLine {
  date: string;
  kind: ActLineKind;
  number?: string;
  debit: Money;
  credit: Money;
  /** vault link target of the source: invoice record path or `<ledger path>#<row key>` */
  ref?: string;
}

export interface ActInput {
  business: string;
  counterparty: string;
  currency: string;
  from: string;
  to: string;
  invoices: { number: string; issued: string; direction: 'incoming' | 'outgoing'; type: 'invoice' | 'credit_note'; total: Money; currency: string; ref?: string }[];
  /** Bank rows with this counterparty, signed as the bank shows them: money in positive, out negative. */
  payments: { date: string; amount: Money; currency: string; ref?: string }[];
}

export interface Act {
  business: string;
  counterparty: string;
  currency: string;
  from: string;
  to: string;
  /** Signed balance from our side: positive = they owe us, negative = we owe them. */
  opening: Money;
  lines: ActLine[];
  debitTurnover: Money;
  creditTurnover: Money;
  closing: Money;
}

/** The counterparty's act as read from their file: debit/credit from THEIR side (mirror of ours). */
export interface TheirAct {
  from?: string;
  to?: string;
  currency?: string;
  opening?: { debit: Money; credit: Money };
  lines: { date: string; document: string; kind?: ActLineKind; number?: string; debit: Money; credit: Money }[];
  closing?: { debit: Money; credit: Money };
}

export interface ActDifference {
  /** Stable across runs: `invoice:115`, `payment:2026-11-03:146400.00`, `opening`, `closing`. */
  key: string;
  kind: 'amount' | 'missing_ours' | 'missing_theirs' | 'opening' | 'closing';
  /** The document as their act words it when the line is in it; otherwise a plain label of ours. */
  document: string;
  /** Signed from our side (debit minus credit of the line, or the balance): positive = they owe us more. */
  ours?: Money;
  theirs?: Money;
  /** The line's date (ours when we have the line), or the act's start (opening) or end (closing). */
  date?: string;
  /** What the line is in our terms, and its document number, so the text can be written in the owner's language. */
  lineKind?: ActLineKind;
  number?: string;
}

// ---------------------------------------------------------------- building

const abs = (m: Money): Money => (m < 0n ? -m : m);

/** Puts a signed amount (positive = they owe us more) on the debit or the credit side. */
function sides(signed: Money): { debit: Money; credit: Money } {
  return signed >= 0n ? { debit: signed, credit: 0n } : { debit: 0n, credit: -signed };
}

function compareLines(a: ActLine, b: ActLine): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const k = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  if (k !== 0) return k;
  const n = (a.number ?? '').localeCompare(b.number ?? '', 'en', { numeric: true });
  if (n !== 0) return n;
  return (a.ref ?? '').localeCompare(b.ref ?? '') || Number(b.debit - a.debit) || Number(b.credit - a.credit);
}

/**
 * Our act: only documents and payments in the act's currency; everything dated before `from` is folded into
 * the opening balance, anything after `to` is left out. A negative total flips a document to the other side
 * (it is the opposite document), as the invoice parsers read one.
 */
export function buildAct(input: ActInput): Act {
  let opening = 0n;
  const lines: ActLine[] = [];
  const add = (line: ActLine) => {
    if (line.date > input.to) return;
    if (line.date < input.from) opening += line.debit - line.credit;
    else lines.push(line);
  };
  for (const inv of input.invoices) {
    if (inv.currency !== input.currency) continue;
    // An invoice we issue and a credit note they give us raise what they owe us.
    const theyOweMore = (inv.direction === 'outgoing') === (inv.type === 'invoice');
    const signed = theyOweMore ? inv.total : -inv.total;
    add({ date: inv.issued, kind: inv.type, number: inv.number, ...sides(signed), ...(inv.ref ? { ref: inv.ref } : {}) });
  }
  for (const p of input.payments) {
    if (p.currency !== input.currency || p.amount === 0n) continue;
    // Money we pay out makes them owe us more (it settles their invoice); money in, the reverse.
    const kind: ActLineKind = p.amount < 0n ? 'payment_out' : 'payment_in';
    add({ date: p.date, kind, ...sides(-p.amount), ...(p.ref ? { ref: p.ref } : {}) });
  }
  lines.sort(compareLines);
  const debitTurnover = sumMoney(lines.map((l) => l.debit));
  const creditTurnover = sumMoney(lines.map((l) => l.credit));
  return {
    business: input.business, counterparty: input.counterparty, currency: input.currency, from: input.from, to: input.to,
    opening, lines, debitTurnover, creditTurnover, closing: opening + debitTurnover - creditTurnover,
  };
}

// ---------------------------------------------------------------- rendering

/** An amount as the owner reads it in their language, without the currency: `146,400.00` / `146 400,00`. */
export function showAmount(t: Catalogue, m: Money): string {
  return t['act.amount']({ value: formatMoney(m) });
}

function showMoney(t: Catalogue, m: Money, currency: string): string {
  return t['act.money']({ amount: showAmount(t, m), currency });
}

/** The document of one of our lines, in the owner's language. */
export function lineDocument(t: Catalogue, kind: ActLineKind, date: string, number?: string): string {
  const d = t['act.date']({ date });
  if ((kind === 'invoice' || kind === 'credit_note') && number !== undefined) return t[`act.document.${kind}`]({ number, date: d });
  if (kind === 'payment_out') return t['act.document.payment_out']({ date: d });
  if (kind === 'payment_in') return t['act.document.payment_in']({ date: d });
  return t['act.document.invoice']({ number: '?', date: d });
}

/**
 * The act as a Markdown body: our columns filled, the counterparty's left empty for them to fill (as 1C prints
 * it), the opening, turnover and closing rows, the closing sentence and a signature line for each side.
 */
export function renderAct(t: Catalogue, act: Act): string {
  const cell = (m: Money) => (m === 0n ? '' : showAmount(t, m));
  const empty = ['', '', '', ''];
  const header = [t['act.column.date'](), t['act.column.document'](), t['act.column.debit'](), t['act.column.credit']()];
  const balanceRow = (label: string, signed: Money) => {
    const s = sides(signed);
    return ['', `**${label}**`, cell(s.debit), cell(s.credit), '', label, '', ''];
  };
  const rows: string[][] = [
    [`**${t['act.according']({ party: act.business })}**`, '', '', '', `**${t['act.according']({ party: act.counterparty })}**`, '', '', ''],
    balanceRow(t['act.opening'](), act.opening),
    ...act.lines.map((l) => {
      const doc = lineDocument(t, l.kind, l.date, l.number);
      // renderTable escapes the link's bar, which is how Obsidian wants a link with a label inside a table.
      return [t['act.date']({ date: l.date }), l.ref ? `[[${l.ref}|${doc}]]` : doc, cell(l.debit), cell(l.credit), ...empty];
    }),
    ['', `**${t['act.turnover']()}**`, cell(act.debitTurnover), cell(act.creditTurnover), '', t['act.turnover'](), '', ''],
    balanceRow(t['act.closing'](), act.closing),
  ];
  const table = renderTable([...header, ...header], rows);
  const amount = showMoney(t, abs(act.closing), act.currency);
  const date = t['act.date']({ date: act.to });
  // The sentence ends with a full stop and an abbreviated currency (`руб.`) may end with one too: one is enough.
  const balance = (act.closing === 0n
    ? t['act.balance']({ date, amount })
    : act.closing > 0n
      ? t['act.balance']({ date, debtor: act.counterparty, creditor: act.business, amount })
      : t['act.balance']({ date, debtor: act.business, creditor: act.counterparty, amount })).replace(/\.\.$/, '.');
  return [
    `# ${t['act.title']()}`,
    '',
    t['act.between']({ business: act.business, counterparty: act.counterparty }),
    t['act.period']({ from: t['act.date']({ date: act.from }), to: date }),
    t['act.currency']({ currency: act.currency }),
    '',
    table.trimEnd(),
    '',
    balance,
    '',
    t['act.signature']({ party: act.business }),
    '',
    t['act.signature']({ party: act.counterparty }),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- their wording

/** Letters and digits only, lower case: `№ 115`, `115`, `БО-115` compare as written without punctuation. */
export function normaliseNumber(text: string): string {
  return text.normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
}

// Dates inside a line's wording are never its number.
const DATE_TEXT = /\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}/gu;
const TOKEN = '([^\\s,;()№#]*\\d[^\\s,;()№#]*)';
const MARKED = new RegExp(`(?:№|#|(?<!\\p{L})(?:No|NO|Nr|no)\\.?(?!\\p{L}))\\s*${TOKEN}`, 'u');
const BEFORE_DATE = new RegExp(`${TOKEN}\\s+(?:от|of|dated|from|vom|du)(?!\\p{L})`, 'iu');
const ANY = new RegExp(TOKEN, 'u');

/**
 * The document number in an act line's wording: `Счет № 115 от 14.11.2026`, `сч. 115`, `Продажа (акт, накладная)
 * (115 от 14.11.2026)`, `Invoice No. 115 of 2026-11-14`: the token after a number sign, else the one before
 * "от"/"of", else the first with a digit. A date is never the number.
 */
export function documentNumber(text: string): string | undefined {
  const undated = text.replace(DATE_TEXT, ' ');
  const found = (MARKED.exec(undated) ?? BEFORE_DATE.exec(undated) ?? ANY.exec(undated))?.[1];
  const trimmed = found?.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  return trimmed ? trimmed : undefined;
}

const PAYMENT_WORDS = /оплат|платеж|платёж|п\/п|списани|банковск|payment|paid|receipt|remittance|zahlung/u;
const CORRECTION_WORDS = /корректир|возврат|сторно|credit\s*note|gutschrift|refund|return/u;
const DOCUMENT_WORDS = /продаж|реализац|поступлен|сч[её]т|сч\.|накладн|акт(?!\p{L})|упд|услуг|товар|invoice|bill|rechnung|factur/u;

/**
 * What a line of their act is, in our kinds, from its wording and the side it is on in THEIR act. A payment
 * on their credit side is money we paid them (our debit: payment_out); a document is an invoice unless it
 * corrects or returns one. Undefined when the wording names neither.
 */
export function theirLineKind(document: string, theirDebit: Money, theirCredit: Money): ActLineKind | undefined {
  const s = document.toLowerCase();
  if (PAYMENT_WORDS.test(s)) return theirCredit > theirDebit ? 'payment_out' : 'payment_in';
  if (CORRECTION_WORDS.test(s)) return 'credit_note';
  if (DOCUMENT_WORDS.test(s)) return 'invoice';
  return undefined;
}

// ---------------------------------------------------------------- comparing

interface Side {
  date: string;
  kind?: ActLineKind;
  number?: string;
  /** Signed from our side. */
  signed: Money;
  document: string;
  used: boolean;
}

const isDocument = (k: ActLineKind | undefined) => k === 'invoice' || k === 'credit_note';
const trailingDigits = (n: string) => /(\d+)$/.exec(n)?.[1]?.replace(/^0+(?=\d)/, '');

function ourLabel(l: ActLine): string {
  return l.number !== undefined ? `${l.kind} ${l.number} (${l.date})` : `${l.kind} (${l.date})`;
}

/**
 * Their act against ours, line by line: documents paired by number, payments by amount within three days.
 * One difference per line that differs; `opening` when the opening balances differ; `closing` only when the
 * closing balances differ by more than the line and opening differences explain.
 */
export function compareActs(ours: Act, theirs: TheirAct): ActDifference[] {
  const mine: Side[] = ours.lines.map((l) => ({
    date: l.date, kind: l.kind, signed: l.debit - l.credit, document: ourLabel(l), used: false,
    ...(l.number !== undefined ? { number: l.number } : {}),
  }));
  // Their debit is our credit and the reverse.
  const their: Side[] = theirs.lines.map((l) => {
    const kind = l.kind ?? theirLineKind(l.document, l.debit, l.credit);
    const number = l.number ?? (kind === 'payment_in' || kind === 'payment_out' ? undefined : documentNumber(l.document));
    return { date: l.date, signed: l.credit - l.debit, document: l.document, used: false, ...(kind ? { kind } : {}), ...(number !== undefined ? { number } : {}) };
  });
  const pairs: [Side, Side][] = [];
  const pair = (a: Side, b: Side) => { a.used = b.used = true; pairs.push([a, b]); };
  const free = (list: Side[]) => list.filter((s) => !s.used);

  // 1. Documents by number, as written; then by the number's digits without leading zeros (`БО00-000115` is 115) when that is unique.
  for (const t of their.filter((s) => s.number !== undefined && !(s.kind === 'payment_in' || s.kind === 'payment_out'))) {
    const n = normaliseNumber(t.number!);
    const same = free(mine).filter((m) => isDocument(m.kind) && m.number !== undefined && normaliseNumber(m.number) === n);
    const best = same.find((m) => m.kind === t.kind && m.signed === t.signed) ?? same.find((m) => m.kind === t.kind) ?? same[0];
    if (best) pair(best, t);
  }
  for (const t of free(their).filter((s) => s.number !== undefined && !(s.kind === 'payment_in' || s.kind === 'payment_out'))) {
    const d = trailingDigits(normaliseNumber(t.number!));
    if (!d) continue;
    const same = free(mine).filter((m) => isDocument(m.kind) && m.number !== undefined && trailingDigits(normaliseNumber(m.number)) === d);
    const others = free(their).filter((o) => o !== t && o.number !== undefined && trailingDigits(normaliseNumber(o.number)) === d);
    if (same.length === 1 && others.length === 0) pair(same[0]!, t);
  }
  // 2. Everything else by the same signed amount within three days, the nearest date first.
  for (const t of free(their)) {
    const near = free(mine)
      .filter((m) => m.signed === t.signed && Math.abs(daysBetween(m.date, t.date)) <= 3 && !(isDocument(m.kind) && isDocument(t.kind) && m.number !== undefined && t.number !== undefined))
      .sort((a, b) => Math.abs(daysBetween(a.date, t.date)) - Math.abs(daysBetween(b.date, t.date)));
    if (near[0]) pair(near[0], t);
  }
  // 3. A payment on the same date in the same direction but for another amount: one line that differs, not two.
  for (const t of free(their).filter((s) => !isDocument(s.kind))) {
    const same = free(mine).filter((m) => !isDocument(m.kind) && m.date === t.date && m.signed > 0n === t.signed > 0n);
    if (same.length === 1) pair(same[0]!, t);
  }

  const out: ActDifference[] = [];
  const keys = new Map<string, number>();
  const keyOf = (s: Side) => {
    const base = isDocument(s.kind) && s.number !== undefined ? `${s.kind}:${normaliseNumber(s.number)}`
      : s.kind === undefined && s.number !== undefined ? `document:${normaliseNumber(s.number)}`
        : `payment:${s.date}:${formatMoney(abs(s.signed))}`;
    const seen = (keys.get(base) ?? 0) + 1;
    keys.set(base, seen);
    return seen === 1 ? base : `${base}#${seen}`;
  };
  const facts = (s: Side) => ({ date: s.date, ...(s.kind ? { lineKind: s.kind } : {}), ...(s.number !== undefined ? { number: s.number } : {}) });
  let explained = 0n;
  const openingTheirs = theirs.opening ? theirs.opening.credit - theirs.opening.debit : 0n;
  if (openingTheirs !== ours.opening) {
    out.push({ key: 'opening', kind: 'opening', document: 'opening', ours: ours.opening, theirs: openingTheirs, date: ours.from });
    explained += openingTheirs - ours.opening;
  }
  const rows: { at: string; diff: ActDifference }[] = [];
  for (const [m, t] of pairs) {
    if (m.signed === t.signed) continue;
    rows.push({ at: m.date, diff: { key: keyOf(m), kind: 'amount', document: t.document, ours: m.signed, theirs: t.signed, ...facts(m) } });
    explained += t.signed - m.signed;
  }
  for (const t of free(their)) {
    rows.push({ at: t.date, diff: { key: keyOf(t), kind: 'missing_ours', document: t.document, theirs: t.signed, ...facts(t) } });
    explained += t.signed;
  }
  for (const m of free(mine)) {
    rows.push({ at: m.date, diff: { key: keyOf(m), kind: 'missing_theirs', document: m.document, ours: m.signed, ...facts(m) } });
    explained -= m.signed;
  }
  rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  out.push(...rows.map((r) => r.diff));
  // Their stated closing balance; when they state none, what their own lines add up to.
  const closingTheirs = theirs.closing
    ? theirs.closing.credit - theirs.closing.debit
    : openingTheirs + sumMoney(their.map((s) => s.signed));
  if (closingTheirs !== ours.closing + explained) {
    out.push({ key: 'closing', kind: 'closing', document: 'closing', ours: ours.closing, theirs: closingTheirs, date: ours.to });
  }
  return out;
}

/** One difference as a sentence for the owner. */
export function describeDifference(t: Catalogue, d: ActDifference, currency: string): string {
  const bothSameSign = d.ours === undefined || d.theirs === undefined || (d.ours >= 0n) === (d.theirs >= 0n);
  // A line's amounts are shown as written in the act (no sign) unless the two sides put it on opposite sides.
  const money = (m: Money | undefined) => showMoney(t, bothSameSign ? abs(m ?? 0n) : (m ?? 0n), currency);
  const owed = (m: Money | undefined) => {
    const v = m ?? 0n;
    return t['act.owed']({ amount: showMoney(t, abs(v), currency), side: v > 0n ? 'they_owe' : v < 0n ? 'we_owe' : 'settled' });
  };
  const document = d.lineKind && d.date ? lineDocument(t, d.lineKind, d.date, d.number) : d.document;
  switch (d.kind) {
    case 'amount':
      return t['act.difference.amount']({ document, ours: money(d.ours), theirs: money(d.theirs) });
    case 'missing_ours':
      return t['act.difference.missing_ours']({ document, amount: money(d.theirs) });
    case 'missing_theirs':
      return t['act.difference.missing_theirs']({ document, amount: money(d.ours) });
    case 'opening':
      return t['act.difference.opening']({ date: t['act.date']({ date: d.date ?? '' }), ours: owed(d.ours), theirs: owed(d.theirs) });
    case 'closing':
      return t['act.difference.closing']({ date: t['act.date']({ date: d.date ?? '' }), ours: owed(d.ours), theirs: owed(d.theirs) });
  }
}
