// What the digest shows, read from the vault (queue, cash position, mail, contracts, invoice records,
// ledgers), the run history and the health of the sources. Anything a pass did not produce is simply
// absent: the digest says so in its section.
import { addDays, contractDeadline, linkToNote, moneyToNumber, parseTables, rankQueue, type Frontmatter } from '../../contract/index.ts';
import { readBank } from '../core/bank.ts';
import { autonomyOf } from '../core/autonomy.ts';
import { fmDay, fmText } from '../core/frontmatter.ts';
import type { JobContext } from '../core/job.ts';
import { catalogue } from '../core/i18n/index.ts';
import { ratesNotes, ratesOn } from '../core/rates.ts';
import type { IndexEntry } from '../core/vault-index.ts';
import type { DigestAccount, DigestDue, DigestInput, DigestRun } from './render.ts';

/** How many decisions the digest puts before the owner. */
export const NEEDS_YOU = 3;

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.replace(/[\s\u00a0]/g, '')) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

function cashOf(ctx: JobContext): DigestInput['cash'] {
  const e = ctx.index.byKind('cash_position')[0];
  if (!e) return undefined;
  const fm = e.frontmatter;
  const base = fmText(fm.base_currency) ?? ctx.settings.string('base_currency');
  let body = '';
  try {
    body = ctx.vault.readNote(e.path).body;
  } catch {
    return undefined;
  }
  // The note's first table is its accounts, by position whatever the language of its header:
  // account, currency, balance, as of, since the previous statement, since yesterday, freshness, pending.
  const table = parseTables(body).find((tb) => tb.header.length >= 8);
  const accounts: DigestAccount[] = [];
  for (const r of table?.rows ?? []) {
    // A balance may carry a note after it ("(balances did not check)").
    const balance = num(/^-?[\d.]+/.exec(r[2] ?? '')?.[0]);
    if (balance === undefined) continue;
    const since = num(r[5]);
    accounts.push({ account: r[0] ?? '', currency: r[1] ?? base, balance, asOf: r[3] ?? '', ...(since !== undefined ? { sinceYesterday: since } : {}) });
  }
  const asOf = fmText(fm.as_of) ?? '';
  const all = ratesNotes(ctx, base);
  const at = ratesOn(all, asOf.slice(0, 10));
  const rates = [...new Set(accounts.map((a) => a.currency))].filter((c) => c !== base && at?.rates[c] !== undefined).map((c) => ({ currency: c, rate: Number(at!.rates[c]), date: at!.date }));
  return {
    asOf, base, link: linkToNote(e.path), accounts, rates,
    floor: ctx.settings.number('risk_cash_floor'), runwayFloor: ctx.settings.number('risk_runway_months'),
    ...(typeof fm.total_base === 'number' ? { totalBase: fm.total_base } : {}),
    ...(typeof fm.runway_months === 'number' ? { runwayMonths: fm.runway_months } : {}),
  };
}

/** The last digest before today's: where "since the last digest" starts. */
function lastDigest(ctx: JobContext, today: string): IndexEntry | undefined {
  return ctx.index.byKind('digest').filter((e) => (fmDay(e.frontmatter.date) ?? '') < today).sort((a, b) => String(b.frontmatter.date).localeCompare(String(a.frontmatter.date)))[0];
}

