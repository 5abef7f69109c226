// The reconciliation pass: invoices from mail and the owner's notes into records, the bank's rows
// against every open record, what the owner answered kept, what is doubtful asked, what a contract
// promised checked, and the owner's reading written (a report per month, a balance per counterparty).
// Deterministic: the same vault gives the same notes, so a second run writes nothing.
import { createHash } from 'node:crypto';
import {
  addDays, formatMoney, linkTarget, linkTo, moneyFromNumber, moneyToNumber, monthBounds, sumMoney, type Frontmatter, type Money,
} from '../../contract/index.ts';
import type { DecisionInput, JobContext, JobResult } from '../core/job.ts';
import type { IndexEntry } from '../core/vault-index.ts';
import { catalogueFor, type Catalogue } from '../core/i18n/index.ts';
import { ownerChanged } from '../core/frontmatter.ts';
import { crossRate, ratesNotes } from '../core/rates.ts';
import { byText, readBank, rowId } from '../core/bank.ts';
import { match, DEFAULT_CONFIG } from './match/matcher.ts';
import { feeTolerance } from './match/score.ts';
import { refKey } from './match/normalize.ts';
import { RESCANNED, parsePayment, formatPayment, settle, type Payment, type RecordFm } from './records.ts';
import { checkRecurring, type RecurringContract } from './recurring.ts';
import { balances, renderBalance, renderReport, settledOn, type InvoiceLine, type MatchLine, type MissedLine, type ReportState, type RowLine } from './report.ts';
import { readRules } from './rules.ts';
import { foundInMail, foundInNotes, ownOf } from './sources.ts';
import { existingRecords, groupFound, recordOf, writeRecords } from './store.ts';
import type { BankRow, InvoiceSource, MatchConfig, OpenInvoice } from './types.ts';
import { theirActs, requestedActs } from './acts.ts';
import { DerivedNotes } from './derived.ts';

export const DISMISSED = 'dismissed.txt';
export const PAID_OTHERWISE = 'missed-paid.txt';
export const NOTED = 'missed-noted.txt';

const hash8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** A review question's target naming its bank row: `row:<ledger>#<key>|<date>`; the handlers read it back. */
export const rowTarget = (id: string, date: string) => `row:${id}|${date}`;

export function parseRowTarget(targets: readonly string[]): { ledger: string; key: string; id: string; date: string } | undefined {
  const m = /^row:(.+)#([^#|]+)\|(\d{4}-\d{2}-\d{2})$/.exec(targets.find((x) => x.startsWith('row:')) ?? '');
  return m ? { ledger: m[1]!, key: m[2]!, id: `${m[1]}#${m[2]}`, date: m[3]! } : undefined;
}

/** The finding of a doubtful bank row: its identity and the candidates asked (other candidates ask again). */
export const reviewKey = (row: string, candidates: readonly string[][]) => `match-review:${row}:${hash8(candidates.map((c) => c.join('+')).join('|'))}`;
export const missedKey = (contract: string, due: string) => `missed-payment:${linkTarget(contract) ?? contract}:${due}`;

