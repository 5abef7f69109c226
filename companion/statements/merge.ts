// Merges parsed statements into the vault: monthly ledger notes (the truth), a note per statement,
// counterparty links and proposals, balance-mismatch and possible-duplicate questions, and the state cache.
import { formatMoney, moneyToNumber, type Money } from '../../contract/money.ts';
import { linkTo } from '../../contract/properties.ts';
import { escapeCell } from '../../contract/markdown-table.ts';
import type { JobContext } from '../core/job.ts';
import type { ParsedStatement, StatementEntry } from './model.ts';
import { checkBalances } from './balance.ts';
import { keyEntries, planMerge, type ExistingRow } from './dedup.ts';
import { compareRows, parseLedgerRows, renderLedgerTable, type LedgerRow } from './ledger-table.ts';
import { addToDay, emptyAccount, loadState, rebuildState, saveState, sortStatements, type LedgerState } from './store.ts';

export const STATEMENT_ROWS_MAX = 500;

export interface SourceInfo { name: string; sha256: string }

export interface MergeCounts { statements: number; transactions: number; new: number; duplicates: number; doubts: number; mismatches: number; proposals: number }

const normAcct = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();

export function openState(ctx: JobContext): LedgerState {
  const s = loadState(ctx.state);
  if (s) return s;
  const rebuilt = rebuildState(ctx.vault, ctx.vault.folder('account_ledger'), ctx.vault.folder('bank_statement'));
  return rebuilt;
}

function ownAccounts(ctx: JobContext, state: LedgerState): Set<string> {
  const own = new Set<string>([...state.accounts.keys()].map(normAcct));
  for (const p of ctx.index.byKind('business_profile')) {
    for (const a of (p.frontmatter.own_accounts as string[] | undefined) ?? []) own.add(normAcct(a));
  }
  return own;
}

/** Imports the statements of one file. Idempotent: a re-import adds nothing and rewrites nothing. */
export async function mergeStatements(ctx: JobContext, statements: readonly ParsedStatement[], source: SourceInfo, state = openState(ctx)): Promise<MergeCounts> {
  const counts: MergeCounts = { statements: 0, transactions: 0, new: 0, duplicates: 0, doubts: 0, mismatches: 0, proposals: 0 };
  const imported = ctx.clock.localDateTime();
  for (const st of statements) await mergeOne(ctx, st, source, state, counts, imported);
  saveState(ctx.state, state);
  return counts;
}

