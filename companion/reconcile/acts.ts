// Acts of reconciliation in the vault: the one the owner asks for (`aios once reconcile --counterparty
// X --period 2026-11`, kept as a request in the state folder and made again on every run, so it follows
// the books), and the counterparty's own act arriving by mail, compared with ours line by line, each
// difference asked once.
import { readFileSync, statSync } from 'node:fs';
import { linkTarget, linkTo, linkToNote, monthBounds, moneyFromNumber, moneyToNumber, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import { buildAct, compareActs, describeDifference, renderAct, type Act, type ActInput, type TheirAct } from './act.ts';
import { readTheirAct } from './act-read.ts';
import type { RecordFm } from './records.ts';
import type { BankRow } from './types.ts';
import type { DerivedNotes } from './derived.ts';

export const ACT_REQUESTS = 'act-requests.jsonl';

export interface ActRequest {
  counterparty: string;
  from: string;
  to: string;
}

/** `2026-11`, `2026-Q4`, `2026`, or `2026-11-01..2026-11-25`: the period's first and last day, or why not. */
export function parsePeriod(text: string): { from: string; to: string } | string {
  const s = text.trim();
  let m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(s);
  if (m) return m[1]! <= m[2]! ? { from: m[1]!, to: m[2]! } : `period ${s}: the start is after the end`;
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(s)) {
    const b = monthBounds(s);
    return { from: b.start, to: b.end };
  }
  m = /^(\d{4})-Q([1-4])$/i.exec(s);
  if (m) {
    const q = Number(m[2]);
    return { from: monthBounds(`${m[1]}-${String(q * 3 - 2).padStart(2, '0')}`).start, to: monthBounds(`${m[1]}-${String(q * 3).padStart(2, '0')}`).end };
  }
  if (/^\d{4}$/.test(s)) return { from: `${s}-01-01`, to: `${s}-12-31` };
  return `period "${s}": write a month (2026-11), a quarter (2026-Q4), a year (2026) or two dates (2026-11-01..2026-11-25)`;
}

export interface Books {
  records: ReadonlyMap<string, RecordFm>;
  rows: readonly BankRow[];
  today: string;
}

function businessName(ctx: Pick<JobContext, 'index'>): string {
  const p = ctx.index.byKind('business_profile')[0]?.frontmatter as Partial<Frontmatter<'business_profile'>> | undefined;
  return p?.legal_name ?? p?.name ?? 'The business';
}

/** Our act with a counterparty, from the invoice records and the bank rows the ledgers tie to it. */
export function ourAct(ctx: Pick<JobContext, 'index' | 'settings'>, books: Books, counterparty: string, from: string, to: string, currency?: string): Act {
  const name = (linkTarget(counterparty) ?? counterparty).toLowerCase();
  const mine = (link: string | undefined) => !!link && (linkTarget(link) ?? link).toLowerCase() === name;
  const cp = ctx.index.resolveLink(counterparty);
  const cpFm = cp?.frontmatter as Partial<Frontmatter<'counterparty'>> | undefined;
  const input: ActInput = {
    business: businessName(ctx),
    counterparty: cpFm?.name ?? linkTarget(counterparty) ?? counterparty,
    currency: currency ?? ctx.settings.string('base_currency'),
    from,
    to,
    invoices: [...books.records]
      .filter(([, r]) => mine(r.counterparty) && r.status !== 'cancelled')
      .map(([path, r]) => ({ number: r.number, issued: r.issued, direction: r.direction, type: r.document, total: moneyFromNumber(r.amount), currency: r.currency, ref: path.slice(0, -3) })),
    payments: books.rows.filter((r) => mine(r.counterparty)).map((r) => ({ date: r.date, amount: r.amount, currency: r.currency, ref: `${r.ledger}#${r.key}` })),
  };
  return buildAct(input);
}

/** An act note, through the pass's derived notes (unchanged ones are not written). */
function putAct(ctx: JobContext, out: DerivedNotes, act: Act, counterparty: string, body: string, extra: { their_act?: string; differences?: number } = {}): string {
  const fm: Frontmatter<'reconciliation_act'> = {
    counterparty, period_start: act.from, period_end: act.to, currency: act.currency,
    opening_balance: moneyToNumber(act.opening), closing_balance: moneyToNumber(act.closing), generated: ctx.clock.localDateTime(),
    ...(extra.their_act ? { their_act: extra.their_act } : {}), differences: extra.differences ?? 0,
  };
  return out.put('reconciliation_act', fm, body, 'generated');
}

