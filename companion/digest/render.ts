// The digest's text, from plain data by a fixed template: the same vault gives the same note. Five
// sections in a fixed order, each saying so in one line when it has nothing; the owner's section last.
import type { Catalogue } from '../core/i18n/index.ts';
import { formatAmount, formatDay, formatNumber, oneLine } from '../core/i18n/format.ts';

export interface DigestDecision {
  /** A link labelled with the item's title. */
  link: string;
  why: string;
  deadline?: string;
}

export interface DigestAccount {
  account: string;
  currency: string;
  balance: number;
  asOf: string;
  sinceYesterday?: number;
}

export interface DigestCash {
  asOf: string;
  base: string;
  link: string;
  accounts: DigestAccount[];
  totalBase?: number;
  /** Rates into the base currency used for the total: currency, rate, day. */
  rates: { currency: string; rate: number; date: string }[];
  runwayMonths?: number;
  floor: number;
  runwayFloor: number;
}

export interface DigestMail {
  link: string;
  date: string;
  from: string;
  summary: string;
}

export interface DigestDue {
  link: string;
  what: 'notice' | 'end' | 'incoming' | 'outgoing' | 'missed' | 'received';
  date: string;
  amount?: { value: number; currency: string };
}

export interface DigestRun {
  job: string;
  status: string;
  summary: string;
}

export interface DigestInput {
  today: string;
  language: string;
  /** Where counting starts: the last digest's time, or a week back for the first one. */
  since: string;
  decisions: DigestDecision[];
  openTotal: number;
  queueLink: string;
  cash?: DigestCash;
  categories: [category: string, count: number][];
  needsReply: DigestMail[];
  needsReplyTotal: number;
  contracts: DigestDue[];
  dueSoon: DigestDue[];
  overdue: DigestDue[];
  missed: DigestDue[];
  received: DigestDue[];
  runs: DigestRun[];
  failed: DigestRun[];
  sourcesDown: { source: string; detail: string }[];
  autonomy: { minutes: number; lines: { work: string; count: number; minutes: number }[]; needed: number };
  spend?: { usd: number; localShare: number; calls: number; week: string };
}

/** Up to this many lines in a list; the rest are counted. */
export const LIST_MAX = 10;

const cell = (s: string) => s.replace(/[|\r\n]+/g, ' ').trim();

function list<T>(t: Catalogue, items: readonly T[], line: (x: T) => string, total = items.length): string[] {
  const out = items.slice(0, LIST_MAX).map((x) => `- ${line(x)}`);
  if (total > LIST_MAX) out.push(`- ${t['digest.more']({ count: total - Math.min(items.length, LIST_MAX) })}`);
  return out;
}