export async function reconcileRun(ctx: JobContext): Promise<JobResult> {
  const t = catalogueFor(ctx);
  const today = ctx.clock.localDate();
  const own = ownOf(ctx);

  // ---- records: imported ones as they stand, mail and the owner's notes read again
  const existing = existingRecords(ctx);
  const notes = foundInNotes(ctx);
  const cancelledNotes = new Set(notes.filter((n) => n.cancelled).map((n) => n.found.sourceKey));
  const groups = groupFound(ctx, existing, [...foundInMail(ctx, own), ...notes.map((n) => n.found)]);
  const prevByPath = new Map(existing.map((r) => [r.path, r.fm]));
  const records = new Map<string, RecordFm>();
  let removed = 0;
  for (const r of existing) {
    if (groups.has(r.path)) continue;
    // Told only by sources read again, none of which tells it now (the mail went, the note was deleted): gone.
    const kept = r.fm.sources.filter((s) => !RESCANNED.has(s.split(':')[0] as InvoiceSource));
    if (kept.length === 0 && r.fm.sources.length > 0) {
      if (!r.fm.payments.some((p) => parsePayment(p)?.how === 'owner') && ctx.vault.removeFile(r.path)) removed++;
      else records.set(r.path, { ...r.fm, sources: kept });
      continue;
    }
    records.set(r.path, { ...r.fm, sources: kept.length === r.fm.sources.length ? r.fm.sources : kept });
  }
  for (const g of groups.values()) {
    const fm = recordOf(g);
    const noteCancelled = g.found.some((f) => cancelledNotes.has(f.sourceKey));
    records.set(g.path, { ...fm, status: noteCancelled ? 'cancelled' : fm.status === 'cancelled' ? 'open' : fm.status });
  }
  // The owner's own values of the keys they may change stand (a cancelled record, a corrected due date).
  for (const [path, fm] of records) {
    const prev = prevByPath.get(path);
    if (!prev) continue;
    for (const k of ['status', 'due', 'counterparty'] as const) {
      if (ownerChanged(prev as Record<string, unknown>, k)) (fm as Record<string, unknown>)[k] = prev[k];
    }
  }
  // One order every run (new records among the known ones by path), whatever order they were found in.
  const sorted = [...records].sort(([a], [b]) => byText(a, b));
  records.clear();
  for (const [p, fm] of sorted) records.set(p, fm);
  linkContracts(ctx, records);

  // ---- the bank, and what the owner already decided about its rows
  const bank = readBank(ctx);
  const rowsById = new Map(bank.rows.map((r) => [rowId(r), r]));
  const dismissed = new Set(ctx.state.readLines(DISMISSED));
  const paymentsOf = new Map<string, Payment[]>();
  const consumed = new Set<string>();
  for (const [path, fm] of records) {
    const owner = fm.payments.map(parsePayment).filter((p): p is Payment => !!p && p.how === 'owner' && rowsById.has(`${p.ledger}#${p.key}`));
    paymentsOf.set(path, owner);
    for (const p of owner) consumed.add(`${p.ledger}#${p.key}`);
  }

  // ---- credit notes reduce the invoices they name
  const credited = new Map<string, Money>();
  const creditUsed = new Set<string>();
  const byNumber = new Map<string, string[]>();
  for (const [path, fm] of records) {
    if (fm.document !== 'invoice') continue;
    const k = `${fm.direction}|${refKey(fm.number)}|${partyOf(fm)}`;
    byNumber.set(k, [...(byNumber.get(k) ?? []), path]);
  }
  for (const [path, fm] of records) {
    if (fm.document !== 'credit_note' || fm.status === 'cancelled') continue;
    let left = moneyFromNumber(fm.amount);
    for (const n of fm.refers_to) {
      const target = byNumber.get(`${fm.direction}|${refKey(n)}|${partyOf(fm)}`)?.[0];
      if (!target || left <= 0n) continue;
      const inv = records.get(target)!;
      const room = moneyFromNumber(inv.amount) - (credited.get(target) ?? 0n);
      const take = room < left ? room : left;
      if (take <= 0n) continue;
      credited.set(target, (credited.get(target) ?? 0n) + take);
      left -= take;
      creditUsed.add(path);
    }
  }

  // ---- the matcher over the rows nobody decided yet
  const rules = readRules(ctx);
  // A payment in another currency than its invoice is compared at the owner's rate of its day.
  const rates = ratesNotes(ctx, own.currency);
  const config: MatchConfig = { ...DEFAULT_CONFIG, ...(rates.length ? { rate: (from: string, to: string, day: string) => crossRate(rates, from, to, day) } : {}) };
  const open: OpenInvoice[] = [];
  const parties = new Map<string, IndexEntry | undefined>();
  for (const [path, fm] of records) {
    if (fm.status === 'cancelled' || creditUsed.has(path)) continue;
    const paidByOwner = sumMoney((paymentsOf.get(path) ?? []).map((p) => p.amount));
    const outstanding = moneyFromNumber(fm.amount) - moneyFromNumber(fm.prepaid ?? 0) - (credited.get(path) ?? 0n) - paidByOwner;
    if (outstanding <= 0n) continue;
    open.push(openInvoice(ctx, path, fm, outstanding, parties));
  }
  // In a fixed order: the index's order follows writes, and equal candidates must fall the same way every run.
  open.sort((a, b) => byText(a.id, b.id));
  const free = bank.rows.filter((r) => !consumed.has(rowId(r)) && !dismissed.has(rowId(r)));
  const result = match(free, open, rules.rules, config);
  for (const a of result.auto) {
    const row = rowsById.get(`${a.ledger}#${a.rowKey}`)!;
    const list = paymentsOf.get(a.invoiceId) ?? [];
    list.push({ ledger: a.ledger, key: a.rowKey, date: row.date, amount: a.amount, how: a.why.some((w) => /rule/.test(w)) ? 'rule' : 'auto' });
    paymentsOf.set(a.invoiceId, list);
  }

  // ---- each record's state, written where it changed
  const payable = new Map<string, Money>();
  for (const [path, fm] of records) {
    const pays = (paymentsOf.get(path) ?? []).sort((a, b) => byText(a.date, b.date) || byText(a.key, b.key));
    const paid = sumMoney(pays.map((p) => p.amount));
    const total = moneyFromNumber(fm.amount);
    const tolerance = feeTolerance(total, config);
    const credit = (credited.get(path) ?? 0n) + moneyFromNumber(fm.prepaid ?? 0);
    const state = creditUsed.has(path)
      ? { amount_paid: 0, outstanding: 0, status: 'credited' as const }
      : settle({ ...fm, status: fm.status === 'cancelled' ? 'cancelled' : 'open' }, paid, credit, pays.at(-1)?.date, today, tolerance);
    payable.set(path, fm.document === 'credit_note' || creditUsed.has(path) ? 0n : total - credit);
    const next: RecordFm = { ...fm, ...state, payments: pays.map(formatPayment) };
    if (state.overdue_days === undefined) delete next.overdue_days;
    if (!('paid_on' in state)) delete next.paid_on;
    records.set(path, next);
  }
  const written = await writeRecords(ctx, t, records, prevByPath);

  // ---- questions: doubtful rows, missed recurring payments
  const { asked, waiting } = await askReviews(ctx, t, result.review, rowsById, records);
  const missed = await checkContracts(ctx, t, bank);

  // ---- acts: the counterparty's own, compared; ours, where asked for
  const derived = new DerivedNotes(ctx);
  const acts = await theirActs(ctx, t, { records, rows: bank.rows, today }, derived);
  const made = await requestedActs(ctx, t, { records, rows: bank.rows, today }, derived);

  // ---- what the owner reads
  const lines = reportState(today, ctx.clock.localDateTime(), records, paymentsOf, payable, bank.rows, rowsById, asked, waiting, dismissed, missed, acts.differences);
  writeReports(derived, t, lines);
  writeBalances(derived, t, lines, today);
  const notesWritten = await derived.done();

  const matched = [...records.values()].reduce((n, r) => n + r.payments.length, 0);
  return {
    status: 'ok',
    summary: `${records.size} invoice record(s) (${written.created} new, ${written.updated} changed, ${removed} gone), ${matched} payment(s) matched, ${asked.size} row(s) asked (${waiting.size} waiting), ${missed.filter((m) => !m.acknowledged).length} missed payment(s), ${acts.differences.length} act difference(s), ${made} act(s) made`,
    counts: { records: records.size, created: written.created, updated: written.updated, matched, review: asked.size, waiting: waiting.size, missed: missed.length, act_differences: acts.differences.length, reports_and_balances: notesWritten },
  };
}

