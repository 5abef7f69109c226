// The payment history the scan judges new payments against. Ledger months before the scanned days are
// only history: per month, the outgoing payments' payee identities, days and amounts, kept in the state
// folder by the note's content hash, so a scan parses only the months that changed and the recent ones
// (a year of 200,000 rows would otherwise be parsed on every statement).
import { moneyToNumber, parseLedgerRows, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import type { IndexEntry } from '../core/vault-index.ts';

const HISTORY = 'history.json';

/** One outgoing payment of a past month: the payee as the bank gave it (tax id, account, Counterparty cell), its day and amount. */
export type PastRow = [taxId: string, account: string, cell: string, date: string, amount: number];

interface MonthSummary {
  /** The ledger note's content hash (`aios_hash`) the summary was made from. */
  v: string;
  account: string;
  currency: string;
  /** First booked day of the month's rows. */
  first: string;
  out: PastRow[];
}

export interface PastMonth {
  ledger: string;
  account: string;
  currency: string;
  first: string;
  out: readonly PastRow[];
}

/** Summaries of the ledger months `past` picks: from the state folder where the note is unchanged, parsed otherwise. */
export function pastMonths(ctx: Pick<JobContext, 'index' | 'vault' | 'state'>, past: (e: IndexEntry) => boolean): PastMonth[] {
  const cache = ctx.state.readJson<Record<string, MonthSummary>>(HISTORY, {});
  let changed = false;
  const keep = new Set<string>();
  const out: PastMonth[] = [];
  for (const e of ctx.index.byKind('account_ledger')) {
    if (!past(e)) continue;
    const fm = e.frontmatter as Frontmatter<'account_ledger'> & { aios_hash?: string };
    const v = String(fm.aios_hash ?? '');
    let s = cache[e.path];
    if (!s || s.v !== v || v === '') {
      let rows;
      try {
        rows = parseLedgerRows(ctx.vault.readNote(e.path).body, e.path);
      } catch {
        // An unreadable ledger is the statements module's to raise.
        continue;
      }
      s = { v, account: fm.account, currency: fm.currency, first: rows.reduce((m, r) => (r.date < m ? r.date : m), rows[0]?.date ?? ''), out: [] };
      for (const r of rows) if (!r.own && r.amount < 0n) s.out.push([r.cpTaxId, r.cpAccount, r.counterparty, r.date, -moneyToNumber(r.amount)]);
      cache[e.path] = s;
      changed = true;
    }
    keep.add(e.path);
    out.push({ ledger: e.path, account: s.account, currency: s.currency, first: s.first, out: s.out });
  }
  for (const p of Object.keys(cache)) {
    if (keep.has(p)) continue;
    delete cache[p];
    changed = true;
  }
  if (changed) ctx.state.writeJson(HISTORY, cache);
  return out;
}
