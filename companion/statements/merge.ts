// Merges parsed statements into the vault: monthly ledger notes (the truth), a note per statement,
// counterparty links and proposals, balance-mismatch and possible-duplicate questions, and the state cache.
// Only the months a statement touches are read (their keys, from the cache) and written (new rows
// spliced into the note's text), so the cost follows the statement, not the size of the ledger.
import { catalogueFor } from '../core/i18n/index.ts';
import { formatMoney, moneyToNumber, type Money } from '../../contract/money.ts';
import { linkTo, linkToNote } from '../../contract/properties.ts';
import { escapeCell } from '../../contract/markdown-table.ts';
import type { JobContext } from '../core/job.ts';
import type { ParsedStatement, StatementEntry } from './model.ts';
import { checkBalances } from './balance.ts';
import { keyEntries, planMerge, type ExistingRow } from './dedup.ts';
import { compareRows, insertLedgerRows, ledgerBody, parseLedgerRows, parseRemovedRows, type LedgerRow } from '../../contract/ledger.ts';
import { WIKILINK_RE, nameIdentifier, type Frontmatter } from '../../contract/index.ts';
import { whenCounterpartiesChanged } from '../core/relink.ts';
import { linkNotes, stageCompanionNote, type StagedNote } from '../core/note-batch.ts';
import { LedgerStore, settlePending, shiftMonth, sortStatements } from './store.ts';

export const STATEMENT_ROWS_MAX = 500;

export interface SourceInfo { name: string; sha256: string }

export interface MergeCounts { statements: number; transactions: number; new: number; duplicates: number; doubts: number; mismatches: number; proposals: number }

const normAcct = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();

export function openState(ctx: JobContext): LedgerStore {
  return LedgerStore.open(ctx);
}

function ownAccounts(ctx: JobContext, state: LedgerStore): Set<string> {
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
  state.save();
  return counts;
}

/** The months of these dates, and one month either side: a bank id met again is looked up there. */
function window(dates: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const d of dates) {
    const m = d.slice(0, 7);
    if (out.has(m)) continue;
    out.add(m);
    out.add(shiftMonth(m, -1));
    out.add(shiftMonth(m, 1));
  }
  return out;
}

