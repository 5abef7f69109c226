// `aios run`: the long-running service. Schedules (with catch-up after sleep), the import-folder
// watcher, the owner-folder watcher that keeps the index current, service jobs (IMAP IDLE), hand-off
// of `aios once` requests, the lease heartbeat, and a clean stop on SIGINT/SIGTERM.
import chokidar, { type FSWatcher } from 'chokidar';
import cron from 'node-cron';
import { KINDS } from '../../contract/index.ts';
import { missedRun } from './cron.ts';
import type { Job, RunTrigger, Trigger } from './job.ts';
import { acquireLock, answerRequest, pendingRequests, takeLease } from './lock.ts';
import { claimingImporter, quarantineUnclaimed, readHead, waitingFiles } from './imports.ts';
import type { Runtime, RunRecord } from './runtime.ts';
import { watchIndex } from './index-watch.ts';
import { crashPoint } from './crash-points.ts';

export interface ServiceHandle {
  stop(): Promise<void>;
  /** Resolves when the service has stopped. */
  done: Promise<void>;
}

type ScheduleTrigger = Extract<Trigger, { kind: 'schedule' }>;

export async function startService(rt: Runtime, jobs: readonly Job[]): Promise<ServiceHandle> {
  let handle: ServiceHandle | undefined;
  const release = acquireLock(rt.state.dir, 'service', {
    onLost: () => {
      rt.log.error('another process took the companion lock over: stopping');
      void handle?.stop();
    },
  });
  // A start-up step that throws must not leave the lock behind, nor timers and watchers running.
  let undo: () => Promise<void> = async () => undefined;
  try {
    handle = await startLocked(rt, jobs, release, (fn) => (undo = fn));
    return handle;
  } catch (e) {
    await undo().catch(() => undefined);
    release();
    throw e;
  }
}

