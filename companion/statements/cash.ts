// The cash position, computed and rendered without I/O: balance per account as of its latest statement,
// changes, flows over 30 and 90 days (own transfers excluded), freshness, history and runway. Amounts of
// different currencies are only added up with a rate from a dated exchange-rates note, shown beside them.
import { formatMoney, multiplyMoney, roundMoney, moneyToNumber, type Money } from '../../contract/money.ts';
import { escapeCell } from '../../contract/markdown-table.ts';
import { addDays, daysBetween } from '../../contract/dates.ts';
import type { Rates } from '../core/rates.ts';
import type { Catalogue } from '../core/i18n/index.ts';

export interface DayTotals { inflow: Money; outflow: Money; ownIn: Money; ownOut: Money }

export interface AccountSnapshot {
  account: string;
  currency: string;
  bank?: string;
  /** Closing balance of the latest statement (by period end). */
  balance?: Money;
  balanceDate?: string;
  /** Closing balance of the statement before it. */
  previousBalance?: Money;
  /** Last statement's balances did not check. */
  mismatch: boolean;
  /** Sum of provisional (not yet booked) movements. */
  pending: Money;
  days: ReadonlyMap<string, DayTotals>;
}


export interface HistoryRow { date: string; totals: Record<string, string>; total_base?: string }

export interface CashInput {
  asOf: string;
  today: string;
  timezone: string;
  base: string;
  accounts: readonly AccountSnapshot[];
  rates?: Rates;
  history: readonly HistoryRow[];
  staleDays: number;
  /** The owner's language's texts. */
  t: Catalogue;
}

export interface CashResult {
  frontmatter: {
    as_of: string; base_currency: string; total_base?: number; runway_months?: number; accounts: number; stale_accounts: number; rates_note?: string;
  };
  body: string;
  history: HistoryRow[];
}


const fm = (m: Money) => formatMoney(m);
const signed = (m: Money) => (m > 0n ? '+' : '') + formatMoney(m);