/** The acts the owner asked for, each made again from today's books. */
export async function requestedActs(ctx: JobContext, t: Catalogue, books: Books, out: DerivedNotes): Promise<number> {
  const seen = new Set<string>();
  let n = 0;
  for (const line of ctx.state.readLines(ACT_REQUESTS)) {
    let req: ActRequest;
    try {
      req = JSON.parse(line) as ActRequest;
    } catch {
      continue;
    }
    const id = `${req.counterparty}|${req.from}|${req.to}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const act = ourAct(ctx, books, req.counterparty, req.from, req.to);
    // The same act compared with the counterparty's own this run already says more: left as it is.
    if (out.has(ctx.vault.pathFor('reconciliation_act', { counterparty: req.counterparty, period_start: req.from, period_end: req.to } as Frontmatter<'reconciliation_act'>))) continue;
    putAct(ctx, out, act, req.counterparty, renderAct(t, act));
    n++;
  }
  return n;
}

const ACT_WORDS = /акт\S*\s+сверк|сверк\S*\s+(взаим|расч)|reconciliation|statement of account|saldenbest|kontoabstimmung/iu;
const ACT_FILES = /\.(pdf|xlsx|csv)$/i;

/**
 * The counterparty's acts that came by mail: an attachment (PDF with a text layer, XLSX or CSV) of a
 * mail from a known counterparty whose subject or file name says it is an act of reconciliation.
 */
export async function theirActs(ctx: JobContext, t: Catalogue, books: Books, out: DerivedNotes): Promise<{ differences: { date: string; text: string }[] }> {
  const differences: { date: string; text: string }[] = [];
  const cache = new ReadActs(ctx);
  for (const e of ctx.index.byKind('mail_message')) {
    const fm = e.frontmatter as Partial<Frontmatter<'mail_message'>>;
    if (!fm.counterparty || fm.list === true) continue;
    for (const link of fm.attachments ?? []) {
      const path = linkTarget(link);
      if (!path || !ACT_FILES.test(path) || !(ACT_WORDS.test(fm.subject ?? '') || ACT_WORDS.test(path.split('/').pop()!))) continue;
      if (!ctx.vault.exists(path)) continue;
      const theirs = await cache.read(path);
      if ('error' in theirs) {
        ctx.log.warn({ file: path, reason: theirs.error }, 'cannot read the counterparty act');
        continue;
      }
      const mailDay = (fm.date ?? books.today).slice(0, 10);
      const from = theirs.from ?? monthBounds(mailDay.slice(0, 7)).start;
      const to = theirs.to ?? mailDay;
      const ours = ourAct(ctx, books, fm.counterparty, from, to, theirs.currency);
      const diffs = compareActs(ours, theirs);
      const cpName = linkTarget(fm.counterparty) ?? fm.counterparty;
      const theirLink = linkTo(path);
      const act = putAct(ctx, out, ours, fm.counterparty, renderAct(t, ours), { their_act: theirLink, differences: diffs.length });
      for (const d of diffs) {
        const text = describeDifference(t, d, ours.currency);
        differences.push({ date: to, text: `${cpName}: ${text}` });
        await ctx.addDecision({
          finding_key: `act-difference:${cpName}:${from}:${to}:${d.key}`,
          kind: 'act_difference',
          module: 'reconcile',
          title: t['reconcile.actdiff.title']({ counterparty: cpName, from, to }),
          why: t['reconcile.actdiff.why']({ difference: text }),
          severity: 'medium',
          options: [
            { id: 'ask_them', text: t['reconcile.actdiff.ask_them']() },
            { id: 'fix_ours', text: t['reconcile.actdiff.fix_ours']() },
            { id: 'ignore', text: t['reconcile.actdiff.ignore']() },
          ],
          targets: [`act:${act}`, `difference:${d.key}`],
          evidence: [theirLink, linkToNote(act), linkToNote(e.path)],
          counterparty: fm.counterparty,
        });
      }
    }
  }
  cache.save();
  return { differences };
}

const READ_ACTS = 'their-acts.json';
type Cached = { size: number; mtimeMs: number; act: TheirAct | { error: string } };
// Money kept as its digits: JSON has no bigint.
const toJson = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? { $money: v.toString() } : v);
const fromJson = (_k: string, v: unknown): unknown => {
  const m = v !== null && typeof v === 'object' ? (v as { $money?: unknown }).$money : undefined;
  return typeof m === 'string' ? BigInt(m) : v;
};

/** Their acts as read before, by file size and time: the pass runs after every statement and triage, and a PDF is read once. */
class ReadActs {
  private readonly beforeText: string;
  private readonly before: Record<string, Cached>;
  private readonly now: Record<string, Cached> = {};

  constructor(private readonly ctx: JobContext) {
    let text = '{}';
    let before: Record<string, Cached> = {};
    try {
      text = readFileSync(ctx.state.path(READ_ACTS), 'utf8');
      before = JSON.parse(text, fromJson) as Record<string, Cached>;
    } catch {
      // None yet, or unreadable: every act is read again.
    }
    this.beforeText = text;
    this.before = before;
  }

  async read(path: string): Promise<TheirAct | { error: string }> {
    const abs = this.ctx.vault.abs(path);
    const st = statSync(abs);
    const hit = this.before[path];
    const entry = hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs ? hit : { size: st.size, mtimeMs: st.mtimeMs, act: await readTheirAct(new Uint8Array(readFileSync(abs)), path) };
    this.now[path] = entry;
    return entry.act;
  }

  /** Keeps the acts of this pass (an attachment gone is forgotten). */
  save(): void {
    const text = JSON.stringify(this.now, toJson);
    if (text !== this.beforeText) this.ctx.state.writeJson(READ_ACTS, JSON.parse(text));
  }
}