const partyOf = (fm: RecordFm) => (fm.counterparty ? linkTarget(fm.counterparty) ?? '' : fm.counterparty_tax_id ?? fm.counterparty_name ?? '').toLowerCase();

function openInvoice(ctx: Pick<JobContext, 'index'>, path: string, fm: RecordFm, outstanding: Money, parties: Map<string, IndexEntry | undefined>): OpenInvoice {
  let cp: IndexEntry | undefined;
  if (fm.counterparty) {
    if (!parties.has(fm.counterparty)) parties.set(fm.counterparty, ctx.index.resolveLink(fm.counterparty));
    cp = parties.get(fm.counterparty);
  }
  const cpFm = (cp?.frontmatter ?? {}) as Partial<Frontmatter<'counterparty'>>;
  const taxId = fm.counterparty_tax_id ?? cpFm.tax_id;
  return {
    id: path,
    number: fm.number,
    direction: fm.direction,
    type: fm.document,
    issued: fm.issued,
    ...(fm.due ? { due: fm.due } : {}),
    currency: fm.currency,
    total: moneyFromNumber(fm.amount),
    ...(fm.vat !== undefined ? { vat: moneyFromNumber(fm.vat) } : {}),
    outstanding,
    ...(fm.counterparty ? { counterparty: fm.counterparty } : {}),
    ...(taxId ? { counterpartyTaxId: taxId } : {}),
    ...(cpFm.accounts?.length ? { counterpartyAccounts: cpFm.accounts } : {}),
    ...(fm.counterparty_name ?? cp?.name ? { counterpartyName: fm.counterparty_name ?? cp?.name } : {}),
    ...(fm.contract_number ? { contractNumber: fm.contract_number } : {}),
    ...(fm.refers_to.length ? { refersTo: fm.refers_to } : {}),
  };
}

