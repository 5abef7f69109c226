// "Run now" from the plugin: a request note the companion picks up and answers in (the request kind of
// the contract), so it works on mobile and with no server to reach.
import { notePath, request, type Frontmatter, type SettingsLookup } from '../contract/index.ts';

export type RequestAction = Frontmatter<'request'>['action'];

export function newRequest(action: RequestAction, now: string, extra: Partial<Pick<Frontmatter<'request'>, 'file' | 'counterparty' | 'period' | 'requested_by'>> = {}, settings?: SettingsLookup): { path: string; frontmatter: Record<string, unknown> } {
  const fm = { aios_kind: request.kind, action, requested_at: now, status: 'open' as const, ...extra };
  return { path: notePath('request', fm as Frontmatter<'request'>, settings), frontmatter: fm };
}

/** A request the companion has answered (done, failed or expired). */
export function isAnswered(fm: Record<string, unknown>): boolean {
  return fm.status === 'done' || fm.status === 'failed' || fm.status === 'expired';
}
