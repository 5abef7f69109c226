// What the owner reads: one reconciliation report per month and one balance note per counterparty,
// rendered from the reconciled state in the owner's language. Pure: the caller gathers the state and
// writes the notes.
import { addDays, daysBetween, escapeCell, formatMoney, linkTarget, renderTable, sumMoney, type Money } from '../../contract/index.ts';
import { byText } from '../core/bank.ts';
import type { Catalogue } from '../core/i18n/index.ts';

/** An invoice as the reports show it. */
export interface InvoiceLine {
  /** Wikilink to its record. */
  link: string;
  number: string;
  direction: 'incoming' | 'outgoing';
  counterparty?: string;
  counterpartyName?: string;
  issued: string;
  due?: string;
  currency: string;
  /** What it asks, less prepayments and credits. */
  payable: Money;
  cancelled: boolean;
  /** Payments (date, amount) allocated to it. */
  paid: { date: string; amount: Money }[];
  /** `settledOn` worked out once (null: never settled), for reports over many months. */
  settled?: string | null;
}

export interface RowLine {
  id: string;
  ledger: string;
  key: string;
  date: string;
  amount: Money;
  currency: string;
  counterparty?: string;
  counterpartyName?: string;
  text: string;
}

export interface MatchLine {
  row: RowLine;
  invoice: InvoiceLine;
  amount: Money;
  how: 'auto' | 'owner' | 'rule';
  contract?: string;
}

export interface MissedLine {
  contract: string;
  counterparty?: string;
  due: string;
  amount: Money;
  currency: string;
  acknowledged: boolean;
}

export interface ReportState {
  today: string;
  generated: string;
  matches: MatchLine[];
  unmatchedRows: (RowLine & { status: 'asked' | 'waiting' | 'dismissed' | 'open' })[];
  invoices: InvoiceLine[];
  missed: MissedLine[];
  /** Text lines with what differs (their act against ours, a part payment): the caller words them. */
  differences: { date: string; text: string }[];
  review: number;
}

/** Rows a section of a report lists; the count of the rest follows. */
export const REPORT_ROWS = 200;

const money = (m: Money, currency: string) => `${formatMoney(m)} ${currency}`;
const ledgerLink = (ledger: string) => `[[${ledger}|${ledger.split('/').slice(-2).join(' ')}]]`;

/** The day an invoice's payments first cover it (none: still open): a month's report tests this, not every payment. */
export function settledOn(inv: InvoiceLine): string | undefined {
  let paid = 0n;
  for (const p of [...inv.paid].sort((a, b) => byText(a.date, b.date))) {
    paid += p.amount;
    if (paid >= inv.payable) return p.date;
  }
  return inv.payable <= 0n ? inv.issued : undefined;
}

/** What is still open on an invoice on a day: payments made by then count. */
export function openOn(inv: InvoiceLine, day: string): Money {
  const paid = sumMoney(inv.paid.filter((p) => p.date <= day).map((p) => p.amount));
  const open = inv.payable - paid;
  return open > 0n ? open : 0n;
}

export interface PeriodFigures {
  matched: number;
  unmatched_bank: number;
  unmatched_records: number;
  due_soon: number;
  overdue_incoming: number;
  overdue_outgoing: number;
  differences: number;
  missed_payments: number;
}

/**
 * The report of one month, as of its last day or today, whichever comes first: matched payments, bank
 * rows without an invoice, invoices of the month not paid by then, what is due within 7 days and overdue
 * (both ways), differences and missed recurring payments.
 */
