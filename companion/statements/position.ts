// Recomputes the companion-owned cash position note from the state cache, the latest dated
// exchange-rates note and the business time zone. Called after every import.
import type { JobContext } from '../core/job.ts';
import { computeCash, type AccountSnapshot, type CashResult, type HistoryRow } from './cash.ts';
import { ratesNotes, ratesOn, type Rates } from '../core/rates.ts';
import type { AccountState } from './store.ts';
import { catalogueFor } from '../core/i18n/index.ts';

export const STALE_DAYS = 3;
const HISTORY_FILE = 'cash-history.json';

/** The newest exchange-rates note dated on or before `today` in the base currency. */
export function latestRates(ctx: JobContext, base: string, today: string): Rates | undefined {
  return ratesOn(ratesNotes(ctx, base), today);
}

export function snapshots(state: { accounts: ReadonlyMap<string, AccountState> }): AccountSnapshot[] {
  return [...state.accounts].map(([account, a]) => {
    const withBalance = a.statements.filter((s) => s.closing !== undefined);
    const last = withBalance[withBalance.length - 1];
    const prev = withBalance[withBalance.length - 2];
    const snap: AccountSnapshot = {
      account, currency: a.currency, mismatch: last?.check === 'mismatch',
      pending: a.pending.reduce((sum, p) => sum + BigInt(p.amount), 0n), days: a.days,
    };
    if (a.bank) snap.bank = a.bank;
    if (last) { snap.balance = BigInt(last.closing!); snap.balanceDate = last.end; }
    if (prev) snap.previousBalance = BigInt(prev.closing!);
    return snap;
  });
}

/** The cash position note as it would be written now, from the state (nothing is written). */
export function computeCashNote(ctx: JobContext, state: { accounts: ReadonlyMap<string, AccountState> }): CashResult {
  // The business profile names the base currency; the setting is the fallback.
  const profileBase = ctx.index.byKind('business_profile')[0]?.frontmatter.base_currency;
  const base = typeof profileBase === 'string' && /^[A-Z]{3}$/.test(profileBase) ? profileBase : ctx.settings.string('base_currency');
  const today = ctx.clock.localDate();
  const history = ctx.state.readJson<HistoryRow[]>(HISTORY_FILE, []);
  const rates = latestRates(ctx, base, today);
  return computeCash({
    asOf: ctx.clock.localDateTime(), today, timezone: ctx.settings.timezone(), base,
    accounts: snapshots(state), history, staleDays: STALE_DAYS, ...(rates ? { rates } : {}), t: catalogueFor(ctx),
  });
}

export function recomputeCash(ctx: JobContext, state: { accounts: ReadonlyMap<string, AccountState> }): { path: string; outcome: string } {
  const result = computeCashNote(ctx, state);
  ctx.state.writeJson(HISTORY_FILE, result.history);
  const r = ctx.vault.writeCompanionNote('cash_position', result.frontmatter, result.body);
  ctx.index.noteChanged(r.path);
  return r;
}
