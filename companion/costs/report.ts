// The weekly cost note, pure: ledger entries of one ISO week in, frontmatter and body out.
import type { Autonomy } from '../core/autonomy.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import { renderTable } from '../../contract/markdown-table.ts';
import type { Frontmatter } from '../../contract/index.ts';
import type { LedgerEntry } from '../models/ledger.ts';
import type { IsoWeek } from '../models/iso-week.ts';
import { nanoToUsd } from '../models/prices.ts';

export interface CostSummary {
  calls: number;
  localCalls: number;
  /** Local calls over all calls; 1 for a week without calls (nothing left the machine). */
  localShare: number;
  spendNano: bigint;
  escalations: number;
  byModule: Map<string, Group>;
  byProvider: Map<string, Group>;
}

interface Group {
  calls: number;
  local: number;
  tokensIn: number;
  tokensOut: number;
  spendNano: bigint;
  failed: number;
}

const emptyGroup = (): Group => ({ calls: 0, local: 0, tokensIn: 0, tokensOut: 0, spendNano: 0n, failed: 0 });

export function summarise(entries: readonly LedgerEntry[]): CostSummary {
  const s: CostSummary = { calls: 0, localCalls: 0, localShare: 1, spendNano: 0n, escalations: 0, byModule: new Map(), byProvider: new Map() };
  const escalatedTasks = new Set<string>();
  for (const e of entries) {
    const cost = BigInt(e.cost_nano_usd);
    s.calls++;
    if (e.location === 'local') s.localCalls++;
    s.spendNano += cost;
    if (e.escalated) escalatedTasks.add(e.task_id);
    for (const [map, key] of [[s.byModule, e.module], [s.byProvider, `${e.provider} ${e.model}`]] as const) {
      const g = map.get(key) ?? emptyGroup();
      g.calls++;
      if (e.location === 'local') g.local++;
      g.tokensIn += e.tokens_in;
      g.tokensOut += e.tokens_out;
      g.spendNano += cost;
      if (e.outcome !== 'ok' && e.outcome !== 'low_confidence') g.failed++;
      map.set(key, g);
    }
  }
  s.escalations = escalatedTasks.size;
  s.localShare = s.calls === 0 ? 1 : s.localCalls / s.calls;
  return s;
}

const usd = (nano: bigint) => `$${nanoToUsd(nano).toFixed(4)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** Spend in the frontmatter: dollars rounded to a millionth (the ledger keeps nano-dollars). */
const usdNumber = (nano: bigint) => Number(((nano + 500n) / 1000n).toString()) / 1e6;

export function renderCostReport(
  week: IsoWeek,
  entries: readonly LedgerEntry[],
  budgetUsd: number,
  generated: string,
  autonomy: Autonomy | undefined,
  t: Catalogue,
): { frontmatter: Frontmatter<'cost_report'>; body: string } {
  const s = summarise(entries);
  const frontmatter: Frontmatter<'cost_report'> = {
    week: week.week,
    period_start: week.start,
    period_end: week.end,
    calls: s.calls,
    local_calls: s.localCalls,
    local_share: Math.round(s.localShare * 10000) / 10000,
    spend_usd: usdNumber(s.spendNano),
    budget_usd: budgetUsd,
    escalations: s.escalations,
    ...(autonomy ? { autonomy_minutes: Math.round(autonomy.minutes), owner_items: autonomy.needed } : {}),
    generated,
  };
  const rows = (m: Map<string, Group>) =>
    [...m.entries()].sort((a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0])).map(([k, g]) => [
      k, String(g.calls), String(g.local), String(g.tokensIn), String(g.tokensOut), usd(g.spendNano), String(g.failed),
    ]);
  const header = t['costs.cols']();
  const left = budgetUsd - nanoToUsd(s.spendNano);
  const body = [
    `# ${t['costs.title']({ week: week.week })}`,
    '',
    t['costs.intro']({ start: week.start, end: week.end, calls: s.calls, local: s.localCalls, share: pct(s.localShare), spend: usd(s.spendNano), budget: `$${budgetUsd.toFixed(2)}`, left: left >= 0 ? `$${left.toFixed(4)}` : undefined, over: left < 0 ? `$${(-left).toFixed(4)}` : undefined, escalations: s.escalations }),
    '',
    ...(autonomy ? [`## ${t['costs.autonomy']()}`, '', t['costs.autonomy.line']({ hours: (autonomy.minutes / 60).toFixed(1), needed: autonomy.needed }), '',
      ...autonomy.lines.map((l) => `- ${t['autonomy.line']({ work: l.work, count: l.count, minutes: String(l.minutes) })}`), ''] : []),
    `## ${t['costs.by_module']()}`,
    '',
    s.calls === 0 ? `${t['costs.none']()}\n` : renderTable([t['costs.module'](), ...header], rows(s.byModule)),
    `## ${t['costs.by_provider']()}`,
    '',
    s.calls === 0 ? `${t['costs.none']()}\n` : renderTable([t['costs.provider'](), ...header], rows(s.byProvider)),
    t['costs.source'](),
    '',
  ].join('\n');
  return { frontmatter, body };
}