export function renderReport(t: Catalogue, period: { start: string; end: string }, s: ReportState): { body: string; figures: PeriodFigures } {
  const asOf = s.today < period.end ? s.today : period.end;
  const inPeriod = (d: string) => d >= period.start && d <= period.end;
  const matches = s.matches.filter((m) => inPeriod(m.row.date));
  const rows = s.unmatchedRows.filter((r) => inPeriod(r.date));
  const live = s.invoices.filter((i) => {
    if (i.cancelled || i.issued > asOf) return false;
    const settled = i.settled === undefined ? settledOn(i) : i.settled ?? undefined;
    return settled === undefined || settled > asOf;
  });
  const unpaid = live.filter((i) => inPeriod(i.issued));
  const dueSoon = live.filter((i) => i.due && i.due >= asOf && i.due <= addDays(asOf, 7));
  const overdue = live.filter((i) => i.due && i.due < asOf);
  const missed = s.missed.filter((m) => inPeriod(m.due));
  const diffs = s.differences.filter((d) => inPeriod(d.date));

  const party = (x: { counterparty?: string | undefined; counterpartyName?: string | undefined }) => x.counterparty ?? x.counterpartyName ?? '';
  const invoiceRows = (list: InvoiceLine[]) =>
    list
      .sort((a, b) => byText(a.due ?? a.issued, b.due ?? b.issued) || byText(a.number, b.number))
      .slice(0, REPORT_ROWS)
      .map((i) => {
        const open = openOn(i, asOf);
        const state = i.due && i.due < asOf ? t['reconcile.state.overdue']({ days: daysBetween(i.due, asOf) })
          : i.due && i.due <= addDays(asOf, 7) ? t['reconcile.state.due_in']({ days: daysBetween(asOf, i.due) })
          : open < i.payable ? t['reconcile.state.partly_paid']() : t['reconcile.state.open']();
        return [t[`reconcile.way.${i.direction}`](), `[[${linkTarget(i.link)}|${i.number}]]`, party(i), i.issued, i.due ?? '', money(open, i.currency), state];
      });
  // A section lists its first REPORT_ROWS rows and counts the rest: the records and ledgers hold them all.
  const table = (header: string[], cells: string[][], total = cells.length) =>
    !cells.length ? `${t['reconcile.report.none']()}\n` : renderTable(header, cells) + (total > cells.length ? `\n${t['reconcile.report.more']({ count: total - cells.length })}\n` : '');

  const out: string[] = [
    `# ${t['reconcile.report.title'](period)}`,
    '',
    t['reconcile.report.intro']({ asOf, matched: matches.length, unmatched: rows.length, review: rows.filter((r) => r.status === 'asked').length }),
    '',
    `## ${t['reconcile.report.matched']()}`,
    '',
    table(t['reconcile.cols.matched'](), matches.slice(0, REPORT_ROWS).map((m) => [
      m.row.date, money(m.row.amount, m.row.currency), party(m.invoice) || party(m.row), `[[${linkTarget(m.invoice.link)}|${m.invoice.number}]]`, m.contract ?? '',
      ledgerLink(m.row.ledger), m.row.key, t[`reconcile.how.${m.how}`](),
    ]), matches.length),
    `## ${t['reconcile.report.unmatched_bank']()}`,
    '',
    table(t['reconcile.cols.rows'](), rows.slice(0, REPORT_ROWS).map((r) => [
      r.date, money(r.amount, r.currency), party(r), escapeCell(r.text.slice(0, 140)), ledgerLink(r.ledger), r.key,
      r.status === 'open' ? '' : t[`reconcile.state.${r.status}`](),
    ]), rows.length),
    `## ${t['reconcile.report.unpaid']()}`,
    '',
    table(t['reconcile.cols.invoices'](), invoiceRows(unpaid), unpaid.length),
    `## ${t['reconcile.report.due_soon']()}`,
    '',
    table(t['reconcile.cols.invoices'](), invoiceRows(dueSoon), dueSoon.length),
    `## ${t['reconcile.report.overdue']()}`,
    '',
    table(t['reconcile.cols.invoices'](), invoiceRows(overdue), overdue.length),
    `## ${t['reconcile.report.differences']()}`,
    '',
    diffs.length ? diffs.map((d) => `- ${d.text}`).join('\n') + '\n' : `${t['reconcile.report.none']()}\n`,
    `## ${t['reconcile.report.missed']()}`,
    '',
    table(t['reconcile.cols.missed'](), missed.map((m) => [m.contract, m.counterparty ?? '', m.due, money(m.amount, m.currency), m.acknowledged ? t['reconcile.state.acknowledged']() : t['reconcile.state.missed']()])),
  ];
  return {
    body: out.join('\n'),
    figures: {
      matched: matches.length,
      unmatched_bank: rows.length,
      unmatched_records: unpaid.length,
      due_soon: dueSoon.length,
      overdue_incoming: overdue.filter((i) => i.direction === 'incoming').length,
      overdue_outgoing: overdue.filter((i) => i.direction === 'outgoing').length,
      differences: diffs.length,
      missed_payments: missed.length,
    },
  };
}

