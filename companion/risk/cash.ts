// Cash under the owner's floor, or runway shorter than they want: one item per spell below, raised again
// only after the cash recovered and fell again.
import type { Catalogue } from '../core/i18n/index.ts';
import { linkToNote } from '../../contract/index.ts';
import type { Finding, RiskConfig, RiskInput } from './types.ts';

export const CASH_TARGET = 'cash';

/** Whether cash is low now: under the floor, or a runway under the months set. */
export function cashIsLow(input: RiskInput, cfg: RiskConfig): { floor: boolean; runway: boolean } {
  const c = input.cash;
  if (!c || c.totalBase === undefined) return { floor: false, runway: false };
  return {
    floor: c.totalBase < cfg.cashFloor,
    runway: cfg.runwayMonths > 0 && c.runwayMonths !== undefined && c.runwayMonths < cfg.runwayMonths,
  };
}

export function lowCash(input: RiskInput, cfg: RiskConfig, t: Catalogue, examined: Set<string>): Finding[] {
  const c = input.cash;
  if (!c || c.totalBase === undefined) return [];
  examined.add(CASH_TARGET);
  const low = cashIsLow(input, cfg);
  if (!low.floor && !low.runway) return [];
  const total = `${c.totalBase.toFixed(2)} ${c.base}`;
  const runway = c.runwayMonths !== undefined ? c.runwayMonths.toFixed(1) : undefined;
  return [{
    // The spell and the thresholds it was judged by: a new floor or a new spell asks again.
    finding_key: `low_cash:${input.lowCashSince ?? input.today}:${cfg.cashFloor}:${cfg.runwayMonths}`,
    kind: 'low_cash',
    title: low.floor ? t['risk.cash.title_floor']({ total, floor: `${cfg.cashFloor.toFixed(2)} ${c.base}` }) : t['risk.cash.title_runway']({ months: runway ?? '0' }),
    why: t['risk.cash.why']({ total, asOf: c.asOf, ...(runway ? { runway } : {}) }),
    severity: c.totalBase < 0 ? 'critical' : 'high',
    evidence: [linkToNote(c.path)],
    options: (['plan', 'acknowledge'] as const).map((id) => ({ id, text: t[`risk.cash.${id}`]() })),
    targets: [CASH_TARGET],
  }];
}