async function mergeOne(ctx: JobContext, st: ParsedStatement, source: SourceInfo, state: LedgerState, counts: MergeCounts, imported: string): Promise<void> {
  const { vault } = ctx;
  counts.statements++;
  counts.transactions += st.entries.length;
  const check = checkBalances(st);
  const acct = state.accounts.get(st.account) ?? emptyAccount(st.currency);
  state.accounts.set(st.account, acct);
  if (st.bank) acct.bank = st.bank;
  const own = ownAccounts(ctx, state);

  const baseFm = {
    account: st.account, currency: st.currency, format: st.format, period_start: st.periodStart, period_end: st.periodEnd,
    balance_check: check.status, transaction_count: st.entries.length, new_transactions: 0, provisional: st.provisional,
    source_file: source.name, source_hash: source.sha256, imported, ledgers: [] as string[],
    ...(st.bank ? { bank: st.bank } : {}),
    ...(st.openingBalance !== undefined ? { opening_balance: moneyToNumber(st.openingBalance) } : {}),
    ...(st.closingBalance !== undefined ? { closing_balance: moneyToNumber(st.closingBalance) } : {}),
  };
  // Statements of several accounts in one file share the hash: the account is in the name too.
  const notePathFor = vault.pathFor('bank_statement', baseFm);
  const noteName = notePathFor.slice(notePathFor.lastIndexOf('/') + 1, -3);
  const existingNote = vault.exists(notePathFor) ? vault.readNote(notePathFor) : undefined;

  if (check.status === 'mismatch') {
    counts.mismatches++;
    await ctx.addDecision({
      finding_key: `balance:${st.account}:${source.sha256.slice(0, 16)}`,
      kind: 'balance_mismatch',
      title: `Statement ${st.account} ${st.periodStart} to ${st.periodEnd}: balances do not add up`,
      why: `Opening balance plus the movements does not give the closing balance the bank states in ${source.name}. The transactions were imported; the balance is marked unconfirmed until this is settled.`,
      options: ['Accept the statement as it is', 'Ask the bank for a corrected statement', 'Delete the imported statement and its rows'],
      severity: 'high',
      module: 'statements',
      evidence: [linkTo(noteName)],
      details: check.problems.map((p) => `- ${p}`).join('\n'),
    });
  }

  if (st.provisional) {
    // Intraday entries stay out of the ledger: they replace the account's earlier pending list, less what is booked.
    const keyed = keyEntries(st.entries);
    acct.pending = keyed.filter((k) => !acct.keys.has(k.key)).map((k) => ({ key: k.key, date: k.entry.bookingDate, amount: k.entry.amount.toString(), text: k.entry.text.slice(0, 140) }));
    writeStatementNote(ctx, { ...baseFm }, st, check.problems, [], new Set(), notePathFor, existingNote?.frontmatter.imported);
    return;
  }

  const booked = st.entries.filter((e) => !e.provisional);
  const keyed = keyEntries(booked);
  const months = new Map<string, LedgerRow[]>();
  const paths = new Map<string, string>();
  for (const k of keyed) {
    const m = k.entry.bookingDate.slice(0, 7);
    if (months.has(m)) continue;
    const path = vault.pathFor('account_ledger', { account: st.account, currency: st.currency, month: m, transaction_count: 0, inflow: 0, outflow: 0, updated: imported });
    paths.set(m, path);
    months.set(m, vault.exists(path) ? parseLedgerRows(vault.readNote(path).body, path) : []);
  }
  const nearby: ExistingRow[] = [];
  for (const rows of months.values()) for (const r of rows) nearby.push({ key: r.key, date: r.date, amount: r.amount, statement: r.statement, hasBankId: r.key.startsWith('b:') });
  const plan = planMerge(keyed, acct.keys, nearby, noteName);
  counts.duplicates += plan.duplicates;
  counts.doubts += plan.doubts.length;

  // Counterparties: tax id, then account or IBAN, then name; an unknown one is proposed once.
  const cpCache = new Map<string, string>();
  const proposals = new Map<string, StatementEntry>();
  const cpOf = (e: StatementEntry): string => {
    const ck = `${e.counterpartyTaxId ?? ''}|${e.counterpartyAccount ?? ''}|${e.counterpartyName ?? ''}`;
    const hit = cpCache.get(ck);
    if (hit !== undefined) return hit;
    const q: { taxId?: string; account?: string; name?: string } = {};
    if (e.counterpartyTaxId) q.taxId = e.counterpartyTaxId;
    if (e.counterpartyAccount) q.account = e.counterpartyAccount;
    if (e.counterpartyName) q.name = e.counterpartyName;
    const found = ctx.index.findCounterparty(q);
    const label = found ? linkTo(found.name) : e.counterpartyName ?? '';
    if (!found && (e.counterpartyTaxId || e.counterpartyAccount) && !(e.counterpartyAccount && own.has(normAcct(e.counterpartyAccount)))) {
      const key = e.counterpartyTaxId ? `inn:${e.counterpartyTaxId}` : `account:${normAcct(e.counterpartyAccount!)}`;
      if (!proposals.has(key)) proposals.set(key, e);
    }
    cpCache.set(ck, label);
    return label;
  };

  const freshKeys = new Set<string>();
  for (const k of plan.fresh) {
    const e = k.entry;
    const isOwn = !!e.counterpartyAccount && own.has(normAcct(e.counterpartyAccount));
    const row: LedgerRow = {
      date: e.bookingDate, valueDate: e.valueDate ?? '', amount: e.amount, counterparty: cpOf(e), cpAccount: e.counterpartyAccount ?? '',
      cpTaxId: e.counterpartyTaxId ?? '', text: e.text, reference: e.reference ?? '', key: k.key, statement: noteName, own: isOwn,
    };
    months.get(e.bookingDate.slice(0, 7))!.push(row);
    acct.keys.set(k.key, k.fingerprint);
    addToDay(acct, e.bookingDate, e.amount, isOwn);
    freshKeys.add(k.key);
  }
  counts.new += plan.fresh.length;

  // Rewrite only the months that gained rows.
  const ledgerLinks: string[] = [];
  for (const [m, rows] of months) {
    const path = paths.get(m)!;
    ledgerLinks.push(linkTo(path.slice(0, -3).split('/').slice(-2).join('/')));
    if (!plan.fresh.some((k) => k.entry.bookingDate.startsWith(m))) continue;
    rows.sort(compareRows);
    let inflow = 0n, outflow = 0n;
    for (const r of rows) if (r.amount >= 0n) inflow += r.amount; else outflow -= r.amount;
    const body = `# ${st.account} ${m}\n\nEvery booked transaction of ${st.account} (${st.currency}) in ${m}. Written by the statements module: the source of truth its caches are rebuilt from.\n\n${renderLedgerTable(rows)}`;
    vault.writeCompanionNote('account_ledger', {
      account: st.account, currency: st.currency, month: m, transaction_count: rows.length,
      inflow: moneyToNumber(inflow), outflow: moneyToNumber(outflow), updated: imported,
    }, body, { path });
  }

  for (const [key, e] of proposals) {
    const r = await ctx.addProposal({
      proposal_type: 'counterparty', finding_key: key, proposed_name: e.counterpartyName ?? (e.counterpartyTaxId ? `INN ${e.counterpartyTaxId}` : `Account ${e.counterpartyAccount}`),
      source: 'statements', relationship: e.direction === 'in' ? 'client' : 'supplier',
      ...(e.counterpartyTaxId ? { tax_id: e.counterpartyTaxId } : {}),
      ...(e.counterpartyAccount ? { accounts: [e.counterpartyAccount] } : {}),
      evidence: [linkTo(noteName)],
      details: `Seen in ${source.name}: ${e.bookingDate} ${formatMoney(e.amount)} ${st.currency} "${escapeCell(e.text.slice(0, 200))}".`,
    });
    if (r.created) counts.proposals++;
  }

  if (plan.doubts.length) {
    await ctx.addDecision({
      finding_key: `dup:${st.account}:${source.sha256.slice(0, 16)}`,
      kind: 'possible_duplicate',
      title: `${plan.doubts.length} possible duplicate${plan.doubts.length === 1 ? '' : 's'} in ${st.account} ${st.periodStart} to ${st.periodEnd}`,
      why: 'These rows look like rows already in the ledger but are not certainly the same. They were kept (never merged silently); say which are duplicates.',
      options: ['Keep all (they are different payments)', 'Remove the listed new rows as duplicates'],
      severity: 'medium',
      module: 'statements',
      evidence: [linkTo(noteName)],
      details: ['| Date | Amount | Text | Why |', '| --- | --- | --- | --- |',
        ...plan.doubts.slice(0, 200).map((d) => `| ${d.keyed.entry.bookingDate} | ${formatMoney(d.keyed.entry.amount)} | ${escapeCell(d.keyed.entry.text.slice(0, 80))} | ${escapeCell(d.reason)} |`)].join('\n'),
    });
  }

  // Booked entries settle pending ones of the same account.
  if (acct.pending.length) {
    acct.pending = acct.pending.filter((p) => !acct.keys.has(p.key) && !booked.some((e) => e.amount.toString() === p.amount && Math.abs(Date.parse(e.bookingDate) - Date.parse(p.date)) <= 2 * 86_400_000));
  }

  const rec = {
    start: st.periodStart, end: st.periodEnd, check: check.status, note: noteName, imported,
    ...(st.openingBalance !== undefined ? { opening: st.openingBalance.toString() } : {}),
    ...(st.closingBalance !== undefined ? { closing: st.closingBalance.toString() } : {}),
  };
  const idx = acct.statements.findIndex((s) => s.note === noteName);
  if (idx >= 0) acct.statements[idx] = { ...rec, imported: acct.statements[idx]!.imported };
  else acct.statements.push(rec);
  sortStatements(acct.statements);

  if (existingNote && plan.fresh.length === 0) return;
  const newCount = existingNote ? Number(existingNote.frontmatter.new_transactions ?? 0) + plan.fresh.length : plan.fresh.length;
  writeStatementNote(ctx, { ...baseFm, new_transactions: newCount, ledgers: ledgerLinks }, st, check.problems, keyed.map((k) => k.key), freshKeys, notePathFor, existingNote?.frontmatter.imported);
}