async function mergeOne(ctx: JobContext, st: ParsedStatement, source: SourceInfo, state: LedgerStore, counts: MergeCounts, imported: string): Promise<void> {
  const t = catalogueFor(ctx);
  const { vault } = ctx;
  counts.statements++;
  counts.transactions += st.entries.length;
  const check = checkBalances(st);
  const acct = state.account(st.account, st.currency);
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
      title: t['statements.mismatch.title']({ account: st.account, from: st.periodStart, to: st.periodEnd }),
      why: t['statements.mismatch.why']({ file: source.name }),
      options: (['accept', 'ask_bank', 'withdraw'] as const).map((id) => ({ id, text: t[`statements.mismatch.${id}`]() })),
      severity: 'high',
      module: 'statements',
      evidence: [linkTo(noteName)],
      targets: [`statement:${notePathFor}`, `account:${st.account}`, `file:${source.sha256}`],
      details: check.problems.map((p) => `- ${p}`).join('\n'),
    });
  }

  if (st.provisional) {
    // Intraday entries stay out of the ledger: they replace the account's earlier pending list, less what is booked.
    const keyed = keyEntries(st.entries);
    state.loadMonths(st.account, window(st.entries.map((e) => e.bookingDate)));
    acct.pending = keyed.filter((k) => !acct.keys.has(k.key)).map((k) => ({ key: k.key, date: k.entry.bookingDate, amount: k.entry.amount.toString(), text: k.entry.text.slice(0, 140) }));
    writeStatementNote(ctx, { ...baseFm }, st, check.problems, keyed.map((k) => k.key), new Set(), notePathFor, existingNote?.frontmatter.imported);
    return;
  }

  const booked = st.entries.filter((e) => !e.provisional);
  const keyed = keyEntries(booked);
  const touched = new Set<string>();
  for (const k of keyed) touched.add(k.entry.bookingDate.slice(0, 7));
  state.loadMonths(st.account, window([...touched].map((m) => `${m}-01`)));
  const nearby: ExistingRow[] = [];
  for (const m of touched) for (const r of acct.rows.get(m) ?? []) if (!r.removed) nearby.push({ key: r.key, date: r.date, amount: r.amount, statement: r.statement, hasBankId: r.key.startsWith('b:') });
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
  const freshByMonth = new Map<string, LedgerRow[]>();
  for (const k of plan.fresh) {
    const e = k.entry;
    const isOwn = !!e.counterpartyAccount && own.has(normAcct(e.counterpartyAccount));
    const row: LedgerRow = {
      date: e.bookingDate, valueDate: e.valueDate ?? '', amount: e.amount, counterparty: cpOf(e), cpAccount: e.counterpartyAccount ?? '',
      cpTaxId: e.counterpartyTaxId ?? '', text: e.text, reference: e.reference ?? '', key: k.key, statement: noteName, own: isOwn,
    };
    const m = e.bookingDate.slice(0, 7);
    const list = freshByMonth.get(m);
    if (list) list.push(row); else freshByMonth.set(m, [row]);
    state.addRow(st.account, { key: k.key, date: row.date, amount: row.amount, statement: noteName, own: isOwn });
    freshKeys.add(k.key);
  }
  counts.new += plan.fresh.length;

  // Write only the months that gained rows: new rows are spliced into the note's text where their dates belong.
  const ledgerLinks = [...touched].sort().map((m) => linkTo(state.ledgerPath(st.account, st.currency, m).slice(0, -3).split('/').slice(-2).join('/')));
  // Months new to the ledger are created together (one wait for the disk); existing ones are updated.
  const created: { month: string; note: StagedNote }[] = [];
  for (const [m, rows] of [...freshByMonth].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = state.ledgerPath(st.account, st.currency, m);
    const rec = state.monthRecord(st.account, m)!;
    const fm = {
      account: st.account, currency: st.currency, month: m, transaction_count: rec.rows,
      inflow: moneyToNumber(rec.inflow), outflow: moneyToNumber(rec.outflow), updated: imported,
    };
    if (!vault.exists(path)) {
      created.push({ month: m, note: stageCompanionNote(ctx, 'account_ledger', fm, ledgerBody(st.account, st.currency, m, rows.sort(compareRows)), path) });
      continue;
    }
    const r = vault.writeCompanionNote('account_ledger', fm, insertLedgerRows(vault.readNote(path).body, rows, path), { path });
    if (r.outcome === 'conflict') {
      // The month's note was changed outside AIOS: the new rows went to a copy; the owner decides.
      await ctx.addDecision({
        finding_key: `ledger-conflict:${path}:${source.sha256.slice(0, 16)}`,
        kind: 'ledger_conflict',
        title: t['statements.conflict.title']({ account: st.account, month: m }),
        why: t['statements.conflict.why']({ rows: rows.length, file: source.name }),
        options: (['copy_rows', 'keep_edited'] as const).map((id) => ({ id, text: t[`statements.conflict.${id}`]() })),
        severity: 'high',
        module: 'statements',
        targets: [`ledger:${path}`, `copy:${r.path}`],
        evidence: [linkToNote(path), linkToNote(r.path)],
      });
      ctx.log.warn({ path, copy: r.path }, 'ledger note changed outside AIOS: new rows written to a conflict copy');
    }
    // After a conflict the note as it is stays the truth: an unknown hash makes the next run re-read it.
    state.monthWritten(st.account, m, r.outcome === 'conflict' ? '' : String(ctx.index.get(path)?.frontmatter.aios_hash ?? ''));
  }
  if (created.length) {
    // A note that appeared meanwhile (another process) is left alone: its unknown hash makes the next run re-read it.
    const outcomes = await linkNotes(ctx, created.map((c) => c.note));
    created.forEach((c, i) => state.monthWritten(st.account, c.month, outcomes[i] === 'created' ? String(ctx.index.get(c.note.path)?.frontmatter.aios_hash ?? '') : ''));
  }

  for (const [key, e] of proposals) {
    const r = await ctx.addProposal({
      proposal_type: 'counterparty', finding_key: key, proposed_name: e.counterpartyName ?? (e.counterpartyTaxId ? `INN ${e.counterpartyTaxId}` : `Account ${e.counterpartyAccount}`),
      source: 'statements', relationship: e.direction === 'in' ? 'client' : 'supplier',
      ...(e.counterpartyName && nameIdentifier(e.counterpartyName) ? { identifiers: [nameIdentifier(e.counterpartyName)!] } : {}),
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
      title: t['statements.duplicate.title']({ count: plan.doubts.length, account: st.account, from: st.periodStart, to: st.periodEnd }),
      why: t['statements.duplicate.why'](),
      options: (['keep_all', 'drop_new'] as const).map((id) => ({ id, text: t[`statements.duplicate.${id}`]() })),
      severity: 'medium',
      module: 'statements',
      evidence: [linkTo(noteName)],
      targets: plan.doubts.map((d) => `row:${state.ledgerPath(st.account, st.currency, d.keyed.entry.bookingDate.slice(0, 7))}#${d.keyed.key}`),
      details: [`| ${t['statements.duplicate.cols']().join(' | ')} |`, '| --- | --- | --- | --- |',
        ...plan.doubts.slice(0, 200).map((d) => `| ${d.keyed.entry.bookingDate} | ${formatMoney(d.keyed.entry.amount)} | ${escapeCell(d.keyed.entry.text.slice(0, 80))} | ${escapeCell(d.reason)} |`)].join('\n'),
    });
  }

  // Booked entries settle pending ones of the same account.
  acct.pending = settlePending(acct.pending, acct.keys, booked.map((e) => ({ date: e.bookingDate, amount: e.amount })));

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
  if (st.provisional) {
    // The keys let a rebuild of the state restore the pending entries from this note.
    lines.push('| Date | Amount | Counterparty | Text | Key |', '| --- | --- | --- | --- | --- |');
    shown.forEach((e, i) => lines.push(`| ${e.bookingDate} | ${formatMoney(e.amount)} | ${escapeCell(e.counterpartyName ?? '')} | ${escapeCell(e.text.slice(0, 120))} | ${escapeCell(keys[i] ?? '')} |`));
  } else {
    lines.push('| Date | Amount | Counterparty | Text | New |', '| --- | --- | --- | --- | --- |');
    shown.forEach((e, i) => lines.push(`| ${e.bookingDate} | ${formatMoney(e.amount)} | ${escapeCell(e.counterpartyName ?? '')} | ${escapeCell(e.text.slice(0, 120))} | ${keys[i] && fresh.has(keys[i]!) ? 'yes' : ''} |`));
  }
  if (st.entries.length > STATEMENT_ROWS_MAX) {
    lines.push('', `${st.entries.length - STATEMENT_ROWS_MAX} more transactions are in the monthly ledgers: ${fm.ledgers.join(', ')}.`);
  } else if (fm.ledgers.length) lines.push('', `Ledgers: ${fm.ledgers.join(', ')}.`);
  const r = ctx.vault.writeCompanionNote('bank_statement', fm as never, lines.join('\n') + '\n', { path });
  ctx.index.noteChanged(r.path);
}

