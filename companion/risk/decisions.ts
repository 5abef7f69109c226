// What each answer to a risk question does. Most record the owner's call (the decision record the
// runtime writes is the memory later scans read); bank details answers change what is raised about
// that account, and a handled deadline or a fraud closes its mail. Every handler is idempotent.
import { contractDeadline, type Frontmatter } from '../../contract/index.ts';
import type { AnswerHandler, AnsweredItem, DecisionKind, JobContext } from '../core/job.ts';
import { catalogueFor } from '../core/i18n/index.ts';
import { CONFIRMED_ACCOUNTS, FRAUD_ACCOUNTS } from './read.ts';

const targetOf = (item: AnsweredItem, kind: string) => item.targets.find((x) => x.startsWith(`${kind}:`))?.slice(kind.length + 1);

/** The contract facts the finding key carries: `contract_notice:<path>:<end>:<notice days>:<auto renew>`. */
function contractFacts(key: string): { end: string; noticeDays: number; autoRenew: boolean } {
  const parts = key.split(':');
  const [end, notice, auto] = parts.slice(-3);
  return { end: end ?? '', noticeDays: Number(notice) || 0, autoRenew: auto === 'true' };
}

function contractAnswer(option: 'renew' | 'renegotiate' | 'let_end'): AnswerHandler {
  return async (item, ctx) => {
    const f = contractFacts(item.finding_key);
    const deadline = contractDeadline(f) ?? f.end;
    return { resolution: catalogueFor(ctx)['risk.contract.done']({ option, autoRenew: f.autoRenew, deadline }) };
  };
}

function remember(ctx: JobContext, file: string, value: string): void {
  if (!ctx.state.readLines(file).includes(value)) ctx.state.appendLine(file, value);
}

/** Marks the item's mail done (the owner said it is handled); a mail gone or done already is left alone. */
function closeMail(ctx: JobContext, item: AnsweredItem): void {
  const path = targetOf(item, 'note');
  if (!path || !ctx.index.get(path)) return;
  if (ctx.index.get(path)!.frontmatter.status === 'done') return;
  ctx.vault.updateCompanionKeys(path, { status: 'done' } satisfies Partial<Frontmatter<'mail_message'>>);
}

const said = <O extends string>(key: 'risk.duplicate.done' | 'risk.unusual.done' | 'risk.claim.done' | 'risk.cash.done', option: O): AnswerHandler =>
  async (_item, ctx) => ({ resolution: catalogueFor(ctx)[key]({ option }) });

function overdueAnswer(option: 'remind' | 'wait' | 'pay' | 'dispute'): AnswerHandler {
  return async (item, ctx) => {
    const path = targetOf(item, 'note');
    const number = (path && ctx.index.get(path)?.frontmatter.number) ?? item.title;
    return { resolution: catalogueFor(ctx)['risk.overdue.done']({ option, number: String(number) }) };
  };
}

function bankAnswer(option: 'confirmed' | 'fraud'): AnswerHandler {
  return async (item, ctx) => {
    const account = targetOf(item, 'account');
    if (account) remember(ctx, option === 'confirmed' ? CONFIRMED_ACCOUNTS : FRAUD_ACCOUNTS, account);
    if (option === 'fraud') closeMail(ctx, item);
    return { resolution: catalogueFor(ctx)['risk.bank.done']({ option, ...(account ? { account } : {}) }) };
  };
}

function deadlineAnswer(option: 'handled' | 'working' | 'not_relevant'): AnswerHandler {
  return async (item, ctx) => {
    if (option !== 'working') closeMail(ctx, item);
    return { resolution: catalogueFor(ctx)['risk.deadline.done']({ option }) };
  };
}

export const RISK_DECISIONS: readonly DecisionKind[] = [
  { kind: 'contract_notice', options: { renew: contractAnswer('renew'), renegotiate: contractAnswer('renegotiate'), let_end: contractAnswer('let_end') } },
  { kind: 'invoice_overdue', options: { remind: overdueAnswer('remind'), wait: overdueAnswer('wait'), pay: overdueAnswer('pay'), dispute: overdueAnswer('dispute') } },
  { kind: 'duplicate_payment', options: { refund: said('risk.duplicate.done', 'refund'), not_duplicate: said('risk.duplicate.done', 'not_duplicate') } },
  { kind: 'unusual_payment', options: { expected: said('risk.unusual.done', 'expected'), investigate: said('risk.unusual.done', 'investigate') } },
  { kind: 'claim', options: { accept: said('risk.claim.done', 'accept'), dispute: said('risk.claim.done', 'dispute'), negotiate: said('risk.claim.done', 'negotiate') } },
  { kind: 'low_cash', options: { plan: said('risk.cash.done', 'plan'), acknowledge: said('risk.cash.done', 'acknowledge') } },
  { kind: 'bank_details_changed', options: { confirmed: bankAnswer('confirmed'), fraud: bankAnswer('fraud') } },
  { kind: 'mail_deadline', options: { handled: deadlineAnswer('handled'), working: deadlineAnswer('working'), not_relevant: deadlineAnswer('not_relevant') } },
];