/** A record's contract: the one its number names, or the counterparty's only active contract. */
function linkContracts(ctx: Pick<JobContext, 'index'>, records: Map<string, RecordFm>): void {
  const contracts = ctx.index.byKind('contract').map((e) => ({ link: linkTo(e.path.slice(0, -3).split('/').pop()!), fm: e.frontmatter as Frontmatter<'contract'> }));
  const byNumber = new Map(contracts.filter((c) => c.fm.number).map((c) => [refKey(c.fm.number!), c.link]));
  const byParty = new Map<string, string[]>();
  for (const c of contracts) {
    if (c.fm.status !== 'active') continue;
    const k = (linkTarget(c.fm.counterparty) ?? '').toLowerCase();
    byParty.set(k, [...(byParty.get(k) ?? []), c.link]);
  }
  for (const [path, fm] of records) {
    const byNo = fm.contract_number ? byNumber.get(refKey(fm.contract_number)) : undefined;
    const party = fm.counterparty ? byParty.get((linkTarget(fm.counterparty) ?? '').toLowerCase()) : undefined;
    const link = byNo ?? (party?.length === 1 ? party[0] : undefined);
    if (link) records.set(path, { ...fm, contract: link });
    else if (fm.contract) {
      const next = { ...fm };
      delete next.contract;
      records.set(path, next);
    }
  }
}

// ---------------------------------------------------------------- questions

const describeInvoice = (t: Catalogue, fm: RecordFm) =>
  t['reconcile.review.invoice']({ number: fm.number, issued: fm.issued, party: fm.counterparty_name ?? linkTarget(fm.counterparty ?? '') ?? '', amount: `${formatMoney(moneyFromNumber(fm.amount))} ${fm.currency}` });

/**
 * One question per doubtful row, at most `reconcile_max_questions` open at once: the owner's attention is
 * the scarce thing. Questions already open stay; new ones go to the largest payments first, the others
 * wait in the report. A question whose row was settled meanwhile is closed with the reason.
 */
