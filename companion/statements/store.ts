// The statements job's state: a cache for speed only, rebuilt from the notes (the monthly ledgers and
// the statement notes are the truth). `ledger.json` holds per account the day totals, the statements
// seen, the pending (provisional) entries and, per ledger month, the note's content hash and totals.
// The dedup keys of each month sit in a file of their own, loaded only for the months a statement
// touches: a daily statement merged into a 200,000-row ledger reads and writes its month, not the year.
// A month whose note no longer carries the hash the cache was written against is re-read from the note.
import { readFileSync, rmSync } from 'node:fs';
import { moneyFromNumber, parseMoney, type Money } from '../../contract/money.ts';
import { parseTables, tableRecords } from '../../contract/markdown-table.ts';
import { shortHash } from '../../contract/names.ts';
import { atomicReplace } from '../core/atomic.ts';
import type { Vault } from '../core/vault.ts';
import type { VaultIndex } from '../core/vault-index.ts';
import type { StateDir } from '../core/state.ts';
import { parseLedgerRows, parseRemovedRows } from '../../contract/ledger.ts';
import { fingerprint } from './dedup.ts';
import type { DayTotals } from './cash.ts';

export interface StatementRecord {
  start: string;
  end: string;
  opening?: string;
  closing?: string;
  check: 'ok' | 'mismatch' | 'none' | 'accepted';
  note: string;
  imported: string;
}

export interface PendingEntry { key: string; date: string; amount: string; text: string }

/** A ledger month as the cache knows it: the note's `aios_hash` when its keys were written, and its totals. */
export interface MonthRecord { hash: string; rows: number; inflow: Money; outflow: Money }
interface MonthJson { hash: string; rows: number; inflow: string; outflow: string }

/** What dedup needs of a ledger row. */
export interface KeyRow {
  key: string; date: string; amount: Money; statement: string; own: boolean;
  /** Removed by the owner as a duplicate: known to dedup, counted nowhere. */
  removed?: boolean;
}

export interface AccountState {
  currency: string;
  bank?: string;
  /** Day totals over every month: the cash position's flows. */
  days: Map<string, DayTotals>;
  statements: StatementRecord[];
  pending: PendingEntry[];
  months: Map<string, MonthRecord>;
  /** Dedup key -> fingerprint, for the months loaded so far (those in `rows`). */
  keys: Map<string, string>;
  /** Rows of the months loaded so far, by month. */
  rows: Map<string, KeyRow[]>;
}

export const STATE_FILE = 'ledger.json';
const STATE_VERSION = 2;
const KEYS_HEADER = '#aios-ledger-keys';

interface AccountJson {
  currency: string;
  bank?: string;
  days: Record<string, [string, string, string, string]>;
  statements: StatementRecord[];
  pending: PendingEntry[];
  months: Record<string, MonthJson>;
}

export function emptyAccount(currency: string): AccountState {
  return { currency, days: new Map(), statements: [], pending: [], months: new Map(), keys: new Map(), rows: new Map() };
}

export function addToDay(a: AccountState, date: string, amount: Money, own: boolean): void {
  const t = a.days.get(date) ?? { inflow: 0n, outflow: 0n, ownIn: 0n, ownOut: 0n };
  if (amount >= 0n) { t.inflow += amount; if (own) t.ownIn += amount; }
  else { t.outflow -= amount; if (own) t.ownOut -= amount; }
  a.days.set(date, t);
}

export function sortStatements(list: StatementRecord[]): void {
  list.sort((x, y) => (x.end < y.end ? -1 : x.end > y.end ? 1 : x.imported < y.imported ? -1 : x.imported > y.imported ? 1 : 0));
}

/** The month before or after `month` (YYYY-MM). */
export function shiftMonth(month: string, by: number): string {
  const y = Number(month.slice(0, 4)), m = Number(month.slice(5, 7)) - 1 + by;
  const yy = y + Math.floor(m / 12), mm = ((m % 12) + 12) % 12;
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}

const monthFolder = (account: string) => `${account.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 40)}-${shortHash(account, 8)}`;
const num = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? moneyFromNumber(v).toString() : undefined);

/** The cache over the ledger and statement notes, opened once per import. */
export class LedgerStore {
  readonly accounts = new Map<string, AccountState>();
  /** `account \t month` of months whose key file must be written. */
  private readonly dirty = new Set<string>();
  private readonly forgotten = new Set<string>();

  constructor(
    private readonly state: StateDir,
    private readonly vault: Vault,
    private readonly index: Pick<VaultIndex, 'byKind' | 'get'>,
  ) {}

