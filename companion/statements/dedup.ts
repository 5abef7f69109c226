// Deduplication across overlapping statements and re-imports, as the good tools do it: the bank's own
// id first; without one, amount + date + text hashed with an occurrence index (YNAB). A bank id seen
// again with other figures, or a same-amount movement a day or two apart from another statement, is
// a doubt: the row is kept and the owner asked. Nothing is merged silently.
import { shortHash } from '../../contract/names.ts';
import type { Money } from '../../contract/money.ts';
import type { StatementEntry } from './model.ts';

export interface KeyedEntry {
  entry: StatementEntry;
  key: string;
  fingerprint: string;
}

export const fingerprint = (date: string, amount: Money): string => `${date}|${amount}`;

function normText(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Keys for a statement's entries; the n-th identical movement of a statement gets `#n`. */
export function keyEntries(entries: readonly StatementEntry[]): KeyedEntry[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base = entry.bankId
      ? `b:${entry.bankId.length > 40 ? shortHash(entry.bankId, 16) : entry.bankId}`
      : `h:${shortHash(`${entry.bookingDate}|${entry.amount}|${normText(entry.text)}|${entry.counterpartyAccount ?? ''}`, 16)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { entry, key: n === 1 ? base : `${base}#${n}`, fingerprint: fingerprint(entry.bookingDate, entry.amount) };
  });
}

export interface ExistingRow {
  key: string;
  date: string;
  amount: Money;
  statement: string;
  hasBankId: boolean;
}

export interface Doubt {
  keyed: KeyedEntry;
  reason: string;
  /** What it may duplicate. */
  other?: ExistingRow;
}

export interface MergePlan {
  fresh: KeyedEntry[];
  duplicates: number;
  doubts: Doubt[];
}

function dayDiff(a: string, b: string): number {
  return Math.abs(Date.parse(a + 'T00:00:00Z') - Date.parse(b + 'T00:00:00Z')) / 86_400_000;
}

/**
 * Splits a statement's keyed entries into fresh rows and exact duplicates, and lists the doubts.
 * `keys` maps every known key of the account to its fingerprint; `nearby` holds the existing rows of
 * the months the statement touches, for the same-amount-nearby check.
 */
export function planMerge(keyed: readonly KeyedEntry[], keys: ReadonlyMap<string, string>, nearby: readonly ExistingRow[], statement: string): MergePlan {
  const fresh: KeyedEntry[] = [];
  const doubts: Doubt[] = [];
  let duplicates = 0;
  const byAmount = new Map<Money, ExistingRow[]>();
  for (const r of nearby) {
    const list = byAmount.get(r.amount);
    if (list) list.push(r); else byAmount.set(r.amount, [r]);
  }
  for (const k of keyed) {
    const known = keys.get(k.key);
    if (known !== undefined) {
      if (known === k.fingerprint) { duplicates++; continue; }
      // The bank reused an id for other figures: a new row under a qualified key, and a question.
      const q: KeyedEntry = { ...k, key: `${k.key}~${shortHash(k.fingerprint, 6)}` };
      if (keys.get(q.key) === q.fingerprint) { duplicates++; continue; }
      doubts.push({ keyed: q, reason: `bank id ${k.entry.bankId ?? k.key} was already imported with other figures (${known.replace('|', ', ')})` });
      fresh.push(q);
      continue;
    }
    const near = (byAmount.get(k.entry.amount) ?? []).find((r) =>
      r.statement !== statement && dayDiff(r.date, k.entry.bookingDate) <= 2 && !(r.hasBankId && k.entry.bankId));
    if (near) doubts.push({ keyed: k, reason: `same amount ${near.date === k.entry.bookingDate ? 'on the same day' : `${dayDiff(near.date, k.entry.bookingDate)} day(s) apart`} as a row from ${near.statement}`, other: near });
    fresh.push(k);
  }
  return { fresh, duplicates, doubts };
}