async function askReviews(
  ctx: JobContext, t: Catalogue, review: ReturnType<typeof match>['review'], rowsById: ReadonlyMap<string, BankRow>, records: ReadonlyMap<string, RecordFm>,
): Promise<{ asked: Set<string>; waiting: Set<string> }> {
  const asked = new Set<string>();
  const waiting = new Set<string>();
  const wanted = new Map<string, { id: string; row: BankRow; candidates: ReturnType<typeof match>['review'][number]['candidates'] }>();
  for (const r of review) {
    const id = `${r.ledger}#${r.rowKey}`;
    const candidates = r.candidates.filter((c) => c.invoiceIds.every((i) => records.has(i)));
    if (candidates.length) wanted.set(reviewKey(id, candidates.map((c) => c.invoiceIds)), { id, row: rowsById.get(id)!, candidates });
  }
  // Questions of earlier runs: kept while they stand, closed with the reason when they do not.
  const wantedRows = new Set([...wanted.values()].map((w) => w.id));
  let open = 0;
  for (const e of ctx.index.byKind('decision_item')) {
    const fm = e.frontmatter as Frontmatter<'decision_item'>;
    if (fm.kind !== 'match_review') continue;
    const w = wanted.get(fm.finding_key);
    if (w) {
      // Asked before (open, deferred or answered): never asked again under this key.
      asked.add(w.id);
      wanted.delete(fm.finding_key);
      if (fm.status === 'open' || fm.status === 'deferred') open++;
      continue;
    }
    if (fm.status !== 'open') continue;
    const row = parseRowTarget(fm.targets)?.id;
    const reason = !row || !rowsById.has(row) ? t['reconcile.review.gone']() : wantedRows.has(row) ? t['reconcile.review.changed']() : t['reconcile.review.matched']();
    await ctx.resolveDecision(fm.finding_key, reason);
  }
  const abs = (m: Money) => (m < 0n ? -m : m);
  const ranked = [...wanted].sort(([ka, a], [kb, b]) => (abs(b.row.amount) > abs(a.row.amount) ? 1 : abs(b.row.amount) < abs(a.row.amount) ? -1 : byText(ka, kb)));
  let room = Math.max(0, ctx.settings.number('reconcile_max_questions') - open);
  for (const [key, { id, row, candidates }] of ranked) {
    if (room === 0) {
      waiting.add(id);
      continue;
    }
    room--;
    asked.add(id);
    const money = (m: Money) => `${formatMoney(abs(m))} ${row.currency}`;
    const item: DecisionInput = {
      finding_key: key,
      kind: 'match_review',
      module: 'reconcile',
      title: t['reconcile.review.title']({ amount: money(row.amount), date: row.date, party: row.counterpartyName ?? row.counterparty ?? '?' }),
      why: t['reconcile.review.why']({ text: row.text.slice(0, 200) }),
      severity: 'low',
      options: [
        ...candidates.map((c, i) => ({ id: `pay_${i + 1}`, text: t['reconcile.review.option']({ invoices: c.invoiceIds.map((x) => describeInvoice(t, records.get(x)!)).join(' + '), why: c.why.slice(0, 3).join(', ') }) })),
        { id: 'none', text: t['reconcile.review.none']() },
      ],
      targets: [
        rowTarget(id, row.date),
        ...candidates.map((c, i) => `pay_${i + 1}:${c.invoiceIds.map((x, j) => `${x}=${formatMoney(c.amounts?.[j] ?? moneyFromNumber(records.get(x)!.outstanding))}`).join(';')}`),
      ],
      evidence: [`[[${row.ledger}]]`, ...new Set(candidates.flatMap((c) => c.invoiceIds.map((x) => `[[${x.slice(0, -3)}]]`)))],
      ...(row.counterparty ? { counterparty: row.counterparty } : {}),
    };
    await ctx.addDecision(item);
  }
  return { asked, waiting };
}