export function renderDigest(d: DigestInput, t: Catalogue): string {
  const L = d.language;
  const money = (v: number, c: string) => formatAmount(L, v, c);
  const day = (s: string) => formatDay(L, s);
  const out: string[] = [`# ${t['digest.title']({ date: day(d.today) })}`, ''];

  out.push(`## ${t['digest.needs_you']()}`, '');
  if (d.decisions.length === 0) out.push(t['digest.nothing.needs_you'](), '');
  else {
    d.decisions.forEach((x, i) => out.push(`${i + 1}. ${x.link}: ${oneLine(x.why, 160)}${x.deadline ? ` ${t['digest.deadline']({ date: day(x.deadline) })}` : ''}`));
    const rest = d.openTotal - d.decisions.length;
    out.push('', rest > 0 ? t['digest.more_open']({ count: rest, link: d.queueLink }) : t['digest.all_open']({ link: d.queueLink }), '');
  }

  out.push(`## ${t['digest.cash']()}`, '');
  const c = d.cash;
  if (!c || c.accounts.length === 0) out.push(t['digest.nothing.cash'](), '');
  else {
    out.push(`| ${t['digest.cash.cols']().join(' | ')} |`, `| ${t['digest.cash.cols']().map(() => '---').join(' | ')} |`);
    for (const a of c.accounts) {
      const change = a.sinceYesterday === undefined ? '' : `${a.sinceYesterday > 0 ? '+' : ''}${money(a.sinceYesterday, a.currency)}`;
      out.push(`| ${cell(a.account)} | ${money(a.balance, a.currency)} | ${change} | ${day(a.asOf)} |`);
    }
    out.push('');
    if (c.totalBase !== undefined) {
      const rates = c.rates.map((r) => t['digest.cash.rate']({ currency: r.currency, rate: formatNumber(L, r.rate, 2), date: day(r.date) }));
      out.push(t['digest.cash.total']({ total: money(c.totalBase, c.base), rates: rates.join(', '), link: c.link }));
    } else out.push(t['digest.cash.no_total']({ link: c.link }));
    out.push(c.runwayMonths === undefined ? t['digest.cash.no_runway']() : t['digest.cash.runway']({ months: formatNumber(L, c.runwayMonths, 1) }));
    const under: string[] = [];
    if (c.totalBase !== undefined && c.totalBase < c.floor) under.push(t['digest.cash.under_floor']({ floor: money(c.floor, c.base) }));
    if (c.runwayMonths !== undefined && c.runwayFloor > 0 && c.runwayMonths < c.runwayFloor) under.push(t['digest.cash.under_runway']({ months: formatNumber(L, c.runwayFloor, 1) }));
    for (const u of under) out.push(`**${u}**`);
    out.push('');
  }

  out.push(`## ${t['digest.inbox']()}`, '');
  const total = d.categories.reduce((s, [, n]) => s + n, 0);
  out.push(total === 0 ? t['digest.inbox.none']({ since: day(d.since.slice(0, 10)) }) : t['digest.inbox.counts']({ since: day(d.since.slice(0, 10)), total, by: d.categories.map(([k, n]) => `${k} ${n}`).join(', ') }));
  out.push('');
  if (d.needsReplyTotal === 0) out.push(t['digest.inbox.no_replies'](), '');
  else out.push(t['digest.inbox.replies']({ count: d.needsReplyTotal }), '', ...list(t, d.needsReply, (m) => `${day(m.date)} ${m.link} (${cell(m.from)}): ${oneLine(m.summary, 160)}`, d.needsReplyTotal), '');

  out.push(`## ${t['digest.due']()}`, '');
  const dueLine = (x: DigestDue) => `${day(x.date)} ${x.link}: ${t[`digest.what.${x.what}`]()}${x.amount ? `, ${money(x.amount.value, x.amount.currency)}` : ''}`;
  const groups: [string, DigestDue[]][] = [
    [t['digest.due.contracts'](), d.contracts], [t['digest.due.soon'](), d.dueSoon], [t['digest.due.overdue'](), d.overdue],
    [t['digest.due.missed'](), d.missed], [t['digest.due.received'](), d.received],
  ];
  if (groups.every(([, xs]) => xs.length === 0)) out.push(t['digest.nothing.due'](), '');
  else for (const [title, xs] of groups) if (xs.length) out.push(`**${title}**`, '', ...list(t, xs, dueLine), '');

  out.push(`## ${t['digest.overnight']()}`, '');
  if (d.runs.length === 0) out.push(t['digest.overnight.nothing_ran']());
  else out.push(t['digest.overnight.ran']({ jobs: d.runs.map((r) => `${r.job} (${t[`digest.status.${r.status === 'ok' ? 'ok' : r.status === 'failed' ? 'failed' : 'skipped'}`]()})`).join(', ') }));
  for (const f of d.failed) out.push(`- **${t['digest.overnight.failed']({ job: f.job })}** ${oneLine(f.summary, 160)}`);
  for (const s of d.sourcesDown) out.push(`- ${t['digest.overnight.down']({ source: s.source })} ${oneLine(s.detail, 160)}`);
  const a = d.autonomy;
  out.push('', t['digest.autonomy']({ hours: formatNumber(L, a.minutes / 60, 1), needed: a.needed }));
  for (const l of a.lines) out.push(`- ${t['autonomy.line']({ work: l.work, count: l.count, minutes: formatNumber(L, l.minutes, 0) })}`);
  out.push('', d.spend ? t['digest.spend']({ usd: formatNumber(L, d.spend.usd, 2), share: formatNumber(L, d.spend.localShare * 100, 0), calls: d.spend.calls, week: d.spend.week }) : t['digest.no_spend'](), '');
  return out.join('\n');
}
