// The risk module: a scan (daily before the digest, and after every statement, reconciliation and
// triage run) that raises one decision item per finding, closes the items whose facts went away, and
// reads the owner's earlier decisions as memory (a contract let end is not raised again; a claim
// answered is linked from the next mail of its thread).
import { linkToNote, type Frontmatter } from '../../contract/index.ts';
import type { Job, JobContext, JobResult } from '../core/job.ts';
import { catalogue } from '../core/i18n/index.ts';
import { cashIsLow, lowCash } from './cash.ts';
import { bankDetailMails, claimCandidates, claims, mailDeadlines } from './messages.ts';
import { contractNotices, overdueInvoices } from './obligations.ts';
import { duplicatePayments, paymentsToUnknownAccounts, rowTarget, unusualPayments } from './payments.ts';
import { LOW_CASH, messageText, readRiskInput, riskConfig } from './read.ts';
import type { Finding, MessageFact, RiskConfig, RiskInput } from './types.ts';

const CLAIM_CHECKS = 'claim-checks.json';

/** Claim candidates a model must confirm: asked once per message text, the answers kept in the state folder. */
async function confirmClaims(ctx: JobContext, input: RiskInput): Promise<Set<string>> {
  const cache = ctx.state.readJson<Record<string, boolean>>(CLAIM_CHECKS, {});
  const confirmed = new Set<string>();
  const kept: Record<string, boolean> = {};
  let asked = false;
  for (const { message: m, sure } of claimCandidates(input)) {
    if (sure) continue;
    const id = `${m.path}\u0000${m.messageId}`;
    if (cache[id] === undefined) {
      const body = messageText(ctx, m.path, m.subject);
      const other = m.category && m.category !== 'claim' ? m.category : 'other';
      const r = await ctx.models.classify({
        module: 'risk', tier: 'easy', labels: ['claim', other], links: [m.path], ...(m.kind === 'mail_message' ? { sender: m.from } : {}),
        descriptions: { claim: 'the sender makes a claim against the business: a complaint demanding a remedy, a penalty, termination or court' },
        item: { subject: m.subject, body: body.slice(0, 4000), from: m.from },
      });
      // No model could answer: asked again next time rather than remembered as "no".
      if (!r.ok) continue;
      cache[id] = r.value.label === 'claim';
      asked = true;
    }
    kept[id] = cache[id];
    if (cache[id]) confirmed.add(m.path);
  }
  // Answers for messages no longer scanned go with them.
  if (asked || Object.keys(kept).length !== Object.keys(cache).length) ctx.state.writeJson(CLAIM_CHECKS, kept);
  return confirmed;
}

/** Every finding of this scan, and what it looked at (an open item on something looked at and not found again is closed). */
export function findRisks(input: RiskInput, cfg: RiskConfig, confirmedClaims: ReadonlySet<string>, language: string): { findings: Finding[]; examined: Set<string> } {
  const t = catalogue(language);
  const examined = new Set<string>();
  const claimed = claims(input, confirmedClaims, t, examined);
  const claimedPaths = new Set(claimed.flatMap((f) => f.targets.filter((x) => x.startsWith('note:')).map((x) => x.slice(5))));
  const findings = [
    ...contractNotices(input, cfg, t, examined),
    ...overdueInvoices(input, cfg, t, examined),
    ...duplicatePayments(input, cfg, t, examined),
    ...unusualPayments(input, cfg, t, examined),
    ...paymentsToUnknownAccounts(input, t, examined),
    ...claimed,
    ...bankDetailMails(input, t, examined),
    ...mailDeadlines(input, claimedPaths, t, examined),
    ...lowCash(input, cfg, t, examined),
  ];
  return { findings, examined };
}

/** Links each answered claim from the mail of its thread that came after the answer. */
function linkAnsweredClaims(ctx: JobContext, input: RiskInput): number {
  let linked = 0;
  const threads = new Map<string, MessageFact[]>();
  for (const m of input.messages) (threads.get(m.threadKey) ?? threads.set(m.threadKey, []).get(m.threadKey)!).push(m);
  for (const d of input.decisions) {
    if (d.kind !== 'claim' || !d.findingKey.startsWith('claim:')) continue;
    for (const m of threads.get(d.findingKey.slice('claim:'.length)) ?? []) {
      if (m.kind !== 'mail_message' || m.decision || m.date < d.date) continue;
      const item = ctx.index.findByKey('decision_item', 'finding_key', d.findingKey);
      // The mails the item was raised on are its evidence already; the next one links the answer.
      if (item && ((item.frontmatter.targets as unknown[] | undefined) ?? []).includes(`note:${m.path}`)) continue;
      ctx.vault.updateCompanionKeys(m.path, { decision: linkToNote(d.path) } satisfies Partial<Frontmatter<'mail_message'>>);
      linked++;
    }
  }
  return linked;
}

