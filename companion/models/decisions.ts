// What each answer to a models question does. An answer about the budget never writes the owner's
// settings note: it becomes an override in the models' state folder that ends with the ISO week.
import { catalogueFor } from '../core/i18n/index.ts';
import type { DecisionKind } from '../core/job.ts';
import type { StateDir } from '../core/state.ts';
import type { RouterConfig } from './router.ts';

const FILE = 'overrides.json';

export interface Override {
  /** `budget_extra_usd`: spend allowed on top of the weekly budget; `budget_exhausted`: what happens when it is spent. */
  key: 'budget_extra_usd' | 'budget_exhausted';
  value: number | 'local';
  /** Last day it applies (the week's Sunday), in the business time zone. */
  until: string;
  /** The queue item it came from. */
  from: string;
}

export function readOverrides(state: StateDir): Override[] {
  return state.readJson<Override[]>(FILE, []);
}

/** The router's configuration with the overrides still in force on `today`. */
export function applyOverrides(cfg: RouterConfig, overrides: readonly Override[], today: string): RouterConfig {
  const out = { ...cfg };
  for (const o of overrides) {
    if (o.until < today) continue;
    if (o.key === 'budget_extra_usd' && typeof o.value === 'number') out.weeklyBudgetUsd += o.value;
    if (o.key === 'budget_exhausted' && o.value === 'local') out.budgetExhausted = 'local';
  }
  return out;
}

function addOverride(state: StateDir, o: Override): boolean {
  const all = readOverrides(state);
  // Idempotent: one override per item and key.
  if (all.some((x) => x.from === o.from && x.key === o.key)) return false;
  state.writeJson(FILE, [...all, o]);
  return true;
}

const weekOf = (targets: readonly string[]) => {
  const m = targets.map((t) => /^week:(\d{4}-W\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(t)).find(Boolean);
  return m ? { week: m[1]!, end: m[2]! } : undefined;
};

export const MODEL_DECISIONS: readonly DecisionKind[] = [
  {
    kind: 'budget_exhausted',
    options: {
      raise_budget: async (item, ctx) => {
        const w = weekOf(item.targets);
        if (!w) return { resolution: catalogueFor(ctx)['models.done.no_week']() };
        const extra = ctx.settings.number('weekly_budget_usd');
        addOverride(ctx.state, { key: 'budget_extra_usd', value: extra, until: w.end, from: item.finding_key });
        return { resolution: catalogueFor(ctx)['models.done.raised']({ extra: String(extra), week: w.week, end: w.end }) };
      },
      local_this_week: async (item, ctx) => {
        const w = weekOf(item.targets);
        if (!w) return { resolution: catalogueFor(ctx)['models.done.no_week']() };
        addOverride(ctx.state, { key: 'budget_exhausted', value: 'local', until: w.end, from: item.finding_key });
        return { resolution: catalogueFor(ctx)['models.done.local']({ week: w.week, end: w.end }) };
      },
      wait: async (item, ctx) => ({ resolution: catalogueFor(ctx)['models.done.wait']({ week: weekOf(item.targets)?.week }) }),
    },
  },
];
