// Autonomy hours, the seed's own measure: the owner's minutes the system's runs stood in for. Each row
// of the `autonomy` rules note prices one count a job reports (`triage` `triaged`: 2 minutes a mail);
// the digest shows a day of it and the cost report a week, beside the questions that needed the owner.
import type { RunRecord } from './job.ts';

export interface AutonomyLine {
  work: string;
  count: number;
  minutes: number;
}

export interface Autonomy {
  minutes: number;
  lines: AutonomyLine[];
  /** Questions raised for the owner over the same runs. */
  needed: number;
}

/** Minutes of work the runs did, by the rules note's prices (rows whose minutes are not a number are skipped). */
export function autonomyOf(runs: readonly RunRecord[], rules: readonly Record<string, string>[], needed: number): Autonomy {
  const lines: AutonomyLine[] = [];
  let minutes = 0;
  for (const row of rules) {
    const per = Number(String(row.minutes ?? '').replace(',', '.'));
    if (!row.job || !row.count || !Number.isFinite(per) || per < 0) continue;
    let count = 0;
    for (const r of runs) if (r.job === row.job && r.status !== 'failed') count += r.counts?.[row.count] ?? 0;
    if (count === 0) continue;
    lines.push({ work: row.work || `${row.job} ${row.count}`, count, minutes: count * per });
    minutes += count * per;
  }
  return { minutes, lines, needed };
}
