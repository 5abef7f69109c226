// Scheduling decisions, pure: which scheduled jobs are due now, when to look again, and what a finished
// run changes. A schedule is satisfied by the last successful run of its job that a schedule or the
// owner (`aios once`) started; a failed run is not done and is retried with a doubling wait; however
// many runs were missed while the machine slept, one catch-up run is due.
import { parseCron, type CronSpec } from '../../contract/cron.ts';
import { isDue, nextDue } from './cron.ts';
import type { RunRecord, RunTrigger } from './job.ts';

export interface Schedule {
  job: string;
  spec: CronSpec;
}

/** Per job, in `schedule.json`: failures in a row and when to try again. */
export interface RetryState {
  failures: number;
  retry_at: string;
}

/** Runs that satisfy a schedule: one a schedule started, a retry of one, or the owner's `aios once`. */
const SATISFYING: ReadonlySet<RunTrigger | undefined> = new Set<RunTrigger | undefined>(['schedule', 'retry', 'once']);

/** A job that never ran counts as last satisfied this long ago: one run missed within it is caught up. */
export const FIRST_LOOKBACK_MS = 8 * 86_400_000;

export function schedulesOf(jobs: readonly { name: string; cron: string }[]): { schedules: Schedule[]; problems: string[] } {
  const schedules: Schedule[] = [];
  const problems: string[] = [];
  for (const j of jobs) {
    try {
      schedules.push({ job: j.name, spec: parseCron(j.cron) });
    } catch (e) {
      problems.push(`${j.name}: ${(e as Error).message}`);
    }
  }
  return { schedules, problems };
}

/** When the schedule of `job` was last satisfied, from the run history. */
export function lastSatisfied(job: string, runs: readonly RunRecord[]): Date | undefined {
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.job !== job || r.status === 'failed' || !r.started_at || !SATISFYING.has(r.trigger)) continue;
    return new Date(r.started_at);
  }
  return undefined;
}

/** Jobs due at `now`: a retry whose time came, or a schedule that fired since it was last satisfied. */
export function dueJobs(schedules: readonly Schedule[], runs: readonly RunRecord[], retries: Readonly<Record<string, RetryState>>, now: Date, tz: string): { job: string; trigger: RunTrigger }[] {
  const out: { job: string; trigger: RunTrigger }[] = [];
  for (const s of schedules) {
    const retry = retries[s.job];
    if (retry && new Date(retry.retry_at) <= now) {
      out.push({ job: s.job, trigger: 'retry' });
      continue;
    }
    if (retry) continue; // waiting out its back-off
    const last = lastSatisfied(s.job, runs) ?? new Date(now.getTime() - FIRST_LOOKBACK_MS);
    if (isDue(s.spec, last, now, tz)) out.push({ job: s.job, trigger: 'schedule' });
  }
  return out;
}

/** The next instant anything scheduled may become due (never before `now`). */
export function nextWake(schedules: readonly Schedule[], retries: Readonly<Record<string, RetryState>>, now: Date, tz: string): Date | undefined {
  let best: number | undefined;
  for (const s of schedules) {
    const retry = retries[s.job];
    const t = retry ? new Date(retry.retry_at).getTime() : nextDue(s.spec, now, tz)?.getTime();
    if (t !== undefined && (best === undefined || t < best)) best = t;
  }
  return best === undefined ? undefined : new Date(Math.max(best, now.getTime()));
}

/** The retry state after a run of a scheduled job: cleared on success, a doubling wait (1 minute up to the cap) on failure. */
export function afterRun(prev: RetryState | undefined, rec: Pick<RunRecord, 'status'>, now: Date, capMinutes: number): RetryState | undefined {
  if (rec.status !== 'failed') return undefined;
  const failures = (prev?.failures ?? 0) + 1;
  const minutes = Math.min(2 ** (failures - 1), Math.max(1, capMinutes));
  return { failures, retry_at: new Date(now.getTime() + minutes * 60_000).toISOString() };
}
