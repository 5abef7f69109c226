// Inside a job's worker thread: a runtime of its own over the same vault and state folder (so the run
// sees the settings as they are now), the job run once, and what it wrote sent back to the service,
// whose index then follows. The service records the run; a busy loop or a leak here is stopped there.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { Runtime, type ModelFactory } from './runtime.ts';
import type { Job, RunRecord, RunTrigger } from './job.ts';

export interface WorkerInput {
  vaultRoot: string;
  stateDir: string;
  env: Record<string, string | undefined>;
  /** The module (a file path) exporting `JOBS` and `MODELS`: the registry the job comes from. */
  registry: string;
  job: string;
  trigger: RunTrigger;
  /** A simulated time's instant: the run's clock is pinned to it. */
  pinnedNow?: string;
  logToFile: boolean;
  overrides?: Record<string, string | number | boolean>;
}

export type WorkerMessage = { type: 'done'; record: RunRecord; written: string[] } | { type: 'error'; message: string };

const input = workerData as WorkerInput;
const controller = new AbortController();
parentPort?.on('message', (m: unknown) => {
  if (m === 'abort') controller.abort();
});

try {
  const { JOBS, MODELS } = (await import(pathToFileURL(input.registry).href)) as { JOBS: readonly Job[]; MODELS?: ModelFactory };
  const job = JOBS.find((j) => j.name === input.job);
  if (!job) throw new Error(`no job named "${input.job}" in ${input.registry}`);
  const rt = new Runtime({
    vaultRoot: input.vaultRoot,
    stateDir: input.stateDir,
    env: input.env as NodeJS.ProcessEnv,
    logToFile: input.logToFile,
    ...(MODELS ? { models: MODELS } : {}),
    ...(input.pinnedNow ? { now: new Date(input.pinnedNow) } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
  });
  const written = new Set<string>();
  rt.vault.onWrite((p) => written.add(p));
  const record = await rt.runJob(job, controller.signal, input.trigger, { record: false });
  parentPort?.postMessage({ type: 'done', record, written: [...written] } satisfies WorkerMessage);
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message.split('\n')[0]! } satisfies WorkerMessage);
}