  /** Opens the cache, rebuilding it from the notes when it is missing, old or does not match them. */
  static open(ctx: { state: StateDir; vault: Vault; index: Pick<VaultIndex, 'byKind' | 'get'> }): LedgerStore {
    const store = new LedgerStore(ctx.state, ctx.vault, ctx.index);
    if (store.load()) store.reconcile();
    else store.rebuildAll();
    return store;
  }

  account(account: string, currency: string): AccountState {
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = emptyAccount(currency)));
    return a;
  }

  ledgerPath(account: string, currency: string, month: string): string {
    return this.vault.pathFor('account_ledger', { account, currency, month, transaction_count: 0, inflow: 0, outflow: 0, updated: '2000-01-01T00:00:00' });
  }

  private load(): boolean {
    const raw = this.state.readJson<{ version: number; accounts: Record<string, AccountJson> } | null>(STATE_FILE, null);
    if (!raw || raw.version !== STATE_VERSION) return false;
    for (const [acct, j] of Object.entries(raw.accounts)) {
      const a = emptyAccount(j.currency);
      for (const [d, [i, o, oi, oo]] of Object.entries(j.days)) a.days.set(d, { inflow: BigInt(i), outflow: BigInt(o), ownIn: BigInt(oi), ownOut: BigInt(oo) });
      a.statements = j.statements;
      a.pending = j.pending;
      for (const [m, r] of Object.entries(j.months)) a.months.set(m, { hash: r.hash, rows: r.rows, inflow: BigInt(r.inflow), outflow: BigInt(r.outflow) });
      if (j.bank) a.bank = j.bank;
      this.accounts.set(acct, a);
    }
    return true;
  }

  /** The ledger notes as the index sees them, by account and month. */
  private ledgerNotes(): Map<string, Map<string, { path: string; hash: string; currency: string }>> {
    const out = new Map<string, Map<string, { path: string; hash: string; currency: string }>>();
    for (const e of this.index.byKind('account_ledger')) {
      const f = e.frontmatter;
      if (typeof f.account !== 'string' || typeof f.month !== 'string') continue;
      // Only the month's own note: a conflict copy beside it is the owner's to merge, not the truth.
      if (e.path !== this.ledgerPath(f.account, String(f.currency ?? ''), f.month)) continue;
      let m = out.get(f.account);
      if (!m) out.set(f.account, (m = new Map()));
      m.set(f.month, { path: e.path, hash: String(f.aios_hash ?? ''), currency: String(f.currency ?? '') });
    }
    return out;
  }

  /** Re-reads the months whose note changed, appeared or went away since the cache was written. */
  private reconcile(): void {
    const notes = this.ledgerNotes();
    for (const [acct, a] of this.accounts) {
      const byMonth = notes.get(acct);
      for (const m of [...a.months.keys()]) if (!byMonth?.has(m)) this.forgetMonth(acct, a, m);
    }
    for (const [acct, byMonth] of notes) {
      for (const [m, n] of byMonth) {
        const a = this.account(acct, n.currency);
        if (a.months.get(m)?.hash !== n.hash) this.rebuildMonth(acct, a, m, n.path);
      }
    }
  }

  private forgetMonth(acct: string, a: AccountState, month: string): void {
    for (const d of [...a.days.keys()]) if (d.startsWith(month)) a.days.delete(d);
    a.months.delete(month);
    for (const r of a.rows.get(month) ?? []) a.keys.delete(r.key);
    a.rows.delete(month);
    this.forgotten.add(`${acct}\t${month}`);
  }

  /** Reads one month's rows from its ledger note: keys, rows and the month's day totals. */
  private rebuildMonth(acct: string, a: AccountState, month: string, path: string): void {
    const note = this.vault.readNote(path);
    const rows = parseLedgerRows(note.body, path);
    for (const d of [...a.days.keys()]) if (d.startsWith(month)) a.days.delete(d);
    for (const r of a.rows.get(month) ?? []) a.keys.delete(r.key);
    const keyRows: KeyRow[] = [];
    let inflow = 0n, outflow = 0n;
    for (const r of rows) {
      keyRows.push({ key: r.key, date: r.date, amount: r.amount, statement: r.statement, own: r.own });
      a.keys.set(r.key, fingerprint(r.date, r.amount));
      addToDay(a, r.date, r.amount, r.own);
      if (r.amount >= 0n) inflow += r.amount; else outflow -= r.amount;
    }
    for (const r of parseRemovedRows(note.body, path)) {
      keyRows.push({ key: r.key, date: r.date, amount: r.amount, statement: '', own: false, removed: true });
      a.keys.set(r.key, fingerprint(r.date, r.amount));
    }
    a.rows.set(month, keyRows);
    a.months.set(month, { hash: String(note.frontmatter.aios_hash ?? ''), rows: rows.length, inflow, outflow });
    this.dirty.add(`${acct}\t${month}`);
  }

  /** Everything from the notes: every ledger month, the statements, and the pending entries of the latest intraday reports. */
  rebuildAll(): void {
    this.accounts.clear();
    const notes = this.ledgerNotes();
    for (const [acct, byMonth] of notes) {
      for (const [m, n] of byMonth) this.rebuildMonth(acct, this.account(acct, n.currency), m, n.path);
    }
    const provisional = new Map<string, { path: string; imported: string }>();
    const imported = new Map<string, string>();
    for (const e of this.index.byKind('bank_statement')) {
      const f = e.frontmatter;
      if (typeof f.account !== 'string') continue;
      imported.set(e.name, String(f.imported ?? ''));
      const a = this.account(f.account, String(f.currency ?? ''));
      if (f.provisional === true) {
        const prev = provisional.get(f.account);
        if (!prev || String(f.imported) > prev.imported) provisional.set(f.account, { path: e.path, imported: String(f.imported ?? '') });
        continue;
      }
      if (typeof f.bank === 'string') a.bank = f.bank;
      const rec: StatementRecord = {
        start: String(f.period_start), end: String(f.period_end), check: (f.balance_check as StatementRecord['check']) ?? 'none',
        note: e.name, imported: String(f.imported ?? ''),
      };
      const o = num(f.opening_balance), c = num(f.closing_balance);
      if (o !== undefined) rec.opening = o;
      if (c !== undefined) rec.closing = c;
      a.statements.push(rec);
    }
    for (const a of this.accounts.values()) sortStatements(a.statements);
    // The latest intraday report's entries are pending, less those a later booked statement settled.
    for (const [acct, p] of provisional) {
      const a = this.accounts.get(acct)!;
      const entries = pendingFromStatementNote(this.vault.readNote(p.path).body);
      const booked = [...a.rows.values()].flat().filter((r) => !r.removed && (imported.get(r.statement) ?? '') >= p.imported);
      a.pending = settlePending(entries, a.keys, booked);
    }
    for (const acct of this.accounts.keys()) for (const m of this.accounts.get(acct)!.months.keys()) this.dirty.add(`${acct}\t${m}`);
  }

  /** Loads the keys of these months (those the ledger has) into `keys` and `rows`. */
  loadMonths(account: string, months: Iterable<string>): void {
    const a = this.accounts.get(account);
    if (!a) return;
    for (const m of months) {
      if (a.rows.has(m) || !a.months.has(m)) continue;
      const rows = this.readKeyFile(account, m, a.months.get(m)!.hash);
      if (rows) {
        a.rows.set(m, rows);
        for (const r of rows) a.keys.set(r.key, fingerprint(r.date, r.amount));
      } else {
        // No key file, or one written against another version of the note: the note decides.
        this.rebuildMonth(account, a, m, this.ledgerPath(account, a.currency, m));
      }
    }
  }

  private keyFile(account: string, month: string): string {
    return this.state.path(`keys/${monthFolder(account)}/${month}.tsv`);
  }

  private readKeyFile(account: string, month: string, hash: string): KeyRow[] | undefined {
    let text: string;
    try {
      text = readFileSync(this.keyFile(account, month), 'utf8');
    } catch {
      return undefined;
    }
    const lines = text.split('\n');
    if (lines[0] !== `${KEYS_HEADER}\t${hash}` || lines[lines.length - 1] !== '') return undefined;
    const statements: string[] = [];
    const rows: KeyRow[] = [];
    for (let i = 1; i < lines.length - 1; i++) {
      const c = lines[i]!.split('\t');
      if (c[0] === '@') { statements[Number(c[1])] = c[2]!; continue; }
      if (c.length !== 5) return undefined;
      rows.push({ key: c[0]!, date: c[1]!, amount: BigInt(c[2]!), statement: statements[Number(c[3])] ?? '', own: c[4] === '1', ...(c[4] === 'x' ? { removed: true } : {}) });
    }
    return rows;
  }

  private writeKeyFile(account: string, month: string, a: AccountState): void {
    const rows = a.rows.get(month) ?? [];
    const statements = new Map<string, number>();
    const out: string[] = [`${KEYS_HEADER}\t${a.months.get(month)?.hash ?? ''}`];
    for (const r of rows) {
      let s = statements.get(r.statement);
      if (s === undefined) {
        statements.set(r.statement, (s = statements.size));
        out.push(`@\t${s}\t${r.statement}`);
      }
      out.push(`${r.key}\t${r.date}\t${r.amount}\t${s}\t${r.removed ? 'x' : r.own ? 1 : 0}`);
    }
    atomicReplace(this.keyFile(account, month), out.join('\n') + '\n');
  }

  /** Adds a new ledger row to the cache (keys, rows, day and month totals). */
  addRow(account: string, row: KeyRow): void {
    const a = this.accounts.get(account)!;
    const month = row.date.slice(0, 7);
    let rows = a.rows.get(month);
    if (!rows) a.rows.set(month, (rows = []));
    rows.push(row);
    a.keys.set(row.key, fingerprint(row.date, row.amount));
    addToDay(a, row.date, row.amount, row.own);
    let rec = a.months.get(month);
    if (!rec) a.months.set(month, (rec = { hash: '', rows: 0, inflow: 0n, outflow: 0n }));
    rec.rows++;
    if (row.amount >= 0n) rec.inflow += row.amount; else rec.outflow -= row.amount;
    this.dirty.add(`${account}\t${month}`);
  }

  /** Records the content hash the month's note now carries, after it was written. */
  monthWritten(account: string, month: string, hash: string): void {
    const rec = this.accounts.get(account)?.months.get(month);
    if (rec) rec.hash = hash;
    this.dirty.add(`${account}\t${month}`);
  }

  /** Records how a statement's balance check now stands (the owner accepted a mismatch). */
  setStatementCheck(account: string, note: string, check: StatementRecord['check']): void {
    const st = this.accounts.get(account)?.statements.find((x) => x.note === note);
    if (st) st.check = check;
  }

  /** Forgets a statement the owner withdrew (its rows are taken out of the ledger notes separately). */
  forgetStatement(account: string, note: string): void {
    const a = this.accounts.get(account);
    if (a) a.statements = a.statements.filter((x) => x.note !== note);
  }

  monthRecord(account: string, month: string): MonthRecord | undefined {
    return this.accounts.get(account)?.months.get(month);
  }

  /** Writes the key files of the months that changed, then `ledger.json` (last: it names the hashes the key files match). */
  save(): void {
    for (const k of this.forgotten) {
      const [acct, m] = k.split('\t') as [string, string];
      if (!this.accounts.get(acct)?.months.has(m)) rmSync(this.keyFile(acct, m), { force: true });
    }
    this.forgotten.clear();
    for (const k of this.dirty) {
      const [acct, m] = k.split('\t') as [string, string];
      const a = this.accounts.get(acct);
      if (a?.months.has(m)) this.writeKeyFile(acct, m, a);
    }
    this.dirty.clear();
    const accounts: Record<string, AccountJson> = {};
    for (const [acct, a] of this.accounts) {
      const days: AccountJson['days'] = {};
      for (const [d, t] of [...a.days].sort(([x], [y]) => (x < y ? -1 : 1))) days[d] = [t.inflow.toString(), t.outflow.toString(), t.ownIn.toString(), t.ownOut.toString()];
      const months: Record<string, MonthJson> = {};
      for (const [m, r] of a.months) months[m] = { hash: r.hash, rows: r.rows, inflow: r.inflow.toString(), outflow: r.outflow.toString() };
      accounts[acct] = { currency: a.currency, days, statements: a.statements, pending: a.pending, months };
      if (a.bank) accounts[acct]!.bank = a.bank;
    }
    this.state.writeJson(STATE_FILE, { version: STATE_VERSION, accounts });
  }
}