export function computeCash(input: CashInput): CashResult {
  const { today, base, t } = input;
  const yesterday = addDays(today, -1);
  const from30 = addDays(today, -30), from90 = addDays(today, -90);
  const accounts = [...input.accounts].sort((a, b) => a.currency.localeCompare(b.currency) || a.account.localeCompare(b.account));
  const perCcy = new Map<string, { balance: Money; in30: Money; out30: Money; in90: Money; out90: Money; known: boolean }>();
  const rows: string[][] = [];
  let stale = 0;
  for (const a of accounts) {
    const c = perCcy.get(a.currency) ?? { balance: 0n, in30: 0n, out30: 0n, in90: 0n, out90: 0n, known: true };
    perCcy.set(a.currency, c);
    let sinceYesterday = 0n;
    for (const [date, t] of a.days) {
      // Since yesterday: from the start of yesterday, so the overnight statement's day shows.
      if (date >= yesterday && date <= today) sinceYesterday += t.inflow - t.outflow;
      if (date > today) continue;
      // Own transfers move money between pockets: not income, not spending.
      if (date > from30) { c.in30 += t.inflow - t.ownIn; c.out30 += t.outflow - t.ownOut; }
      if (date > from90) { c.in90 += t.inflow - t.ownIn; c.out90 += t.outflow - t.ownOut; }
    }
    if (a.balance === undefined) c.known = false;
    else c.balance += a.balance;
    const age = a.balanceDate ? daysBetween(a.balanceDate, today) : undefined;
    const isStale = age === undefined || age > input.staleDays;
    if (isStale) stale++;
    rows.push([
      a.account + (a.bank ? ` (${a.bank})` : ''),
      a.currency,
      a.balance === undefined ? t['cash.unknown']() : fm(a.balance) + (a.mismatch ? ` ${t['cash.mismatch']()}` : ''),
      a.balanceDate ?? '',
      a.balance !== undefined && a.previousBalance !== undefined ? signed(a.balance - a.previousBalance) : '',
      signed(sinceYesterday),
      age === undefined ? t['cash.no_statement']() : t['cash.age']({ days: age, stale: isStale }),
      a.pending !== 0n ? signed(a.pending) : '',
    ]);
  }

  // Conversion into the base currency, only with a dated rate.
  const ccys = [...perCcy.keys()].sort((a, b) => (a === base ? -1 : b === base ? 1 : a.localeCompare(b)));
  const missing = ccys.filter((c) => c !== base && input.rates?.rates[c] === undefined);
  const convert = (m: Money, ccy: string): Money | undefined =>
    ccy === base ? m : input.rates?.rates[ccy] !== undefined ? roundMoney(multiplyMoney(m, input.rates.rates[ccy]!)) : undefined;
  let totalBase: Money | undefined = 0n;
  let net90Base: Money | undefined = 0n;
  const totalRows: string[][] = [];
  for (const c of ccys) {
    const t = perCcy.get(c)!;
    const inBase = t.known ? convert(t.balance, c) : undefined;
    if (inBase === undefined || totalBase === undefined) totalBase = undefined;
    else totalBase += inBase;
    const net = convert(t.out90 - t.in90, c);
    net90Base = net === undefined || net90Base === undefined ? undefined : net90Base + net;
    const rate = c === base ? '1' : input.rates?.rates[c] !== undefined ? `${input.rates.rates[c]} (${input.rates.date})` : input.t['cash.no_rate']();
    totalRows.push([c, t.known ? fm(t.balance) : input.t['cash.unknown'](), rate, inBase === undefined ? '' : fm(inBase)]);
  }
  if (missing.length) totalBase = undefined;

  let runway: number | undefined;
  let runwayText: string;
  if (totalBase === undefined) runwayText = missing.length ? t['cash.runway.no_rate']({ currencies: missing.join(', ') }) : t['cash.runway.unknown']();
  else if (net90Base === undefined) runwayText = t['cash.runway.flows_no_rate']();
  else if (net90Base <= 0n) runwayText = t['cash.runway.none']({ inflow: `${fm(-net90Base)} ${base}` });
  else {
    const monthly = net90Base / 3n;
    runway = Math.round((Number(totalBase) / Number(net90Base / 3n || 1n)) * 10) / 10;
    runwayText = t['cash.runway.months']({ months: runway.toFixed(1), cash: `${fm(totalBase)} ${base}`, monthly: `${fm(monthly)} ${base}` });
  }

  const history = input.history.filter((h) => h.date !== today);
  const totals: Record<string, string> = {};
  for (const c of ccys) if (perCcy.get(c)!.known) totals[c] = fm(perCcy.get(c)!.balance);
  const row: HistoryRow = { date: today, totals };
  if (totalBase !== undefined) row.total_base = fm(totalBase);
  history.push(row);
  history.sort((a, b) => (a.date < b.date ? -1 : 1));
  const kept = history.slice(-90);

  const table = (header: string[], body: string[][]) =>
    [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)].join('\n');
  const flowRows = ccys.map((c) => { const t = perCcy.get(c)!; return [c, fm(t.in30), fm(t.out30), fm(t.in90), fm(t.out90)]; });
  const histCcys = [...new Set(kept.flatMap((h) => Object.keys(h.totals)))].sort((a, b) => (a === base ? -1 : b === base ? 1 : a.localeCompare(b)));
  const lines = [
    `# ${t['cash.title']()}`,
    '',
    t['cash.intro']({ asOf: input.asOf, timezone: input.timezone, base }),
    '',
    `## ${t['cash.accounts']()}`,
    '',
    table(t['cash.cols.accounts'](), rows),
    '',
    `## ${t['cash.totals']()}`,
    '',
    table(t['cash.cols.totals']({ base }), totalRows),
    '',
    totalBase === undefined
      ? t['cash.total.none']({ base, why: missing.length ? t['cash.total.no_rate']({ currencies: missing.join(', ') }) : t['cash.total.unknown']() })
      : t['cash.total']({ base, total: fm(totalBase), ...(input.rates && ccys.some((c) => c !== base) ? { note: input.rates.note, date: input.rates.date } : {}) }),
    '',
    `## ${t['cash.flows']()}`,
    '',
    t['cash.flows.own'](),
    '',
    table(t['cash.cols.flows'](), flowRows),
    '',
    `## ${t['cash.runway']()}`,
    '',
    runwayText,
    '',
    `## ${t['cash.history']()}`,
    '',
    table([t['cash.cols.date'](), ...histCcys, t['cash.cols.total']({ base })], kept.slice().reverse().slice(0, 30).map((h) => [h.date, ...histCcys.map((c) => h.totals[c] ?? ''), h.total_base ?? ''])),
    '',
  ];
  const front: CashResult['frontmatter'] = { as_of: input.asOf, base_currency: base, accounts: accounts.length, stale_accounts: stale };
  if (totalBase !== undefined) front.total_base = moneyToNumber(totalBase);
  if (runway !== undefined) front.runway_months = runway;
  if (input.rates && ccys.some((c) => c !== base)) front.rates_note = `[[${input.rates.note}]]`;
  return { frontmatter: front, body: lines.join('\n'), history: kept };
}