/**
 * Links ledger rows that name no counterparty note to one that now matches their tax id, account or
 * name (a proposal was accepted): the cell is re-rendered, the identifiers stay as they were. A month
 * the owner edited by hand is left alone until their edit is settled, then linked on the next run.
 */
export function relinkLedgers(ctx: JobContext): number {
  return whenCounterpartiesChanged(ctx, (only) => {
    let linked = 0;
    const left: string[] = [];
    for (const e of ctx.index.byKind('account_ledger')) {
      if (only && !only.has(e.path)) continue;
      if (ctx.vault.editedByOwner(e.path)) {
        left.push(e.path);
        continue;
      }
      const note = ctx.vault.readNote(e.path);
      const rows = parseLedgerRows(note.body, e.path);
      let changed = 0;
      const next = rows.map((r) => {
        if (r.own || WIKILINK_RE.test(r.counterparty)) return r;
        const q: { taxId?: string; account?: string; name?: string } = {};
        if (r.cpTaxId) q.taxId = r.cpTaxId;
        if (r.cpAccount) q.account = r.cpAccount;
        if (r.counterparty) q.name = r.counterparty;
        const hit = Object.keys(q).length ? ctx.index.findCounterparty(q) : undefined;
        if (!hit) return r;
        changed++;
        return { ...r, counterparty: linkTo(hit.name) };
      });
      if (changed === 0) continue;
      const fm = note.frontmatter as unknown as Frontmatter<'account_ledger'>;
      const { aios_kind: _k, aios_hash: _h, aios_wrote: _w, ...rest } = fm as Frontmatter<'account_ledger'> & Record<string, unknown>;
      void _k; void _h; void _w;
      ctx.vault.writeCompanionNote('account_ledger', rest as Frontmatter<'account_ledger'>, ledgerBody(fm.account, fm.currency, fm.month, next, parseRemovedRows(note.body, e.path)), { path: e.path });
      linked += changed;
    }
    return { linked, left: left.sort() };
  });
}
