// Runs a job in a worker thread of its own, so a job that throws, hangs, loops without yielding or
// eats memory never stops the others: past its time the worker is asked to stop, then terminated;
// past its memory limit the worker dies alone. Either way the run is a failed result, reported.
import { Worker } from 'node:worker_threads';
import { hostname } from 'node:os';
import type { Job, RunRecord, RunTrigger } from './job.ts';
import type { Runtime } from './runtime.ts';
import type { WorkerInput, WorkerMessage } from './job-worker.ts';

export interface IsolateOptions {
  /** The module exporting `JOBS` (and `MODELS`) the worker takes the job from. */
  registry: string;
  timeoutMs: number;
  memoryMb: number;
  /** Set under a simulated time: the run's clock is pinned to it. */
  pinnedNow?: Date;
  /** How long a job asked to stop may take before it is terminated. */
  graceMs?: number;
}

export async function runIsolated(rt: Runtime, job: Job, trigger: RunTrigger, signal: AbortSignal, opts: IsolateOptions): Promise<{ record: RunRecord; written: string[] }> {
  const startedAt = rt.clock.now();
  const base = { job: job.name, started: rt.clock.localDateTime(startedAt), started_at: startedAt.toISOString(), trigger, host: hostname() };
  const failed = (summary: string): { record: RunRecord; written: string[] } => ({
    record: { ...base, finished: rt.clock.localDateTime(), status: 'failed', summary },
    written: [],
  });
  const input: WorkerInput = {
    ...rt.spawnOptions,
    registry: opts.registry,
    job: job.name,
    trigger,
    ...(opts.pinnedNow ? { pinnedNow: opts.pinnedNow.toISOString() } : {}),
  };
  const worker = new Worker(new URL('./job-worker.mjs', import.meta.url), {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb },
  });
  const grace = opts.graceMs ?? 5000;
  return new Promise((resolve) => {
    let settled = false;
    let stopReason: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: { record: RunRecord; written: string[] }) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const stopWith = (reason: string) => {
      stopReason ??= reason;
      worker.postMessage('abort');
      // A job that does not yield (a busy loop) never sees the request: it is terminated.
      timers.push(setTimeout(() => finish(failed(stopReason!)), grace));
    };
    const onAbort = () => stopWith('cut short: the service stopped; it runs again at the next start');
    signal.addEventListener('abort', onAbort, { once: true });
    timers.push(setTimeout(() => stopWith(`stopped after ${Math.round(opts.timeoutMs / 1000)} s: it did not finish in time (job_timeout_seconds)`), opts.timeoutMs));
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') {
        // A job that answered the stop request still did not finish its work: not done.
        finish(stopReason ? { record: { ...m.record, status: 'failed', summary: `${stopReason} (${m.record.summary})` }, written: m.written } : { record: m.record, written: m.written });
      } else finish(failed(`could not start: ${m.message}`));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      finish(failed(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `stopped: it used more than ${opts.memoryMb} MB (job_memory_mb)` : `crashed: ${e.message.split('\n')[0]}`));
    });
    worker.on('exit', (code) => finish(failed(stopReason ?? `its worker exited (code ${code}) before finishing`)));
  });
}
