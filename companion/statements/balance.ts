// The exact balance check: opening + movements = closing, for the whole statement and for every
// balance block the file states. A mismatch is reported with its figures, never imported silently.
import { formatMoney, type Money } from '../../contract/money.ts';
import type { ParsedStatement, StatementEntry } from './model.ts';

/** Cumulative inflow and outflow by booking date, for sums over any date range. */
class DaySums {
  private readonly dates: string[];
  private readonly cumIn: Money[];
  private readonly cumOut: Money[];
  constructor(entries: readonly StatementEntry[]) {
    const byDay = new Map<string, [Money, Money]>();
    for (const e of entries) {
      const t = byDay.get(e.bookingDate) ?? [0n, 0n];
      if (e.amount >= 0n) t[0] += e.amount; else t[1] -= e.amount;
      byDay.set(e.bookingDate, t);
    }
    this.dates = [...byDay.keys()].sort();
    this.cumIn = [0n];
    this.cumOut = [0n];
    for (const d of this.dates) {
      const [i, o] = byDay.get(d)!;
      this.cumIn.push(this.cumIn[this.cumIn.length - 1]! + i);
      this.cumOut.push(this.cumOut[this.cumOut.length - 1]! + o);
    }
  }
  /** Index of the first date >= d. */
  private lower(d: string): number {
    let lo = 0, hi = this.dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dates[mid]! < d) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  between(from: string, to: string): { inSum: Money; outSum: Money } {
    const a = this.lower(from);
    let z = this.lower(to);
    if (z < this.dates.length && this.dates[z] === to) z++;
    if (z <= a) return { inSum: 0n, outSum: 0n };
    return { inSum: this.cumIn[z]! - this.cumIn[a]!, outSum: this.cumOut[z]! - this.cumOut[a]! };
  }
}

export interface BalanceCheck {
  status: 'ok' | 'mismatch' | 'none';
  /** One line per failed check, with the figures. */
  problems: string[];
  movements: Money;
}

export function checkBalances(st: ParsedStatement): BalanceCheck {
  const problems: string[] = [];
  const booked = st.entries.filter((e) => !e.provisional);
  let movements = 0n;
  for (const e of booked) movements += e.amount;
  const f = (m: Money) => formatMoney(m);
  let checked = false;
  // With several blocks the blocks are checked one by one: they need not be contiguous (MT940 pages).
  if (st.openingBalance !== undefined && st.closingBalance !== undefined && st.blocks.length <= 1) {
    checked = true;
    const expected = st.openingBalance + movements;
    if (expected !== st.closingBalance) {
      problems.push(`statement: opening ${f(st.openingBalance)} + movements ${f(movements)} = ${f(expected)}, but the closing balance is ${f(st.closingBalance)} (difference ${f(st.closingBalance - expected)})`);
    }
  }
  if (st.blocks.length > 1 || (st.blocks.length === 1 && (st.blocks[0]!.totalIn !== undefined || st.blocks[0]!.totalOut !== undefined))) {
    // Inflow and outflow per day once, as running sums: each block then costs two look-ups, so a
    // statement with a block per day stays linear in its transactions.
    const sums = new DaySums(booked);
    for (const b of st.blocks) {
      checked = true;
      if (b.movements !== undefined) {
        if (b.opening + b.movements !== b.closing) {
          problems.push(`${b.from}..${b.to}: opening ${f(b.opening)} + movements ${f(b.movements)} = ${f(b.opening + b.movements)}, but closing is ${f(b.closing)}`);
        }
        continue;
      }
      const { inSum, outSum } = sums.between(b.from, b.to);
      const span = b.from === b.to ? b.from : `${b.from}..${b.to}`;
      if (b.currency && b.currency !== st.currency) problems.push(`${span}: balance in ${b.currency}, account in ${st.currency}`);
      if (b.totalIn !== undefined && b.totalOut !== undefined && b.opening + b.totalIn - b.totalOut !== b.closing) {
        problems.push(`${span}: opening ${f(b.opening)} + in ${f(b.totalIn)} - out ${f(b.totalOut)} = ${f(b.opening + b.totalIn - b.totalOut)}, but closing is ${f(b.closing)}`);
      }
      if (b.totalIn !== undefined && b.totalIn !== inSum) problems.push(`${span}: stated inflow ${f(b.totalIn)}, transactions sum to ${f(inSum)}`);
      if (b.totalOut !== undefined && b.totalOut !== outSum) problems.push(`${span}: stated outflow ${f(b.totalOut)}, transactions sum to ${f(outSum)}`);
      if (b.totalIn === undefined && b.totalOut === undefined && b.opening + inSum - outSum !== b.closing) {
        problems.push(`${span}: opening ${f(b.opening)} + movements ${f(inSum - outSum)} = ${f(b.opening + inSum - outSum)}, but closing is ${f(b.closing)}`);
      }
    }
  }
  return { status: !checked ? 'none' : problems.length ? 'mismatch' : 'ok', problems, movements };
}
