// Requests from the plugin ("run now", written as request notes in the vault): which jobs an action
// runs, when a request is too old to run, and the answer written back into the note. Pure; the service
// (service.ts) picks the notes up as they appear and runs the jobs.
import type { Frontmatter } from '../../contract/index.ts';
import type { Catalogue } from './i18n/index.ts';
import type { Job, RunRecord } from './job.ts';

export type RequestAction = Frontmatter<'request'>['action'];

/** The jobs an action runs, in order; none for an action this companion cannot run yet. */
export function jobsFor(action: RequestAction, jobs: readonly Job[]): Job[] {
  const named = (...names: string[]) => names.flatMap((n) => jobs.filter((j) => j.name === n));
  switch (action) {
    case 'sync_mail':
      return named('mail');
    case 'digest':
      return named('digest');
    case 'reconcile':
      return named('invoices', 'reconcile');
    case 'import':
      // Every importer looks at the import folder; the sweep (`import`) quarantines what none took.
      return [...jobs.filter((j) => j.importers?.length), ...named('import')];
    case 'bootstrap':
      return [];
  }
}

export type RequestPlan =
  | { kind: 'run'; jobs: Job[] }
  | { kind: 'answer'; patch: { status: 'expired' | 'failed'; answered_at: string; result: string } };

/**
 * What to do with an open request now (`now` and `requested_at` are local datetimes of the business
 * zone). One taken up but not answered (the service stopped mid-run) runs again: jobs are idempotent.
 */
export function planRequest(fm: Record<string, unknown>, now: string, expiryMinutes: number, jobs: readonly Job[], t: Catalogue): RequestPlan | undefined {
  if (fm.status !== 'open' && fm.status !== 'running') return undefined;
  const action = fm.action as RequestAction;
  const age = (Date.parse(`${now}Z`) - Date.parse(`${String(fm.requested_at)}Z`)) / 60_000;
  if (fm.status === 'open' && !(age <= expiryMinutes)) return { kind: 'answer', patch: { status: 'expired', answered_at: now, result: t['request.expired']({ minutes: expiryMinutes }) } };
  const run = jobsFor(action, jobs);
  if (run.length === 0) return { kind: 'answer', patch: { status: 'failed', answered_at: now, result: t['request.unavailable']({ action }) } };
  return { kind: 'run', jobs: run };
}

/** The answer of a request from its runs: done unless one failed, with each job's one-line summary. */
export function requestAnswer(records: readonly RunRecord[], now: string, t: Catalogue): { status: 'done' | 'failed'; answered_at: string; result: string } {
  return {
    status: records.some((r) => r.status === 'failed') ? 'failed' : 'done',
    answered_at: now,
    result: records.map((r) => t['request.ran']({ job: r.job, summary: r.summary })).join('; '),
  };
}