function writeStatementNote(
  ctx: JobContext, fm: Record<string, unknown> & { ledgers: string[] }, st: ParsedStatement, problems: string[], keys: string[], fresh: Set<string>, path: string, firstImported: unknown,
): void {
  // The note keeps its first import time, so a re-import leaves it unchanged.
  if (typeof firstImported === 'string') fm.imported = firstImported;
  const f = (m: Money | undefined) => (m === undefined ? 'not given' : formatMoney(m));
  let inflow = 0n, outflow = 0n;
  for (const e of st.entries) if (e.amount >= 0n) inflow += e.amount; else outflow -= e.amount;
  const lines = [
    `# Statement ${st.account} ${st.periodStart} to ${st.periodEnd}`,
    '',
    `${st.format.toUpperCase()} from ${String(fm.source_file)}${st.bank ? `, ${st.bank}` : ''}. ${st.entries.length} transactions, ${String(fm.new_transactions)} new in the ledger.${st.provisional ? ' Provisional (intraday): kept out of booked balances until the final statement books it.' : ''}`,
    '',
    '## Balances',
    '',
    `| Opening | In | Out | Closing | Check |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${f(st.openingBalance)} | ${formatMoney(inflow)} | ${formatMoney(outflow)} | ${f(st.closingBalance)} | ${String(fm.balance_check)} |`,
    '',
    ...(problems.length ? ['Balance problems:', '', ...problems.map((p) => `- ${p}`), ''] : []),
    ...(st.warnings.length ? ['Notes from the parser:', '', ...st.warnings.slice(0, 20).map((w) => `- ${escapeCell(w)}`), ''] : []),
    '## Transactions',
    '',
  ];
  const shown = st.entries.slice(0, STATEMENT_ROWS_MAX);
  lines.push('| Date | Amount | Counterparty | Text | New |', '| --- | --- | --- | --- | --- |');
  shown.forEach((e, i) => lines.push(`| ${e.bookingDate} | ${formatMoney(e.amount)} | ${escapeCell(e.counterpartyName ?? '')} | ${escapeCell(e.text.slice(0, 120))} | ${keys[i] && fresh.has(keys[i]!) ? 'yes' : ''} |`));
  if (st.entries.length > STATEMENT_ROWS_MAX) {
    lines.push('', `${st.entries.length - STATEMENT_ROWS_MAX} more transactions are in the monthly ledgers: ${fm.ledgers.join(', ')}.`);
  } else if (fm.ledgers.length) lines.push('', `Ledgers: ${fm.ledgers.join(', ')}.`);
  const r = ctx.vault.writeCompanionNote('bank_statement', fm as never, lines.join('\n') + '\n', { path });
  ctx.index.noteChanged(r.path);
}
