// Outgoing payments that could be money lost: paid twice, a first large payment to a stranger, a payment
// far outside what a payee is usually paid, money sent to an account the counterparty's note does not
// list. Only payments booked in the last PAYMENT_DAYS are raised; the whole ledger is their history.
import { accountKey, addDays, daysBetween, formatMoney, linkTarget, linkToNote } from '../../contract/index.ts';
import type { BankRow } from '../core/bank.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import { MIN_HISTORY_DAYS, PAYMENT_DAYS, type CounterpartyFact, type Finding, type RiskConfig, type RiskInput } from './types.ts';

export const rowTarget = (r: Pick<BankRow, 'ledger' | 'key'>) => `row:${r.ledger}#${r.key}`;
const digits = (s: string) => s.replace(/\D/g, '');

/** Who a row pays: its counterparty note, else its tax id, account or name as the bank gave them. */
export function payeeKey(r: Pick<BankRow, 'counterparty' | 'counterpartyTaxId' | 'counterpartyAccount' | 'counterpartyName'>): string {
  if (r.counterparty) return `cp:${r.counterparty}`;
  if (r.counterpartyTaxId) return `tax:${digits(r.counterpartyTaxId)}`;
  if (r.counterpartyAccount) return `acc:${accountKey(r.counterpartyAccount)}`;
  return `name:${(r.counterpartyName ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()}`;
}

const partyName = (r: BankRow) => (r.counterparty ? linkTarget(r.counterparty) ?? r.counterparty : r.counterpartyName || r.counterpartyTaxId || r.counterpartyAccount || '?');
const money = (r: BankRow) => `${formatMoney(r.amount < 0n ? -r.amount : r.amount)} ${r.currency}`;

/** The words of a purpose, numbers kept as they are (an invoice number tells two payments apart), dates and noise dropped. */
function words(text: string): Set<string> {
  const t = text.toLowerCase().replace(/ё/g, 'е').replace(/\d{1,2}[./]\d{1,2}[./]\d{2,4}/g, ' ');
  return new Set(t.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1 || /\d/.test(w)));
}

/** Dice overlap of two purposes' words: 1 for the same words, 0 for none shared. */
export function purposeSimilarity(a: string, b: string): number {
  const x = words(a), y = words(b);
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return (2 * both) / (x.size + y.size);
}

/** Near-identical purposes: every word but a spelling or an abbreviation shared. */
const NEAR_IDENTICAL = 0.8;

export function duplicatePayments(input: RiskInput, cfg: RiskConfig, t: Catalogue, examined: Set<string>): Finding[] {
  const since = addDays(input.today, -PAYMENT_DAYS);
  const lookback = addDays(since, -cfg.duplicateWindowDays);
  const byPayee = new Map<string, BankRow[]>();
  for (const r of input.rows) {
    if (r.amount >= 0n || r.date < lookback) continue;
    const k = payeeKey(r);
    (byPayee.get(k) ?? byPayee.set(k, []).get(k)!).push(r);
  }
  const out: Finding[] = [];
  for (const rows of byPayee.values()) {
    for (let j = 0; j < rows.length; j++) {
      const b = rows[j]!;
      if (b.date < since) continue;
      examined.add(rowTarget(b));
      for (let i = 0; i < j; i++) {
        const a = rows[i]!;
        const sameRef = !!a.reference && a.reference === b.reference && a.currency === b.currency;
        const days = daysBetween(a.date, b.date);
        const sameAmount = a.amount === b.amount && a.currency === b.currency && days <= cfg.duplicateWindowDays && purposeSimilarity(a.text, b.text) >= NEAR_IDENTICAL;
        if (!sameRef && !sameAmount) continue;
        if (input.askedDuplicates.has(a.key) || input.askedDuplicates.has(b.key)) continue;
        out.push({
          finding_key: `duplicate_payment:${a.ledger}#${a.key}:${b.ledger}#${b.key}`,
          kind: 'duplicate_payment',
          title: t['risk.duplicate.title']({ party: partyName(b), amount: money(b) }),
          why: t['risk.duplicate.why']({ first: a.date, second: b.date, reason: sameRef ? t['risk.duplicate.same_reference']() : t['risk.duplicate.same_amount']({ days }) }),
          severity: 'high',
          evidence: [...new Set([linkToNote(a.ledger), linkToNote(b.ledger)])],
          options: (['refund', 'not_duplicate'] as const).map((id) => ({ id, text: t[`risk.duplicate.${id}`]() })),
          targets: [rowTarget(a), rowTarget(b)],
          details: rowTable([a, b]),
          ...(b.counterparty ? { counterparty: b.counterparty } : {}),
        });
        break;
      }
    }
  }
  return out;
}

