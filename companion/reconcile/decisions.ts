// What each answer to a reconciliation question does. Idempotent: a second run after a crash finds the
// payment already on the record, the row already dismissed, and says so.
import { linkTarget, moneyFromNumber, parseLedgerRows, type Frontmatter } from '../../contract/index.ts';
import type { AnswerHandler, AnsweredItem, DecisionKind, JobContext } from '../core/job.ts';
import { catalogueFor } from '../core/i18n/index.ts';
import { REVIEW_OPTIONS } from './match/matcher.ts';
import { referencesIn } from './match/references.ts';
import { formatPayment, parsePayment } from './records.ts';
import { learn } from './rules.ts';
import { DISMISSED, NOTED, PAID_OTHERWISE, parseRowTarget } from './run.ts';
import type { MatchRule } from './types.ts';

const targetOf = (item: AnsweredItem, prefix: string) => item.targets.find((x) => x.startsWith(`${prefix}:`))?.slice(prefix.length + 1);

const rowOf = (item: AnsweredItem) => parseRowTarget(item.targets);

/** Records the row as paying the invoices of the chosen option, and learns who the payer is. */
const pay: AnswerHandler = async (item, ctx) => {
  const row = rowOf(item);
  const parts = (targetOf(item, item.option) ?? '').split(';').map((p) => /^(.+)=(-?\d+(?:\.\d+)?)$/.exec(p)).filter((m): m is RegExpExecArray => !!m);
  if (!row || parts.length === 0) return { resolution: catalogueFor(ctx)['reconcile.review.gone']() };
  const ledgerPath = `${row.ledger}.md`;
  const ledgerRow = ctx.vault.exists(ledgerPath) ? parseLedgerRows(ctx.vault.readNote(ledgerPath).body, ledgerPath).find((r) => r.key === row.key) : undefined;
  if (!ledgerRow) return { resolution: catalogueFor(ctx)['reconcile.review.gone']() };
  const names: string[] = [];
  let already = true;
  const rules: MatchRule[] = [];
  for (const m of parts) {
    const path = m[1]!;
    if (!ctx.vault.exists(path)) continue;
    const fm = ctx.vault.readNote(path).frontmatter as unknown as Frontmatter<'invoice_record'>;
    names.push(fm.number);
    const have = fm.payments.map(parsePayment);
    if (!have.some((p) => p && p.ledger === row.ledger && p.key === row.key && p.how === 'owner')) {
      already = false;
      const payments = [...fm.payments.filter((s) => { const p = parsePayment(s); return !(p && p.ledger === row.ledger && p.key === row.key); }),
        formatPayment({ ledger: row.ledger, key: row.key, date: row.date, amount: moneyFromNumber(Number(m[2])), how: 'owner' })];
      ctx.vault.updateCompanionKeys(path, { payments });
    }
    if (fm.counterparty) {
      const rule: MatchRule = { counterparty: fm.counterparty, origin: 'learned' };
      if (ledgerRow.cpAccount) rule.payerAccount = ledgerRow.cpAccount;
      if (ledgerRow.cpTaxId) rule.payerTaxId = ledgerRow.cpTaxId;
      const cell = linkTarget(ledgerRow.counterparty) ?? ledgerRow.counterparty;
      if (!rule.payerAccount && !rule.payerTaxId && cell) rule.payerName = cell;
      // A payment naming no document, confirmed: this counterparty's invoices may be matched on their amount.
      if (referencesIn(ledgerRow.text).length === 0) rule.amountOnly = true;
      if (rule.payerAccount || rule.payerTaxId || rule.payerName || rule.amountOnly) rules.push(rule);
    }
  }
  if (names.length === 0) return { resolution: catalogueFor(ctx)['reconcile.review.gone']() };
  const invoices = names.join(', ');
  if (already) return { resolution: catalogueFor(ctx)['reconcile.review.already']({ invoices }) };
  const learned = learn(ctx, rules, linkTarget(item.path) ?? item.path.replace(/\.md$/, ''));
  return { resolution: catalogueFor(ctx)['reconcile.review.done']({ invoices, learned }) };
};

/** Adds a line to a state list once. */
function remember(ctx: JobContext, file: string, line: string): void {
  if (!ctx.state.readLines(file).includes(line)) ctx.state.appendLine(file, line);
}

const dismiss: AnswerHandler = async (item, ctx) => {
  const row = rowOf(item);
  if (row) remember(ctx, DISMISSED, row.id);
  return { resolution: catalogueFor(ctx)['reconcile.review.dismissed']() };
};

const missed = (option: 'paid_otherwise' | 'noted'): AnswerHandler => async (item, ctx) => {
  const key = targetOf(item, 'missed');
  if (key) remember(ctx, option === 'paid_otherwise' ? PAID_OTHERWISE : NOTED, key);
  return { resolution: catalogueFor(ctx)['reconcile.missed.done']({ option }) };
};

const actAnswer = (option: 'ask_them' | 'fix_ours' | 'ignore'): AnswerHandler => async (_item, ctx) => ({ resolution: catalogueFor(ctx)['reconcile.actdiff.done']({ option }) });

export const RECONCILE_DECISIONS: readonly DecisionKind[] = [
  { kind: 'match_review', options: { ...Object.fromEntries(Array.from({ length: REVIEW_OPTIONS }, (_, i) => [`pay_${i + 1}`, pay])), none: dismiss } },
  { kind: 'missed_payment', options: { paid_otherwise: missed('paid_otherwise'), noted: missed('noted') } },
  { kind: 'act_difference', options: { ask_them: actAnswer('ask_them'), fix_ours: actAnswer('fix_ours'), ignore: actAnswer('ignore') } },
];
