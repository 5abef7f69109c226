// Dates the business is bound by: a contract's last day to give notice (or its end), and invoices past
// due and unpaid either way.
import { contractDeadline, daysBetween, formatMoney, linkTarget, linkToNote, moneyToNumber } from '../../contract/index.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import type { Finding, RiskConfig, RiskInput } from './types.ts';

export const note = (path: string) => `note:${path}`;

export function contractNotices(input: RiskInput, cfg: RiskConfig, t: Catalogue, examined: Set<string>): Finding[] {
  const out: Finding[] = [];
  // The owner chose to let it end: not raised again, whatever its dates say now.
  const letEnd = new Set(input.decisions.filter((d) => d.kind === 'contract_notice' && d.option === 'let_end' && d.contract).map((d) => d.contract!));
  // The mails that name a contract's day: its evidence (by counterparty and date, not a scan per contract).
  const mailsOn = new Map<string, string[]>();
  for (const m of input.messages) {
    if (!m.counterparty || !m.deadline) continue;
    const k = `${m.counterparty}\u0000${m.deadline}`;
    (mailsOn.get(k) ?? mailsOn.set(k, []).get(k)!).push(linkToNote(m.path));
  }
  for (const c of input.contracts) {
    if (c.status !== 'active') continue;
    examined.add(note(c.path));
    if (letEnd.has(c.link)) continue;
    const deadline = contractDeadline(c);
    if (!deadline || !c.end) continue;
    const days = daysBetween(input.today, deadline);
    // Until the end itself: a missed notice day still leaves the renewal to settle with them.
    if (days > cfg.contractHorizonDays || c.end < input.today) continue;
    const mails = c.counterparty ? mailsOn.get(`${c.counterparty}\u0000${deadline}`) ?? [] : [];
    out.push({
      finding_key: `contract_notice:${c.path}:${c.end}:${c.noticeDays ?? 0}:${c.autoRenew}`,
      kind: 'contract_notice',
      title: t['risk.contract.title']({ contract: c.counterparty ? `${c.title} (${linkTarget(c.counterparty) ?? c.counterparty})` : c.title, deadline, autoRenew: c.autoRenew }),
      why: t['risk.contract.why']({ end: c.end, autoRenew: c.autoRenew, days: Math.max(0, days), ...(c.noticeDays !== undefined ? { noticeDays: c.noticeDays } : {}) }),
      severity: days <= 7 ? 'high' : 'medium',
      deadline,
      evidence: [c.link, ...mails],
      options: (['renew', 'renegotiate', 'let_end'] as const).map((id) => ({ id, text: t[`risk.contract.${id}`]() })),
      targets: [note(c.path)],
      contract: c.link,
      ...(c.counterparty ? { counterparty: c.counterparty } : {}),
    });
  }
  return out;
}

export function overdueInvoices(input: RiskInput, cfg: RiskConfig, t: Catalogue, examined: Set<string>): Finding[] {
  const out: Finding[] = [];
  for (const r of input.invoices) {
    examined.add(note(r.path));
    if (r.status !== 'open' && r.status !== 'partly_paid') continue;
    if (!r.due || r.outstanding <= 0n) continue;
    const days = daysBetween(r.due, input.today);
    if (days <= cfg.overdueGraceDays) continue;
    const incoming = r.direction === 'incoming';
    const amount = `${formatMoney(r.outstanding)} ${r.currency}`;
    out.push({
      // The facts: which invoice, when due, how much open. The days overdue grow daily and are not one.
      finding_key: `invoice_overdue:${r.key}:${r.due}:${moneyToNumber(r.outstanding)}`,
      kind: 'invoice_overdue',
      title: t['risk.overdue.title']({ number: r.number, party: r.party, days, incoming }),
      why: t['risk.overdue.why']({ amount, due: r.due, issued: r.issued }),
      severity: days > 30 ? 'high' : 'medium',
      evidence: [linkToNote(r.path)],
      options: (incoming ? (['pay', 'dispute'] as const) : (['remind', 'wait'] as const)).map((id) => ({ id, text: t[`risk.overdue.${id}`]() })),
      targets: [note(r.path)],
      ...(r.counterparty ? { counterparty: r.counterparty } : {}),
    });
  }
  return out;
}
