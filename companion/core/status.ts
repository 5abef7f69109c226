// `aios status`: what ran when and with what result, what is pending, the health of every source,
// and every note that could not be read and why. Reads only; takes no lock.
import { SETTINGS, type SettingKey } from '../../contract/index.ts';
import type { Job, SourceHealth } from './job.ts';
import { readLock, type LockInfo } from './lock.ts';
import type { Runtime, RunRecord } from './runtime.ts';
import { nextDue } from './cron.ts';
import { waitingFiles } from './imports.ts';
import type { IndexError } from './vault-index.ts';

export interface StatusReport {
  vault: string;
  state_dir: string;
  service: LockInfo | null;
  lease: Record<string, unknown> | null;
  /** Per job: its last run, and for a scheduled job when it runs next (local time) or why it cannot. */
  jobs: { name: string; last: RunRecord | null; next?: string; schedule_problem?: string }[];
  sources: Record<string, SourceHealth>;
  pending: { open_decisions: number; open_proposals: number; waiting_imports: string[]; quarantined: number };
  note_errors: IndexError[];
  settings: Record<string, { value: string | number | boolean; source: string }>;
  settings_problems: string[];
}

export function buildStatus(rt: Runtime, jobs: readonly Job[]): StatusReport {
  const runs = rt.runs();
  const lastOf = (name: string) => runs.filter((r) => r.job === name).at(-1) ?? null;
  const settings: StatusReport['settings'] = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) settings[key] = { value: rt.settings.get(key), source: rt.settings.source(key) };
  return {
    vault: rt.vault.root,
    state_dir: rt.state.dir,
    service: readLock(rt.state.dir) ?? null,
    lease: rt.index.byKind('lease')[0]?.frontmatter ?? null,
    jobs: jobs.map((j) => ({ name: j.name, last: lastOf(j.name), ...nextRun(rt, j) })),
    sources: rt.healthAll(),
    pending: {
      open_decisions: rt.index.byKind('decision_item').filter((e) => e.frontmatter.status !== 'decided').length,
      open_proposals: rt.index.byKind('proposal').filter((e) => e.frontmatter.status === 'open').length,
      waiting_imports: waitingFiles(rt),
      quarantined: rt.index.byKind('import_report').filter((e) => e.frontmatter.status === 'open').length,
    },
    note_errors: rt.index.errors(),
    settings,
    settings_problems: rt.settings.problems,
  };
}

/** When a scheduled job runs next, in the one cron grammar the service fires by. */
function nextRun(rt: Runtime, job: Job): { next?: string; schedule_problem?: string } {
  const t = job.triggers.find((x) => x.kind === 'schedule');
  if (!t) return {};
  const expr = 'setting' in t ? rt.settings.string(t.setting) : t.cron;
  try {
    const next = nextDue(expr, rt.clock.now(), rt.settings.timezone());
    return next ? { next: rt.clock.localDateTime(next) } : {};
  } catch (e) {
    return { schedule_problem: (e as Error).message };
  }
}

export function renderStatus(s: StatusReport): string {
  const out: string[] = [];
  out.push(`vault      ${s.vault}`, `state      ${s.state_dir}`);
  out.push(`service    ${s.service ? `${s.service.mode} running (pid ${s.service.pid} on ${s.service.host} since ${s.service.started})` : 'not running'}`);
  if (s.lease) out.push(`lease      ${String(s.lease.host)}, heartbeat ${String(s.lease.heartbeat)}`);
  out.push('', 'jobs');
  for (const j of s.jobs) {
    out.push(`  ${j.name.padEnd(14)} ${j.last ? `${j.last.status.padEnd(8)} ${j.last.finished}  ${j.last.summary}` : 'never run'}`);
    if (j.next || j.schedule_problem) out.push(`  ${''.padEnd(14)} ${j.next ? `next ${j.next}` : `schedule not used: ${j.schedule_problem}`}`);
  }
  out.push('', 'sources');
  const sources = Object.entries(s.sources);
  if (sources.length === 0) out.push('  (none reported yet)');
  for (const [name, h] of sources) out.push(`  ${name.padEnd(24)} ${h.ok ? 'ok  ' : 'DOWN'} ${h.detail}${h.last_ok ? ` (last ok ${h.last_ok})` : ''}`);
  out.push('', 'pending');
  out.push(`  decisions open     ${s.pending.open_decisions}`, `  proposals open     ${s.pending.open_proposals}`, `  files waiting      ${s.pending.waiting_imports.length}`, `  quarantined        ${s.pending.quarantined}`);
  if (s.note_errors.length) {
    out.push('', `notes that could not be read (${s.note_errors.length})`);
    for (const e of s.note_errors) out.push(`  ${e.path}: ${e.errors.map((x) => `${x.field}: ${x.message}`).join('; ')}`);
  }
  if (s.settings_problems.length) out.push('', 'settings problems', ...s.settings_problems.map((p) => `  ${p}`));
  return out.join('\n') + '\n';
}