export interface Balance {
  currency: string;
  receivable: Money;
  payable: Money;
  overdueReceivable: Money;
  overduePayable: Money;
  open: number;
  lastPayment?: { date: string; amount: Money };
  nextDue?: { date: string; amount: Money };
}

/** Where the business stands with one counterparty, per currency (the main one first: the most open, then the most used). */
export function balances(invoices: readonly InvoiceLine[], payments: readonly RowLine[], today: string): Balance[] {
  const by = new Map<string, Balance>();
  const of = (c: string) => {
    let b = by.get(c);
    if (!b) by.set(c, (b = { currency: c, receivable: 0n, payable: 0n, overdueReceivable: 0n, overduePayable: 0n, open: 0 }));
    return b;
  };
  for (const i of invoices) {
    if (i.cancelled) continue;
    const open = openOn(i, '9999-12-31');
    const b = of(i.currency);
    if (open === 0n) continue;
    b.open++;
    const overdue = i.due !== undefined && i.due < today;
    if (i.direction === 'outgoing') {
      b.receivable += open;
      if (overdue) b.overdueReceivable += open;
    } else {
      b.payable += open;
      if (overdue) b.overduePayable += open;
    }
    if (i.due && i.due >= today && (!b.nextDue || i.due < b.nextDue.date)) b.nextDue = { date: i.due, amount: open };
  }
  for (const p of payments) {
    const b = of(p.currency);
    if (!b.lastPayment || p.date >= b.lastPayment.date) b.lastPayment = { date: p.date, amount: p.amount };
  }
  return [...by.values()].sort((a, b) => b.open - a.open || byText(b.lastPayment?.date ?? '', a.lastPayment?.date ?? '') || byText(a.currency, b.currency));
}

export function renderBalance(t: Catalogue, counterparty: string, list: readonly Balance[], invoices: readonly InvoiceLine[], today: string): string {
  const out = [`# ${t['reconcile.balance.title']({ counterparty: linkTarget(counterparty) ?? counterparty })}`, '', t['reconcile.balance.note'](), ''];
  for (const b of list) {
    if (list.length > 1) out.push(`## ${b.currency}`, '');
    out.push(...t['reconcile.balance.lines']({
      receivable: money(b.receivable, b.currency),
      payable: money(b.payable, b.currency),
      overdueIn: b.overduePayable ? money(b.overduePayable, b.currency) : '',
      overdueOut: b.overdueReceivable ? money(b.overdueReceivable, b.currency) : '',
      ...(b.lastPayment ? { last: `${b.lastPayment.date}, ${money(b.lastPayment.amount, b.currency)}` } : {}),
      ...(b.nextDue ? { next: `${b.nextDue.date}, ${money(b.nextDue.amount, b.currency)}` } : {}),
    }), '');
  }
  const open = invoices.filter((i) => !i.cancelled && openOn(i, '9999-12-31') > 0n);
  out.push(`## ${t['reconcile.balance.open']()}`, '');
  out.push(open.length
    ? renderTable(t['reconcile.cols.invoices'](), open.sort((a, b) => byText(a.due ?? a.issued, b.due ?? b.issued) || byText(a.number, b.number)).map((i) => {
        const o = openOn(i, '9999-12-31');
        const state = i.due && i.due < today ? t['reconcile.state.overdue']({ days: daysBetween(i.due, today) }) : i.due ? t['reconcile.state.due_in']({ days: daysBetween(today, i.due) }) : o < i.payable ? t['reconcile.state.partly_paid']() : t['reconcile.state.open']();
        return [t[`reconcile.way.${i.direction}`](), `[[${linkTarget(i.link)}|${i.number}]]`, i.counterpartyName ?? '', i.issued, i.due ?? '', money(o, i.currency), state];
      }))
    : `${t['reconcile.report.none']()}\n`);
  return out.join('\n');
}