async function startLocked(rt: Runtime, jobs: readonly Job[], release: () => void, onFailure: (undo: () => Promise<void>) => void): Promise<ServiceHandle> {
  takeLease(rt);
  const controller = new AbortController();
  const signal = controller.signal;
  const timers: NodeJS.Timeout[] = [];
  const watchers: FSWatcher[] = [];
  const tasks: { stop(): void }[] = [];
  const running = new Set<Promise<unknown>>();
  // Jobs run one at a time per name: a schedule firing while the same job runs is skipped, not stacked.
  const busy = new Map<string, Promise<RunRecord>>();
  onFailure(async () => {
    controller.abort();
    for (const t of timers) clearInterval(t);
    for (const t of tasks) t.stop();
    await Promise.all(watchers.map((w) => w.close()));
  });

  const runNamed = (job: Job, trigger: RunTrigger): Promise<RunRecord> => {
    const existing = busy.get(job.name);
    if (existing) return existing;
    const p = rt.runJob(job, signal, trigger).then((rec) => {
      lastRuns[job.name] = new Date().toISOString();
      rt.state.writeJson('schedule.json', lastRuns);
      rt.writeRunLog();
      return rec;
    });
    busy.set(job.name, p);
    running.add(p);
    void p.finally(() => {
      busy.delete(job.name);
      running.delete(p);
    });
    return p;
  };

  // Schedules, with one catch-up run for each run missed while the machine slept or the service was down.
  const lastRuns = rt.state.readJson<Record<string, string>>('schedule.json', {});
  const tz = rt.settings.timezone();
  const scheduled = jobs.flatMap((job) =>
    job.triggers.filter((t): t is ScheduleTrigger => t.kind === 'schedule').map((t) => ({ job, cron: 'setting' in t ? rt.settings.string(t.setting) : t.cron })),
  );
  const catchUp = () => {
    for (const { job, cron: expr } of scheduled) {
      const last = lastRuns[job.name] ? new Date(lastRuns[job.name]!) : undefined;
      if (missedRun(expr, last, new Date(), tz)) void runNamed(job, 'schedule');
    }
  };
  for (const { job, cron: expr } of scheduled) {
    tasks.push(cron.schedule(expr, () => void runNamed(job, 'schedule'), { timezone: tz, name: job.name }));
  }
  catchUp();
  // A tick that notices the clock jumped (the machine slept) catches up at wake.
  let lastTick = Date.now();
  timers.push(
    setInterval(() => {
      const now = Date.now();
      if (now - lastTick > 90_000) catchUp();
      lastTick = now;
    }, 30_000),
  );

  // Service jobs run for as long as the service runs; one that returns or throws is restarted with backoff.
  for (const job of jobs.filter((j) => j.triggers.some((t) => t.kind === 'service'))) {
    const loop = (async () => {
      for (let delay = 1000; !signal.aborted; delay = Math.min(delay * 2, 60_000)) {
        const rec = await rt.runJob(job, signal, 'service');
        if (signal.aborted) break;
        if (rec.status === 'skipped') break;
        await new Promise((r) => setTimeout(r, delay));
      }
    })();
    running.add(loop);
  }

  // The import folder: a new or changed file wakes the job whose importer claims it.
  const importJobs = jobs.filter((j) => j.importers?.length);
  const allImporters = importJobs.flatMap((j) => [...(j.importers ?? [])]);
  let importTimer: NodeJS.Timeout | undefined;
  const onImport = () => {
    clearTimeout(importTimer);
    importTimer = setTimeout(() => void dispatchImports(), 300);
  };
  const dispatchImports = async () => {
    const wanted = new Set<Job>();
    for (const rel of waitingFiles(rt)) {
      const head = readHead(rt.vault.abs(rel));
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      const job = importJobs.find((j) => claimingImporter(head, name, j.importers ?? []));
      if (job) wanted.add(job);
    }
    for (const job of wanted) await runNamed(job, 'import');
    const n = await quarantineUnclaimed(rt.context({ name: 'import' }, signal), allImporters);
    if (n > 0) rt.log.warn({ quarantined: n }, 'unrecognised files quarantined');
  };
  const importWatcher = chokidar.watch(rt.vault.abs(rt.settings.string('import_folder')), { depth: 0, ignoreInitial: false, ignored: (p) => /\/\.[^/]*$/.test(p) });
  importWatcher.on('add', onImport).on('change', onImport);
  watchers.push(importWatcher);

  // Owner-written folders and the owner's answers: watched so the index follows edits made in Obsidian.
  // Companion folders with many notes (mail, ledgers) are not watched: the companion's own writes update the index.
  const watched = [...new Set(KINDS.filter((k) => k.kind !== 'mail_message' && (k.owner === 'owner' || k.otherSideMay.some((x) => x !== 'tags'))).map((k) => rt.vault.folder(k.kind)))];
  const indexWatcher = await watchIndex(rt.vault, rt.index, watched);
  watchers.push(indexWatcher);

  // `aios once` hand-off and the lease heartbeat.
  timers.push(
    setInterval(() => {
      let requests: ReturnType<typeof pendingRequests>;
      try {
        requests = pendingRequests(rt.state.dir);
      } catch (e) {
        rt.log.error({ err: (e as Error).message }, 'could not read aios once requests');
        return;
      }
      for (const req of requests) {
        crashPoint('service.after-request-taken');
        const selected = req.job === 'all' ? jobs : jobs.filter((j) => j.name === req.job);
        void (async () => {
          const records: RunRecord[] = [];
          for (const job of selected) records.push(await runNamed(job, 'once'));
          answerRequest(rt.state.dir, req.id, records);
        })().catch((e: unknown) => rt.log.error({ err: (e as Error).message, request: req.id }, 'could not answer an aios once request'));
      }
    }, 500),
  );
  timers.push(
    setInterval(() => {
      try {
        takeLease(rt);
      } catch (e) {
        rt.log.error({ err: (e as Error).message }, 'lease lost: stopping');
        void stop();
      }
    }, (rt.settings.number('lease_ttl_seconds') * 1000) / 3),
  );

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      controller.abort();
      for (const t of timers) clearInterval(t);
      clearTimeout(importTimer);
      for (const t of tasks) t.stop();
      await Promise.all(watchers.map((w) => w.close()));
      // Jobs see the aborted signal; give them a moment to finish their current note.
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 10_000))]);
      release();
      rt.log.info('service stopped');
      resolveDone();
    })());
  rt.log.info({ jobs: jobs.map((j) => j.name), watched }, 'service started');
  return { stop, done };
}