/** Contracts with a schedule against the bank: each missed due date asked once. */
async function checkContracts(ctx: JobContext, t: Catalogue, bank: ReturnType<typeof readBank>): Promise<MissedLine[]> {
  const paidOtherwise = new Set(ctx.state.readLines(PAID_OTHERWISE));
  const noted = new Set(ctx.state.readLines(NOTED));
  const lines: MissedLine[] = [];
  for (const e of ctx.index.byKind('contract')) {
    const fm = e.frontmatter as Frontmatter<'contract'>;
    if (fm.status !== 'active' || fm.period_amount === undefined || !fm.period || !fm.first_due) continue;
    const currency = fm.currency ?? ctx.settings.string('base_currency');
    const covered = bank.covered.get(currency);
    if (!covered) continue;
    const link = linkTo(e.path.slice(0, -3).split('/').pop()!);
    const c: RecurringContract = {
      contract: link,
      ...(fm.counterparty ? { counterparty: ctx.index.resolveLink(fm.counterparty) ? linkTo(ctx.index.resolveLink(fm.counterparty)!.name) : fm.counterparty } : {}),
      ...(fm.number ? { number: fm.number } : {}),
      period: fm.period,
      amount: moneyFromNumber(fm.period_amount),
      currency,
      firstDue: fm.first_due,
      ...(fm.end && !fm.auto_renew ? { end: fm.end } : {}),
      payer: fm.payer ?? 'us',
    };
    const res = checkRecurring(c, bank.rows, covered, feeTolerance(c.amount, DEFAULT_CONFIG));
    for (const m of res.missed) {
      const key = missedKey(link, m.due);
      if (paidOtherwise.has(key)) continue;
      lines.push({ contract: link, ...(c.counterparty ? { counterparty: c.counterparty } : {}), due: m.due, amount: c.amount, currency, acknowledged: noted.has(key) });
      await ctx.addDecision({
        finding_key: key,
        kind: 'missed_payment',
        module: 'reconcile',
        title: t['reconcile.missed.title']({ contract: linkTarget(link) ?? link, due: m.due }),
        why: t['reconcile.missed.why']({ amount: `${formatMoney(c.amount)} ${currency}`, period: t[`reconcile.period.${c.period}`](), payer: c.payer }),
        severity: 'medium',
        // A week's grace after the due date, and never a deadline already past.
        deadline: byText(addDays(m.due, 7), ctx.clock.localDate()) > 0 ? addDays(m.due, 7) : ctx.clock.localDate(),
        options: [
          { id: 'paid_otherwise', text: t['reconcile.missed.paid_otherwise']() },
          { id: 'noted', text: t['reconcile.missed.noted']() },
        ],
        targets: [`missed:${key}`],
        evidence: [link, ...(c.counterparty ? [c.counterparty] : [])],
        contract: link,
        ...(c.counterparty ? { counterparty: c.counterparty } : {}),
      });
    }
  }
  return lines;
}

// ---------------------------------------------------------------- what the owner reads

function reportState(
  today: string, now: string, records: ReadonlyMap<string, RecordFm>, paymentsOf: ReadonlyMap<string, readonly Payment[]>, payable: ReadonlyMap<string, Money>, rows: readonly BankRow[], rowsById: ReadonlyMap<string, BankRow>,
  asked: ReadonlySet<string>, waiting: ReadonlySet<string>, dismissed: ReadonlySet<string>, missed: MissedLine[], differences: { date: string; text: string }[],
): ReportState {
  const rowLine = (r: BankRow): RowLine => ({
    id: rowId(r), ledger: r.ledger, key: r.key, date: r.date, amount: r.amount, currency: r.currency,
    ...(r.counterparty ? { counterparty: r.counterparty } : {}), ...(r.counterpartyName ? { counterpartyName: r.counterpartyName } : {}), text: r.text,
  });
  const invoices: InvoiceLine[] = [];
  const matches: MatchLine[] = [];
  const paidRows = new Set<string>();
  for (const [path, fm] of records) {
    const pays = paymentsOf.get(path) ?? [];
    const line: InvoiceLine = {
      link: `[[${path.slice(0, -3)}]]`, number: fm.number, direction: fm.direction,
      ...(fm.counterparty ? { counterparty: fm.counterparty } : {}), ...(fm.counterparty_name ? { counterpartyName: fm.counterparty_name } : {}),
      issued: fm.issued, ...(fm.due ? { due: fm.due } : {}), currency: fm.currency,
      payable: payable.get(path) ?? 0n,
      cancelled: fm.status === 'cancelled',
      paid: pays.map((p) => ({ date: p.date, amount: p.amount })),
    };
    line.settled = settledOn(line) ?? null;
    invoices.push(line);
    for (const p of pays) {
      const row = rowsById.get(`${p.ledger}#${p.key}`);
      if (!row) continue;
      paidRows.add(rowId(row));
      matches.push({ row: rowLine(row), invoice: line, amount: p.amount, how: p.how, ...(fm.contract ? { contract: fm.contract } : {}) });
    }
  }
  matches.sort((a, b) => byText(a.row.date, b.row.date) || byText(a.row.id, b.row.id));
  const unmatchedRows = rows
    .filter((r) => !paidRows.has(rowId(r)))
    .map((r) => ({ ...rowLine(r), status: asked.has(rowId(r)) ? ('asked' as const) : waiting.has(rowId(r)) ? ('waiting' as const) : dismissed.has(rowId(r)) ? ('dismissed' as const) : ('open' as const) }));
  return { today, generated: now, matches, unmatchedRows, invoices, missed, differences, review: asked.size };
}

