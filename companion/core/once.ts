// Runs a set of jobs now, in order, then sweeps the import folder of files no importer claims and
// brings today's run log note up to date.
import type { Job } from './job.ts';
import { quarantineUnclaimed } from './imports.ts';
import type { Runtime, RunRecord } from './runtime.ts';

export async function runJobs(rt: Runtime, jobs: readonly Job[], opts: { sweepImports: boolean; print?: (r: RunRecord) => void }): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const job of jobs) {
    const r = await rt.runJob(job);
    records.push(r);
    opts.print?.(r);
  }
  if (opts.sweepImports) {
    const sweep: Job = {
      name: 'import',
      description: 'Quarantines files in the import folder that no importer recognises.',
      triggers: [],
      run: async (ctx) => {
        const n = await quarantineUnclaimed(ctx, jobs.flatMap((j) => [...(j.importers ?? [])]));
        return n > 0 ? { status: 'ok', summary: `${n} unrecognised file(s) quarantined`, counts: { quarantined: n } } : { status: 'skipped', summary: 'no unrecognised files' };
      },
    };
    const r = await rt.runJob(sweep);
    records.push(r);
    opts.print?.(r);
  }
  rt.writeRunLog();
  return records;
}
