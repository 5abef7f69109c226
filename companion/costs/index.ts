// The weekly cost report: `aios once costs` writes this ISO week's note (and settles last week's) from
// the cost ledger. An empty ledger still gives a note with zeros: "nothing was spent" is an answer.
import type { Job } from '../core/job.ts';
import { modelsState } from '../models/index.ts';
import { isoWeekOf, previousIsoWeek } from '../models/iso-week.ts';
import { CostLedger } from '../models/ledger.ts';
import { renderCostReport } from './report.ts';
import { autonomyOf } from '../core/autonomy.ts';
import { catalogueFor } from '../core/i18n/index.ts';

export const costsJob: Job = {
  name: 'costs',
  stage: 'reports',
  description: 'Writes the weekly cost note: model calls, share kept local, spend against the budget.',
  // The runner reads static triggers: the setting's default is the schedule.
  triggers: [{ kind: 'schedule', setting: 'schedule_costs' }],
  async run(ctx) {
    const ledger = new CostLedger(modelsState(ctx.state));
    const today = ctx.clock.localDate();
    const budget = ctx.settings.number('weekly_budget_usd');
    const generated = ctx.clock.localDateTime();
    const written: string[] = [];
    const entries = ledger.entries();
    const weeks = [isoWeekOf(today)];
    const prev = previousIsoWeek(today);
    // Last week's note is settled once more on the first run of a week, if it had calls.
    if (entries.some((e) => e.time.slice(0, 10) >= prev.start && e.time.slice(0, 10) <= prev.end)) weeks.push(prev);
    let spend = 0;
    let share = 1;
    for (const week of weeks) {
      const inWeek = entries.filter((e) => e.time.slice(0, 10) >= week.start && e.time.slice(0, 10) <= week.end);
      const since = `${week.start}T00:00:00`;
      const runs = ctx.runs().filter((r) => r.started >= since && r.started.slice(0, 10) <= week.end);
      const asked = ctx.index.byKind('decision_item').filter((e) => { const c = String(e.frontmatter.created ?? ''); return c >= since && c.slice(0, 10) <= week.end; }).length;
      const { frontmatter, body } = renderCostReport(week, inWeek, budget, generated, autonomyOf(runs, ctx.settings.rules('autonomy'), asked), catalogueFor(ctx));
      const r = ctx.vault.writeCompanionNote('cost_report', frontmatter, body);
      ctx.index.noteChanged(r.path);
      written.push(r.path);
      if (week === weeks[0]) {
        spend = frontmatter.spend_usd;
        share = frontmatter.local_share;
      }
    }
    return {
      status: 'ok',
      summary: `${weeks[0]!.week}: $${spend.toFixed(4)} spent, ${(share * 100).toFixed(0)}% local`,
      counts: { notes: written.length },
    };
  },
};