/** One report per month that has a bank row or an invoice, from the first such month to this one. */
function writeReports(out: DerivedNotes, t: Catalogue, s: ReportState): void {
  const months = new Set<string>();
  for (const r of s.matches) months.add(r.row.date.slice(0, 7));
  for (const r of s.unmatchedRows) months.add(r.date.slice(0, 7));
  for (const i of s.invoices) months.add(i.issued.slice(0, 7));
  for (const m of [...months].filter((x) => x <= s.today.slice(0, 7)).sort()) {
    const { start, end } = monthBounds(m);
    const { body, figures } = renderReport(t, { start, end }, s);
    const fm: Frontmatter<'reconciliation_report'> = {
      period_start: start, period_end: end, generated: s.generated,
      matched: figures.matched, unmatched_bank: figures.unmatched_bank, unmatched_records: figures.unmatched_records,
      needs_review: s.unmatchedRows.filter((r) => r.status === 'asked' && r.date >= start && r.date <= end).length,
      due_soon: figures.due_soon, overdue_incoming: figures.overdue_incoming, overdue_outgoing: figures.overdue_outgoing,
      differences: figures.differences, missed_payments: figures.missed_payments,
    };
    out.put('reconciliation_report', fm, body, 'generated');
  }
}

/** One balance note per counterparty with an invoice or a payment. */
function writeBalances(out: DerivedNotes, t: Catalogue, s: ReportState, today: string): void {
  const invoicesBy = new Map<string, InvoiceLine[]>();
  for (const i of s.invoices) if (i.counterparty) invoicesBy.set(i.counterparty, [...(invoicesBy.get(i.counterparty) ?? []), i]);
  const paymentsBy = new Map<string, RowLine[]>();
  for (const m of s.matches) {
    const cp = m.invoice.counterparty ?? m.row.counterparty;
    if (cp) paymentsBy.set(cp, [...(paymentsBy.get(cp) ?? []), m.row]);
  }
  for (const r of s.unmatchedRows) if (r.counterparty) paymentsBy.set(r.counterparty, [...(paymentsBy.get(r.counterparty) ?? []), r]);
  for (const cp of new Set([...invoicesBy.keys(), ...paymentsBy.keys()])) {
    const inv = invoicesBy.get(cp) ?? [];
    const list = balances(inv, paymentsBy.get(cp) ?? [], today);
    const main = list[0];
    if (!main) continue;
    const fm: Frontmatter<'counterparty_balance'> = {
      counterparty: cp, currency: main.currency, receivable: moneyToNumber(main.receivable), payable: moneyToNumber(main.payable),
      overdue_receivable: moneyToNumber(main.overdueReceivable), overdue_payable: moneyToNumber(main.overduePayable), open_invoices: main.open,
      ...(main.lastPayment ? { last_payment: main.lastPayment.date, last_payment_amount: moneyToNumber(main.lastPayment.amount < 0n ? -main.lastPayment.amount : main.lastPayment.amount) } : {}),
      ...(main.nextDue ? { next_due: main.nextDue.date, next_due_amount: moneyToNumber(main.nextDue.amount) } : {}),
      as_of: today,
    };
    out.put('counterparty_balance', fm, renderBalance(t, cp, list, inv, today), 'as_of');
  }
}
