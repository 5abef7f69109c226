// The statements job's state: dedup keys, daily totals and the statements seen, per account. A cache
// for speed only: `rebuildState` recreates it from the ledger and statement notes, which are the truth.
import { parseMoney, type Money } from '../../contract/money.ts';
import type { Vault } from '../core/vault.ts';
import type { StateDir } from '../core/state.ts';
import { parseLedgerRows } from './ledger-table.ts';
import { fingerprint } from './dedup.ts';
import type { DayTotals } from './cash.ts';

export interface StatementRecord {
  start: string;
  end: string;
  opening?: string;
  closing?: string;
  check: 'ok' | 'mismatch' | 'none';
  note: string;
  imported: string;
}

export interface PendingEntry { key: string; date: string; amount: string; text: string }

export interface AccountState {
  currency: string;
  bank?: string;
  keys: Map<string, string>;
  days: Map<string, DayTotals>;
  statements: StatementRecord[];
  pending: PendingEntry[];
}

export interface LedgerState { accounts: Map<string, AccountState> }

interface AccountJson {
  currency: string;
  bank?: string;
  keys: Record<string, string>;
  days: Record<string, [string, string, string, string]>;
  statements: StatementRecord[];
  pending: PendingEntry[];
}

export const STATE_FILE = 'ledger.json';

export function emptyAccount(currency: string): AccountState {
  return { currency, keys: new Map(), days: new Map(), statements: [], pending: [] };
}

export function loadState(state: StateDir): LedgerState | undefined {
  const raw = state.readJson<{ version: number; accounts: Record<string, AccountJson> } | null>(STATE_FILE, null);
  if (!raw || raw.version !== 1) return undefined;
  const accounts = new Map<string, AccountState>();
  for (const [acct, a] of Object.entries(raw.accounts)) {
    const days = new Map<string, DayTotals>();
    for (const [d, [i, o, oi, oo]] of Object.entries(a.days)) days.set(d, { inflow: BigInt(i), outflow: BigInt(o), ownIn: BigInt(oi), ownOut: BigInt(oo) });
    const st: AccountState = { currency: a.currency, keys: new Map(Object.entries(a.keys)), days, statements: a.statements, pending: a.pending };
    if (a.bank) st.bank = a.bank;
    accounts.set(acct, st);
  }
  return { accounts };
}

export function saveState(state: StateDir, s: LedgerState): void {
  const accounts: Record<string, AccountJson> = {};
  for (const [acct, a] of s.accounts) {
    const days: AccountJson['days'] = {};
    for (const [d, t] of a.days) days[d] = [t.inflow.toString(), t.outflow.toString(), t.ownIn.toString(), t.ownOut.toString()];
    accounts[acct] = { currency: a.currency, keys: Object.fromEntries(a.keys), days, statements: a.statements, pending: a.pending };
    if (a.bank) accounts[acct]!.bank = a.bank;
  }
  state.writeJson(STATE_FILE, { version: 1, accounts });
}

export function addToDay(a: AccountState, date: string, amount: Money, own: boolean): void {
  const t = a.days.get(date) ?? { inflow: 0n, outflow: 0n, ownIn: 0n, ownOut: 0n };
  if (amount >= 0n) { t.inflow += amount; if (own) t.ownIn += amount; }
  else { t.outflow -= amount; if (own) t.ownOut -= amount; }
  a.days.set(date, t);
}

const num = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? parseMoney(v.toFixed(5)).toString() : undefined);

/** Recreates the state from the notes: ledger rows give keys and totals, statement notes the balances. */
export function rebuildState(vault: Vault, ledgerFolder: string, statementFolder: string): LedgerState {
  const accounts = new Map<string, AccountState>();
  for (const rel of vault.list(ledgerFolder, { recursive: true }).filter((p) => p.endsWith('.md'))) {
    const note = vault.readNote(rel);
    const f = note.frontmatter;
    if (f.aios_kind !== 'account_ledger' || typeof f.account !== 'string') continue;
    const a = accounts.get(f.account) ?? emptyAccount(String(f.currency ?? ''));
    accounts.set(f.account, a);
    for (const r of parseLedgerRows(note.body, rel)) {
      a.keys.set(r.key, fingerprint(r.date, r.amount));
      addToDay(a, r.date, r.amount, r.own);
    }
  }
  for (const rel of vault.list(statementFolder, { recursive: true }).filter((p) => p.endsWith('.md'))) {
    const f = vault.readNote(rel).frontmatter;
    if (f.aios_kind !== 'bank_statement' || typeof f.account !== 'string' || f.provisional === true) continue;
    const a = accounts.get(f.account) ?? emptyAccount(String(f.currency ?? ''));
    accounts.set(f.account, a);
    if (typeof f.bank === 'string') a.bank = f.bank;
    const rec: StatementRecord = {
      start: String(f.period_start), end: String(f.period_end), check: (f.balance_check as StatementRecord['check']) ?? 'none',
      note: rel.slice(rel.lastIndexOf('/') + 1, -3), imported: String(f.imported ?? ''),
    };
    const o = num(f.opening_balance), c = num(f.closing_balance);
    if (o !== undefined) rec.opening = o;
    if (c !== undefined) rec.closing = c;
    a.statements.push(rec);
  }
  for (const a of accounts.values()) sortStatements(a.statements);
  return { accounts };
}

export function sortStatements(list: StatementRecord[]): void {
  list.sort((x, y) => (x.end < y.end ? -1 : x.end > y.end ? 1 : x.imported < y.imported ? -1 : x.imported > y.imported ? 1 : 0));
}