/** Pending entries from a provisional statement note's table (its `Key` column). */
export function pendingFromStatementNote(body: string): PendingEntry[] {
  const table = parseTables(body).find((t) => t.header[0] === 'Date' && t.header.includes('Key'));
  if (!table) return [];
  return tableRecords(table).flatMap((r) => {
    try {
      return [{ key: r.key ?? '', date: r.date ?? '', amount: parseMoney(r.amount ?? '').toString(), text: r.text ?? '' }];
    } catch {
      return [];
    }
  });
}

/**
 * Pending entries still open: not booked under their own key, and not matched by a booked row of the
 * same amount within two days (banks often give the final entry another id than the intraday one).
 */
export function settlePending(pending: readonly PendingEntry[], keys: ReadonlyMap<string, string>, booked: readonly { date: string; amount: Money }[]): PendingEntry[] {
  if (pending.length === 0) return [];
  const byAmount = new Map<string, string[]>();
  for (const b of booked) {
    const k = b.amount.toString();
    const list = byAmount.get(k);
    if (list) list.push(b.date); else byAmount.set(k, [b.date]);
  }
  const used = new Set<string>();
  return pending.filter((p) => {
    if (keys.has(p.key)) return false;
    const dates = byAmount.get(p.amount) ?? [];
    const t = Date.parse(p.date);
    const hit = dates.findIndex((d, i) => !used.has(`${p.amount}|${i}`) && Math.abs(Date.parse(d) - t) <= 2 * 86_400_000);
    if (hit < 0) return true;
    used.add(`${p.amount}|${hit}`); // each booked row settles one pending entry
    return false;
  });
}