export async function riskRun(ctx: JobContext): Promise<JobResult> {
  const cfg = riskConfig(ctx.settings);
  const input = readRiskInput(ctx, cfg);
  // A spell below the floor starts on the first day seen low and ends when cash recovers.
  const low = cashIsLow(input, cfg);
  if (low.floor || low.runway) {
    if (!input.lowCashSince) {
      input.lowCashSince = input.today;
      ctx.state.writeJson(LOW_CASH, { since: input.today });
    }
  } else if (input.lowCashSince && input.cash?.totalBase !== undefined) {
    delete input.lowCashSince;
    ctx.state.writeJson(LOW_CASH, {});
  }
  const confirmed = await confirmClaims(ctx, input);
  const language = ctx.settings.string('language');
  const { findings, examined } = findRisks(input, cfg, confirmed, language);

  const created: Record<string, number> = {};
  for (const f of findings) {
    if (ctx.signal.aborted) break;
    const r = await ctx.addDecision({ ...f, module: 'risk' });
    if (r.created) created[f.kind] = (created[f.kind] ?? 0) + 1;
  }
  // Open items whose facts went away: the thing they rest on was looked at and no longer shows it, or is gone.
  const current = new Set(findings.map((f) => f.finding_key));
  let resolved = 0;
  let rowIds: Set<string> | undefined, read: Set<string> | undefined;
  // A row removed from its ledger (dropped as a duplicate, its statement withdrawn) takes its finding
  // with it; a month read only as history says nothing of its rows, only whether its note is there.
  const rowGone = (x: string) => {
    const ledger = x.slice(4, x.lastIndexOf('#'));
    if (!ctx.index.get(`${ledger}.md`)) return true;
    rowIds ??= new Set(input.rows.map((r) => rowTarget(r)));
    read ??= new Set(input.rows.map((r) => r.ledger));
    return read.has(ledger) && !rowIds.has(x);
  };
  const reason = catalogue(language)['risk.resolved']();
  for (const e of ctx.index.byKind('decision_item')) {
    const fm = e.frontmatter;
    if (fm.module !== 'risk' || fm.status !== 'open' || current.has(String(fm.finding_key))) continue;
    const targets = Array.isArray(fm.targets) ? fm.targets.map(String) : [];
    const gone = targets.some((x) => examined.has(x) || (x.startsWith('note:') && !ctx.index.get(x.slice(5))) || (x.startsWith('row:') && rowGone(x)));
    if (gone && (await ctx.resolveDecision(String(fm.finding_key), reason))) resolved++;
  }
  const linked = linkAnsweredClaims(ctx, input);
  const raised = Object.values(created).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(created).map(([k, n]) => `${k} ${n}`).join(', ');
  return {
    status: raised || resolved || linked ? 'ok' : 'skipped',
    summary: `${raised} new item(s)${kinds ? ` (${kinds})` : ''}, ${resolved} closed, ${findings.length} finding(s) standing${linked ? `, ${linked} mail(s) linked to your decisions` : ''}`,
    counts: { raised, resolved, findings: findings.length, linked },
  };
}

export const riskJob: Job = {
  name: 'risk',
  description: 'Hunts for what could hurt the business (notice deadlines, overdue invoices, duplicate or unusual payments, claims, low cash, changed bank details, deadlines in mail) and asks the owner once per finding',
  stage: 'passes',
  triggers: [
    { kind: 'after', job: 'statements' },
    { kind: 'after', job: 'reconcile' },
    { kind: 'after', job: 'triage' },
    { kind: 'notes', kinds: ['contract', 'counterparty'], by: 'owner' },
    { kind: 'answered', decisionKinds: ['contract_notice', 'claim', 'bank_details_changed'] },
    { kind: 'schedule', setting: 'schedule_risk' },
  ],
  run: riskRun,
};