function rowTable(rows: readonly BankRow[]): string {
  const cell = (s: string) => s.replace(/[|\\\r\n]/g, ' ');
  return ['| Date | Amount | Payee | Account | Purpose | Ref |', '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.date} | ${formatMoney(r.amount)} ${r.currency} | ${cell(partyName(r))} | ${cell(r.counterpartyAccount ?? '')} | ${cell(r.text.slice(0, 120))} | ${cell(r.reference ?? '')} |`)].join('\n');
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** How many robust standard deviations (MAD-scaled) above the payee's median an amount is. */
export function robustExcess(history: readonly number[], x: number): number {
  const sorted = [...history].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const mad = quantile(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b), 0.5);
  // A payee paid the same sum every time has no spread: a tenth of the usual sum stands in for it.
  const scale = Math.max(1.4826 * mad, 0.1 * median, 1e-9);
  return (x - median) / scale;
}
/** Past payments a payee needs before its own history says what is unusual for it. */
const MIN_PAYEE_HISTORY = 4;
const UNUSUAL_EXCESS = 6;

export function unusualPayments(input: RiskInput, cfg: RiskConfig, t: Catalogue, examined: Set<string>): Finding[] {
  const since = addDays(input.today, -PAYMENT_DAYS);
  const past = new Map<string, { date: string; base: number }[]>();
  const allOut: number[] = [];
  const histFrom = addDays(input.today, -90);
  const out: Finding[] = [];
  const threshold = () => {
    if (cfg.newPayeeAmount > 0) return cfg.newPayeeAmount;
    return quantile([...allOut].sort((a, b) => a - b), 0.9);
  };
  // Rows oldest first: each is judged against what came before it.
  const recent: { r: BankRow; base: number }[] = [];
  for (const r of input.rows) {
    if (r.amount >= 0n) continue;
    const base = input.toBase(-r.amount, r.currency, r.date);
    if (base === undefined) continue;
    if (r.date >= since) {
      recent.push({ r, base });
      // The business's own recent payments count towards what is usual for it.
      allOut.push(base);
    } else {
      const k = payeeKey(r);
      (past.get(k) ?? past.set(k, []).get(k)!).push({ date: r.date, base });
      if (r.date >= histFrom) allOut.push(base);
    }
  }
  for (const p of input.pastOut) {
    (past.get(p.payee) ?? past.set(p.payee, []).get(p.payee)!).push({ date: p.date, base: p.base });
    if (p.date >= histFrom) allOut.push(p.base);
  }
  const limit = threshold();
  for (const { r, base } of recent) {
    examined.add(rowTarget(r));
    const k = payeeKey(r);
    const before = (past.get(k) ?? []).filter((p) => p.date < r.date);
    const from = input.historyFrom.get(r.account);
    if (before.length === 0) {
      // "Never paid before" where the ledger reaches back far enough to say so; over a shorter ledger,
      // only a payee no counterparty note knows (a stranger) is one.
      const longHistory = from !== undefined && daysBetween(from, r.date) >= MIN_HISTORY_DAYS;
      if ((longHistory || !r.counterparty) && limit > 0 && base > limit) {
        out.push(unusual(r, t, t['risk.unusual.title_new']({ party: partyName(r), amount: money(r) }), t['risk.unusual.why_new']({ threshold: `${formatBase(limit)} ${input.base}`, since: from ?? r.date })));
      }
    } else if (before.length >= MIN_PAYEE_HISTORY && robustExcess(before.map((p) => p.base), base) > UNUSUAL_EXCESS) {
      const median = quantile(before.map((p) => p.base).sort((a, b) => a - b), 0.5);
      out.push(unusual(r, t, t['risk.unusual.title_size']({ party: partyName(r), amount: money(r) }), t['risk.unusual.why_size']({ median: `${formatBase(median)} ${input.base}`, count: before.length })));
    }
    (past.get(k) ?? past.set(k, []).get(k)!).push({ date: r.date, base });
  }
  return out;
}

const formatBase = (n: number) => n.toFixed(2);

function unusual(r: BankRow, t: Catalogue, title: string, why: string): Finding {
  return {
    finding_key: `unusual_payment:${r.ledger}#${r.key}:${formatMoney(r.amount)}`,
    kind: 'unusual_payment',
    title,
    why,
    severity: 'high',
    evidence: [linkToNote(r.ledger)],
    options: (['expected', 'investigate'] as const).map((id) => ({ id, text: t[`risk.unusual.${id}`]() })),
    targets: [rowTarget(r)],
    details: rowTable([r]),
    ...(r.counterparty ? { counterparty: r.counterparty } : {}),
  };
}


/** An outgoing payment to an account the counterparty's note does not list (the note lists some). */
export function paymentsToUnknownAccounts(input: RiskInput, t: Catalogue, examined: Set<string>): Finding[] {
  const since = addDays(input.today, -PAYMENT_DAYS);
  const byLink = new Map<string, CounterpartyFact>(input.counterparties.map((c) => [c.link, c]));
  const out: Finding[] = [];
  for (const r of input.rows) {
    if (r.amount >= 0n || r.date < since || !r.counterparty || !r.counterpartyAccount) continue;
    examined.add(rowTarget(r));
    const cp = byLink.get(r.counterparty);
    if (!cp || cp.accounts.length === 0) continue;
    const acc = accountKey(r.counterpartyAccount);
    if (cp.accounts.some((a) => accountKey(a) === acc) || (input.confirmedAccounts.has(acc) && !input.fraudAccounts.has(acc))) continue;
    out.push({
      finding_key: `bank_details_changed:row:${r.ledger}#${r.key}:${acc}`,
      kind: 'bank_details_changed',
      title: t['risk.bank.title_payment']({ party: cp.name, account: acc }),
      why: t['risk.bank.why_payment']({ date: r.date, amount: money(r), known: cp.accounts.join(', ') }),
      severity: input.fraudAccounts.has(acc) ? 'critical' : 'high',
      evidence: [linkToNote(r.ledger), cp.link],
      options: (['confirmed', 'fraud'] as const).map((id) => ({ id, text: t[`risk.bank.${id}`]() })),
      targets: [rowTarget(r), `account:${acc}`],
      counterparty: cp.link,
      details: rowTable([r]),
    });
  }
  return out;
}
