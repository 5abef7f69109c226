// Runs a set of jobs now, in order, then sweeps the import folder of files no importer claims and
// brings today's run log note up to date.
import type { Job, RunRecord } from './job.ts';
import { importSweepJob } from './imports.ts';
import type { Runtime } from './runtime.ts';

export async function runJobs(rt: Runtime, jobs: readonly Job[], opts: { sweepImports: boolean; print?: (r: RunRecord) => void }): Promise<RunRecord[]> {
  const all = opts.sweepImports ? [...jobs, importSweepJob(jobs.flatMap((j) => [...(j.importers ?? [])]))] : jobs;
  const records: RunRecord[] = [];
  for (const job of all) {
    const r = await rt.runJob(job);
    records.push(r);
    opts.print?.(r);
  }
  rt.writeRunLog();
  return records;
}