export function readDigest(ctx: JobContext): DigestInput {
  const today = ctx.clock.localDate();
  const language = ctx.settings.string('language');
  const prev = lastDigest(ctx, today);
  const since = fmText(prev?.frontmatter.generated) ?? `${addDays(today, -7)}T00:00:00`;

  // 1. Needs you: the queue's own ranking.
  const due = rankQueue(ctx.index.byKind('decision_item'), (e) => e.frontmatter as unknown as Frontmatter<'decision_item'>, today);
  const decisions = due.slice(0, NEEDS_YOU).map((e) => ({
    link: linkToNote(e.path, fmText(e.frontmatter.title)), why: fmText(e.frontmatter.why) ?? '',
    ...(fmDay(e.frontmatter.deadline) ? { deadline: fmDay(e.frontmatter.deadline)! } : {}),
  }));

  // 3. Inbox.
  const mails = ctx.index.byKind('mail_message');
  const counts = new Map<string, number>();
  for (const m of mails) {
    if ((fmText(m.frontmatter.date) ?? '') < since) continue;
    const c = fmText(m.frontmatter.category) ?? '—';
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const replies = mails.filter((m) => m.frontmatter.status === 'needs_reply').sort((a, b) => (fmText(a.frontmatter.date) ?? '').localeCompare(fmText(b.frontmatter.date) ?? '') || a.path.localeCompare(b.path));

  // 4. Contracts and money due.
  const horizon = ctx.settings.number('risk_contract_horizon_days');
  const contracts: DigestDue[] = [];
  for (const e of ctx.index.byKind('contract')) {
    const fm = e.frontmatter;
    if ((fm.status ?? 'active') !== 'active') continue;
    const end = fmDay(fm.end);
    const c = { autoRenew: fm.auto_renew === true, ...(end ? { end } : {}), ...(typeof fm.notice_days === 'number' ? { noticeDays: fm.notice_days } : {}) };
    const deadline = contractDeadline(c);
    if (!deadline || !end || end < today || deadline > addDays(today, horizon)) continue;
    const title = `${fmText(fm.title) ?? e.path}${fmText(fm.counterparty) ? ` (${fmText(fm.counterparty)!.replace(/^\[\[|\]\]$/g, '')})` : ''}`;
    contracts.push({ link: linkToNote(e.path, title), what: c.autoRenew && deadline !== end ? 'notice' : 'end', date: deadline });
  }
  contracts.sort((a, b) => a.date.localeCompare(b.date));
  const dueSoon: DigestDue[] = [];
  const overdue: DigestDue[] = [];
  for (const e of ctx.index.byKind('invoice_record')) {
    const fm = e.frontmatter;
    const status = fmText(fm.status) ?? 'open';
    const outstanding = num(fm.outstanding) ?? 0;
    const dueOn = fmDay(fm.due);
    if ((status !== 'open' && status !== 'partly_paid') || outstanding <= 0 || !dueOn) continue;
    const item: DigestDue = { link: linkToNote(e.path, fmText(fm.number)), what: fm.direction === 'incoming' ? 'incoming' : 'outgoing', date: dueOn, amount: { value: outstanding, currency: fmText(fm.currency) ?? '' } };
    if (dueOn < today) overdue.push(item);
    else if (dueOn <= addDays(today, 7)) dueSoon.push(item);
  }
  dueSoon.sort((a, b) => a.date.localeCompare(b.date));
  overdue.sort((a, b) => a.date.localeCompare(b.date));
  const missed = ctx.index.byKind('decision_item').filter((e) => e.frontmatter.kind === 'missed_payment' && e.frontmatter.status === 'open')
    .map((e): DigestDue => ({ link: linkToNote(e.path, fmText(e.frontmatter.title)), what: 'missed', date: fmText(e.frontmatter.created)?.slice(0, 10) ?? today }));
  const sinceDay = since.slice(0, 10);
  // Payments received since the last digest: the ledger months of the days in question only.
  const bank = readBank(ctx, (e) => `${fmText(e.frontmatter.month) ?? '9999-99'}-31` >= sinceDay);
  const received = bank.rows.filter((r) => r.amount > 0n && r.date >= sinceDay)
    .map((r): DigestDue => ({ link: linkToNote(r.ledger, r.counterparty ? r.counterparty.replace(/^\[\[|\]\]$/g, '') : r.counterpartyName ?? r.account), what: 'received', date: r.date, amount: { value: moneyToNumber(r.amount), currency: r.currency } }));

  // 5. Overnight: the runs since the last digest (the digest's own excluded), the sources down, the work done.
  const runs = ctx.runs().filter((r) => (r.started ?? '') >= since && r.job !== 'digest');
  const lastOf = new Map<string, DigestRun>();
  for (const r of runs) lastOf.set(r.job, { job: r.job, status: r.status, summary: r.summary });
  const failed = runs.filter((r) => r.status === 'failed').map((r) => ({ job: r.job, status: r.status, summary: r.summary }));
  // A digest that failed since the last one is reported too.
  for (const r of ctx.runs({ job: 'digest' })) if (r.status === 'failed' && r.started >= since) failed.push({ job: r.job, status: r.status, summary: r.summary });
  const health = ctx.health();
  const sourcesDown = Object.entries(health).filter(([, h]) => !h.ok).map(([source, h]) => ({ source, detail: h.detail }));
  const created = ctx.index.byKind('decision_item').filter((e) => (fmText(e.frontmatter.created) ?? '') >= since).length;
  const autonomy = autonomyOf(runs, ctx.settings.rules('autonomy'), created);
  const report = ctx.index.byKind('cost_report').find((e) => (fmDay(e.frontmatter.period_start) ?? '9999') <= today && today <= (fmDay(e.frontmatter.period_end) ?? ''));
  const spend = report ? { usd: num(report.frontmatter.spend_usd) ?? 0, localShare: num(report.frontmatter.local_share) ?? 1, calls: num(report.frontmatter.calls) ?? 0, week: fmText(report.frontmatter.week) ?? '' } : undefined;

  const cash = cashOf(ctx);
  return {
    today, language, since,
    decisions, openTotal: due.length,
    // The queue's view (a Base): a link to it names its extension.
    queueLink: `[[${ctx.settings.string('folder_system')}/Views/Decision queue.base|${catalogue(language)['digest.queue']()}]]`,
    ...(cash ? { cash } : {}),
    categories: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    needsReply: replies.slice(0, 10).map((m) => ({ link: linkToNote(m.path, fmText(m.frontmatter.subject)), date: fmDay(m.frontmatter.date) ?? '', from: fmText(m.frontmatter.from_name) ?? fmText(m.frontmatter.from) ?? '', summary: fmText(m.frontmatter.summary) ?? '' })),
    needsReplyTotal: replies.length,
    contracts, dueSoon, overdue, missed, received,
    runs: [...lastOf.values()], failed, sourcesDown, autonomy,
    ...(spend ? { spend } : {}),
  };
}
