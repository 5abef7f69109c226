// Matching rules: the owner's own (`matching` rules note) and what the companion learned from the
// matches the owner confirmed (the `Learned matching` note beside it, companion-owned, one row per rule,
// a row the owner deletes is unlearned). The owner's row for a payer wins over a learned one.
import { linkTarget, linkTo, parseTables, renderTable, tableRecords, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import { catalogueFor } from '../core/i18n/index.ts';
import type { MatchRule } from './types.ts';

const COLUMNS = ['Counterparty', 'Payer account', 'Payer tax id', 'Payer name', 'Amount only'] as const;
const LEARNED_COLUMNS = [...COLUMNS, 'Learned on', 'From'] as const;

function ruleOf(r: Record<string, string>, origin: MatchRule['origin']): MatchRule | string {
  const target = linkTarget(r.counterparty ?? '') ?? (r.counterparty ?? '').trim();
  if (!target) return 'a row without a counterparty';
  const yes = (r.amount_only ?? '').trim().toLowerCase();
  const rule: MatchRule = { counterparty: linkTo(target), origin };
  if (r.payer_account?.trim()) rule.payerAccount = r.payer_account.trim();
  if (r.payer_tax_id?.trim()) rule.payerTaxId = r.payer_tax_id.trim();
  if (r.payer_name?.trim()) rule.payerName = r.payer_name.trim();
  if (['yes', 'true', 'да', 'ja'].includes(yes)) rule.amountOnly = true;
  else if (['no', 'false', 'нет', 'nein'].includes(yes)) rule.amountOnly = false;
  else if (yes) return `${target}: "Amount only" is "${r.amount_only}" (write yes or no)`;
  return rule;
}

export interface Rules {
  rules: MatchRule[];
  problems: string[];
}

/** Both notes' rules, the owner's first. A row that cannot be read is reported and skipped. */
export function readRules(ctx: Pick<JobContext, 'settings' | 'vault' | 'index'>): Rules {
  const out: Rules = { rules: [], problems: [] };
  let owner: Record<string, string>[] = [];
  try {
    owner = ctx.settings.rules('matching');
  } catch (e) {
    out.problems.push(`matching rules: ${(e as Error).message}`);
  }
  for (const r of owner) {
    const rule = ruleOf(r, 'owner');
    if (typeof rule === 'string') out.problems.push(`matching rules: ${rule}`);
    else out.rules.push(rule);
  }
  for (const r of learnedRows(ctx)) {
    const rule = ruleOf(r, 'learned');
    if (typeof rule !== 'string') out.rules.push(rule);
  }
  return out;
}

function learnedPath(ctx: Pick<JobContext, 'vault'>): string {
  return ctx.vault.pathFor('learned_rules', { rules_type: 'matching', updated: '2000-01-01T00:00:00' });
}

function learnedRows(ctx: Pick<JobContext, 'vault'>): Record<string, string>[] {
  const path = learnedPath(ctx);
  if (!ctx.vault.exists(path)) return [];
  const table = parseTables(ctx.vault.readNote(path).body).find((t) => t.header[0] === 'Counterparty');
  return table ? tableRecords(table) : [];
}

const same = (a: MatchRule, b: MatchRule) =>
  a.counterparty === b.counterparty && (a.payerAccount ?? '') === (b.payerAccount ?? '') && (a.payerTaxId ?? '') === (b.payerTaxId ?? '') &&
  (a.payerName ?? '').toLowerCase() === (b.payerName ?? '').toLowerCase() && a.amountOnly === b.amountOnly;

/**
 * Adds rules learned from one confirmed match to the Learned matching note, each once. The table is the
 * memory: the rows as they stand now (the owner may have deleted some) plus the new ones.
 */
export function learn(ctx: Pick<JobContext, 'vault' | 'clock' | 'index' | 'settings'>, rules: readonly MatchRule[], from: string): number {
  if (rules.length === 0) return 0;
  const rows = learnedRows(ctx);
  const have = rows.map((r) => ruleOf(r, 'learned')).filter((r): r is MatchRule => typeof r !== 'string');
  const added = rules.filter((r, i) => !have.some((h) => same(h, r)) && rules.findIndex((o) => same(o, r)) === i);
  if (added.length === 0) return 0;
  const today = ctx.clock.localDate();
  const cells = rows.map((r) => LEARNED_COLUMNS.map((c) => r[c.toLowerCase().replace(/ /g, '_')] ?? ''));
  for (const r of added) {
    cells.push([r.counterparty, r.payerAccount ?? '', r.payerTaxId ?? '', r.payerName ?? '', r.amountOnly === undefined ? '' : r.amountOnly ? 'yes' : 'no', today, from]);
  }
  const fm: Frontmatter<'learned_rules'> = { rules_type: 'matching', updated: ctx.clock.localDateTime() };
  const body = [
    '# Learned matching',
    '',
    catalogueFor(ctx)['reconcile.learned.intro'](),
    '',
    renderTable([...LEARNED_COLUMNS], cells),
  ].join('\n');
  ctx.vault.writeCompanionNote('learned_rules', fm, body, { path: learnedPath(ctx), ownerAsked: true });
  return added.length;
}
