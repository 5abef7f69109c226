// Recurring payments a contract promises (rent, a subscription) against the bank: each due date since
// the contract's first one gets the payment nearest to it, and a due date the bank saw pass without one
// is a missed payment. Only dates the statements cover are judged: before the first statement or after
// the last one the companion does not know. Pure.
import { addDays, addMonths, daysBetween, type Money } from '../../contract/index.ts';
import type { BankRow } from './types.ts';
import { refKey } from './match/normalize.ts';

export interface RecurringContract {
  /** Wikilink to the contract note. */
  contract: string;
  counterparty?: string;
  number?: string;
  period: 'week' | 'month' | 'quarter' | 'year';
  amount: Money;
  currency: string;
  firstDue: string;
  end?: string;
  /** `us`: money out; `counterparty`: money in. */
  payer: 'us' | 'counterparty';
}

export interface DueCheck {
  due: string;
  /** The row that paid it, when one did. */
  row?: BankRow;
}

export interface RecurringResult {
  contract: RecurringContract;
  dues: DueCheck[];
  missed: DueCheck[];
}

export function nextDue(due: string, period: RecurringContract['period'], n = 1): string {
  if (period === 'week') return addDays(due, 7 * n);
  return addMonths(due, n * (period === 'month' ? 1 : period === 'quarter' ? 3 : 12));
}

/** How many days late a payment may be and still count for its date, and how early. */
function window(period: RecurringContract['period']): { early: number; late: number } {
  return period === 'week' ? { early: 3, late: 3 } : { early: 15, late: 10 };
}

/**
 * Due dates from the first to the last the statements cover (`coveredTo` less the lateness allowed),
 * each paid by the closest unused row of the counterparty (or citing the contract's number) whose amount
 * is the contract's within `tolerance`.
 */
export function checkRecurring(c: RecurringContract, rows: readonly BankRow[], covered: { from: string; to: string }, tolerance: Money): RecurringResult {
  const w = window(c.period);
  const number = c.number ? refKey(c.number) : '';
  const sign = c.payer === 'us' ? -1n : 1n;
  const candidates = rows.filter((r) => {
    if (r.currency !== c.currency || r.amount * sign <= 0n) return false;
    const abs = r.amount < 0n ? -r.amount : r.amount;
    const diff = abs - c.amount;
    if ((diff < 0n ? -diff : diff) > tolerance) return false;
    if (c.counterparty && r.counterparty === c.counterparty) return true;
    return number.length >= 2 && refKey(r.text).includes(number);
  });
  const used = new Set<BankRow>();
  const dues: DueCheck[] = [];
  for (let k = 0, due = c.firstDue; ; due = nextDue(c.firstDue, c.period, ++k)) {
    if (c.end && due > c.end) break;
    if (addDays(due, w.late) > covered.to) break;
    if (due < addDays(covered.from, w.early)) continue;
    let best: BankRow | undefined;
    for (const r of candidates) {
      if (used.has(r)) continue;
      const off = daysBetween(due, r.date);
      if (off < -w.early || off > w.late) continue;
      if (!best || Math.abs(off) < Math.abs(daysBetween(due, best.date))) best = r;
    }
    if (best) used.add(best);
    dues.push(best ? { due, row: best } : { due });
    if (k > 5000) break;
  }
  return { contract: c, dues, missed: dues.filter((d) => !d.row) };
}
