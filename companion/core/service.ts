// `aios run`: the long-running service. One queue runs the jobs one at a time, in stage order (data in,
// passes over it, reports), each in a worker thread of its own with a time and memory limit. Schedules
// in the one cron grammar fill the queue, with one catch-up run after the machine slept and a doubling
// wait after a failure; the import folder, the vault's folders (the owner's edits, the answers) and
// finished runs (`after`) fill it too, and nothing that arrives while a job runs is dropped. Settings
// and rules edited in the vault take effect without a restart. Also: service jobs (IMAP IDLE), the
// hand-off of `aios once`, the lease heartbeat, and a clean stop on SIGINT/SIGTERM.
import { statSync } from 'node:fs';
import { KINDS, type KindName } from '../../contract/index.ts';
import { STAGES, type Job, type RunRecord, type RunTrigger, type Trigger } from './job.ts';
import { acquireLock, answerRequest, pendingRequests, releaseLease, takeLease } from './lock.ts';
import { planRequest, requestAnswer } from './requests.ts';
import { catalogue } from './i18n/index.ts';
import { claimingImporter, importSweepJob, readHead, waitingFiles } from './imports.ts';
import type { Runtime } from './runtime.ts';
import { crashPoint } from './crash-points.ts';
import { watchFolders, type FolderEvent, type FolderWatcher } from './folder-watch.ts';
import { afterRun, dueJobs, nextWake, schedulesOf, type RetryState } from './scheduler.ts';
import { runIsolated } from './isolate.ts';
import { realTime, type Time } from './time.ts';

export interface ServiceOptions {
  /** The time the service lives by: the real clock, or a simulated one in tests. */
  time?: Time;
  /** Run each job in a worker thread, taking it from this registry module (a file exporting `JOBS` and `MODELS`); in-process when absent. */
  isolate?: { registry: string };
}

export interface ServiceHandle {
  stop(): Promise<void>;
  /** Resolves when the service has stopped. */
  done: Promise<void>;
  /** Resolves once nothing is queued or running and every event seen so far was handled. */
  idle(): Promise<void>;
  /** Looks at the schedules now (after simulated time moved). */
  wake(): void;
  /** Folders watched for changes (the watcher's memory follows this). */
  readonly watchedFolders: number;
}

type ScheduleTrigger = Extract<Trigger, { kind: 'schedule' }>;

export async function startService(rt: Runtime, jobs: readonly Job[], opts: ServiceOptions = {}): Promise<ServiceHandle> {
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
    handle = await startLocked(rt, jobs, opts, release, (fn) => (undo = fn));
    return handle;
  } catch (e) {
    await undo().catch(() => undefined);
    release();
    throw e;
  }
}

interface Pending {
  trigger: RunTrigger;
  waiters: ((r: RunRecord) => void)[];
}

async function startLocked(rt: Runtime, jobs: readonly Job[], opts: ServiceOptions, release: () => void, onFailure: (undo: () => Promise<void>) => void): Promise<ServiceHandle> {
  const time = opts.time ?? realTime;
  takeLease(rt);
  const controller = new AbortController();
  const signal = controller.signal;
  const timers: NodeJS.Timeout[] = [];
  const watchers: FolderWatcher[] = [];
  const background = new Set<Promise<unknown>>();
  onFailure(async () => {
    controller.abort();
    for (const t of timers) clearInterval(t);
    for (const w of watchers) w.close();
  });

  const sweep = importSweepJob(jobs.flatMap((j) => [...(j.importers ?? [])]));
  const all = [...jobs, sweep];
  const order = (j: Job) => STAGES.indexOf(j.stage) * 10_000 + all.indexOf(j);
  const byName = new Map(all.map((j) => [j.name, j]));

  // ---- the queue: one job at a time, in stage order; what arrives meanwhile waits, coalesced per job ----
  const runs: RunRecord[] = rt.runs();
  const retries = rt.state.readJson<Record<string, RetryState>>('schedule.json', {});
  const pending = new Map<string, Pending>();
  const idleWaiters: (() => void)[] = [];
  let running: { job: Job; done: Promise<void> } | undefined;
  const events: FolderEvent[] = [];
  /** What the companion itself last wrote at each path (size and mtime), and which job: a job's own writes never wake it. */
  const ours = new Map<string, { stamp: string; by: string }>();
  /** Who writes in this process right now: a job run in-process, else the service jobs (live mail). */
  let writer = 'service';
  const stamp = (rel: string): string | undefined => {
    try {
      const st = statSync(rt.vault.abs(rel), { throwIfNoEntry: false });
      return st ? `${st.size}:${st.mtimeMs}` : 'gone';
    } catch {
      return undefined;
    }
  };
  rt.vault.onWrite((rel) => {
    const s = stamp(rel);
    if (s) ours.set(rel, { stamp: s, by: writer });
  });

  const enqueue = (job: Job, trigger: RunTrigger): Promise<RunRecord> => {
    let p = pending.get(job.name);
    if (!p) pending.set(job.name, (p = { trigger, waiters: [] }));
    else if (trigger === 'once' || trigger === 'schedule' || trigger === 'retry') p.trigger = trigger; // the stronger reason wins
    const entry = p;
    const result = new Promise<RunRecord>((resolve) => entry.waiters.push(resolve));
    queueMicrotask(pump);
    return result;
  };

  const runOne = async (job: Job, trigger: RunTrigger): Promise<RunRecord> => {
    const timeoutMs = (job.timeoutSeconds ?? rt.settings.number('job_timeout_seconds')) * 1000;
    let record: RunRecord;
    let written: string[] = [];
    if (opts.isolate && job !== sweep) {
      const r = await runIsolated(rt, job, trigger, signal, {
        registry: opts.isolate.registry, timeoutMs, memoryMb: rt.settings.number('job_memory_mb'),
        ...(time !== realTime ? { pinnedNow: time.now() } : {}),
      });
      record = r.record;
      written = r.written;
    } else {
      // In-process (tests of the loop, and the core's own sweep): a time limit, but no way to stop a busy loop.
      const seen: string[] = [];
      const off = rt.vault.onWrite((p) => seen.push(p));
      writer = job.name;
      const timeout = new Promise<RunRecord>((resolve) => {
        const t = setTimeout(() => resolve({ job: job.name, started: rt.clock.localDateTime(), finished: rt.clock.localDateTime(), trigger, status: 'failed', summary: `stopped after ${timeoutMs / 1000} s: it did not finish in time`, host: 'local' }), timeoutMs);
        t.unref();
      });
      record = await Promise.race([rt.runJob(job, signal, trigger, { record: false }), timeout]);
      off();
      writer = 'service';
      written = seen;
    }
    // The worker wrote these: the index follows, and the watcher's events for them are ours.
    for (const rel of written) {
      if (rel.endsWith('.md')) rt.index.noteChanged(rel);
      const s = stamp(rel);
      if (s) ours.set(rel, { stamp: s, by: job.name });
    }
    rt.recordRun(record);
    runs.push(record);
    if (record.status === 'failed' && (trigger === 'schedule' || trigger === 'retry')) {
      const next = afterRun(retries[job.name], record, time.now(), rt.settings.number('job_retry_minutes'));
      if (next) retries[job.name] = next;
    } else if (trigger === 'schedule' || trigger === 'retry' || trigger === 'once') delete retries[job.name];
    rt.state.writeJson('schedule.json', retries);
    try {
      rt.writeRunLog();
    } catch (e) {
      rt.log.warn({ err: (e as Error).message }, 'run log not written');
    }
    // Jobs that follow this one when it did something.
    if (record.status === 'ok') {
      for (const j of jobs) if (j.triggers.some((t) => t.kind === 'after' && t.job === job.name)) void enqueue(j, 'after');
    }
    return record;
  };

  function pump(): void {
    if (running || signal.aborted) return;
    handleEvents();
    const next = [...pending.keys()].map((n) => byName.get(n)!).sort((a, b) => order(a) - order(b))[0];
    if (!next) {
      for (const w of idleWaiters.splice(0)) w();
      return;
    }
    const p = pending.get(next.name)!;
    pending.delete(next.name);
    const done = runOne(next, p.trigger).then(
      (rec) => {
        for (const w of p.waiters) w(rec);
      },
      (e: unknown) => rt.log.error({ job: next.name, err: (e as Error).message }, 'job run failed in the service'),
    ).finally(() => {
      running = undefined;
      wake();
      pump();
    });
    running = { job: next, done };
    background.add(done);
    void done.finally(() => background.delete(done));
  }

  // ---- the vault: the index follows every change; kinds' changes wake the jobs that asked for them ----
  const settingsPath = () => rt.settings.notePath ?? `${rt.vault.folder('settings')}/Settings.md`;
  const kindsOf = (rel: string): KindName | undefined => rt.index.get(rel)?.kind;

  function handleEvents(): void {
    if (events.length === 0) return;
    const batch = events.splice(0);
    const woken = new Set<Job>();
    let settingsChanged = false;
    let importsWaiting = false;
    let requestsWaiting = false;
    const importFolder = rt.settings.string('import_folder');
    for (const ev of batch) {
      if (ev.path.endsWith('/')) {
        for (const p of rt.index.paths()) if (p.startsWith(ev.path)) rt.index.noteRemoved(p);
        continue;
      }
      if (ev.path.startsWith(`${importFolder}/`) && !ev.path.slice(importFolder.length + 1).includes('/')) {
        if (ev.present) importsWaiting = true;
        continue;
      }
      if (!ev.path.endsWith('.md')) continue;
      const s = stamp(ev.path);
      const known = ours.get(ev.path);
      // Written by a job (or the live loop) and unchanged since: whose write it was decides what it wakes.
      const by = s !== undefined && known?.stamp === s ? known.by : undefined;
      const before = kindsOf(ev.path);
      if (ev.present) rt.index.noteChanged(ev.path);
      else rt.index.noteRemoved(ev.path);
      const entry = rt.index.get(ev.path);
      const kind = entry?.kind ?? before;
      if (by === undefined && (ev.path === settingsPath() || kind === 'rules' || kind === 'settings')) settingsChanged = true;
      if (!kind) continue;
      if (kind === 'request' && by === undefined && ev.present) requestsWaiting = true;
      for (const j of jobs) {
        for (const t of j.triggers) {
          if (t.kind === 'notes' && t.kinds.includes(kind) && (by === undefined || (t.by !== 'owner' && by !== j.name))) woken.add(j);
          if (t.kind === 'answered' && by === undefined && kind === 'decision_item' && entry?.frontmatter.status === 'decided' && !entry.frontmatter.resolved_at
            && (t.decisionKinds.includes('*') || t.decisionKinds.includes(String(entry.frontmatter.kind)))) woken.add(j);
        }
      }
    }
    if (settingsChanged) {
      const s = rt.reloadSettings();
      rt.log.info({ problems: s.problems }, 'settings reloaded');
      for (const p of s.problems) rt.log.warn({ problem: p }, 'setting not used');
    }
    for (const j of woken) void enqueue(j, j.triggers.some((t) => t.kind === 'answered') ? 'answered' : 'notes');
    if (importsWaiting) dispatchImports();
    if (requestsWaiting) takeRequests();
  }

  // ---- requests from the plugin (request notes): the asked jobs run now, the answer goes into the note ----
  const taking = new Set<string>();
  const answerIn = (path: string, patch: Record<string, unknown>) => {
    try {
      rt.vault.answerOwnerNote(path, patch);
    } catch (e) {
      rt.log.error({ err: (e as Error).message, request: path }, 'could not answer a request');
    }
  };
  function takeRequests(): void {
    const t = catalogue(rt.settings.string('language'));
    for (const entry of rt.index.byKind('request')) {
      if (taking.has(entry.path)) continue;
      const plan = planRequest(entry.frontmatter, rt.clock.localDateTime(time.now()), rt.settings.number('request_expiry_minutes'), jobs, t);
      if (!plan) continue;
      if (plan.kind === 'answer') {
        answerIn(entry.path, plan.patch);
        continue;
      }
      taking.add(entry.path);
      answerIn(entry.path, { status: 'running' });
      rt.log.info({ request: entry.path, jobs: plan.jobs.map((j) => j.name) }, 'request from the plugin');
      const done = Promise.all(plan.jobs.map((j) => enqueue(j, 'once')))
        .then((records) => answerIn(entry.path, requestAnswer(records, rt.clock.localDateTime(time.now()), t)))
        .catch((e: unknown) => rt.log.error({ err: (e as Error).message, request: entry.path }, 'request not answered'))
        .finally(() => taking.delete(entry.path));
      background.add(done);
      void done.finally(() => background.delete(done));
    }
  }

  // ---- the import folder: a new or changed file wakes the job whose importer claims it ----
  const importJobs = jobs.filter((j) => j.importers?.length);
  function dispatchImports(): void {
    const wanted = new Set<Job>();
    for (const rel of waitingFiles(rt)) {
      let head: Buffer;
      try {
        head = readHead(rt.vault.abs(rel));
      } catch {
        continue;
      }
      const job = importJobs.find((j) => claimingImporter(head, rel.slice(rel.lastIndexOf('/') + 1), j.importers ?? [], rt.settings));
      if (job) wanted.add(job);
    }
    for (const job of wanted) void enqueue(job, 'import');
    // Whatever no importer claims is quarantined after the importers ran (the sweep is last of its stage).
    void enqueue(sweep, 'import');
  }

  const onEvents = (evs: FolderEvent[]) => {
    events.push(...evs);
    queueMicrotask(pump);
  };
  const importFolder = rt.settings.string('import_folder');
  watchers.push(watchFolders(rt.vault, [importFolder], onEvents, { depth: 0, quietMs: 300 }));
  // Every kind's folder: the owner's notes, the queue and proposals (answers), mail (corrected categories).
  const roots = [...new Set(KINDS.map((k) => rt.vault.folder(k.kind)))].filter((f) => f !== importFolder && !f.startsWith(`${importFolder}/`));
  watchers.push(watchFolders(rt.vault, roots, onEvents, { quietMs: 500 }));
  if (waitingFiles(rt).length) dispatchImports();
  takeRequests();

  // ---- schedules, read from the settings on every look, so an edited schedule applies at once ----
  let wakeUp: (() => void) | undefined;
  function wake(): void {
    wakeUp?.();
  }
  const scheduled = () => {
    const list = jobs.flatMap((job) => job.triggers.filter((t): t is ScheduleTrigger => t.kind === 'schedule').map((t) => ({ name: job.name, cron: 'setting' in t ? rt.settings.string(t.setting) : t.cron })));
    const { schedules, problems } = schedulesOf(list);
    for (const p of problems) rt.log.error({ problem: p }, 'schedule not used');
    return schedules;
  };
  const loop = (async () => {
    while (!signal.aborted) {
      const schedules = scheduled();
      const tz = rt.settings.timezone();
      const now = time.now();
      for (const d of dueJobs(schedules, runs, retries, now, tz)) {
        const job = byName.get(d.job)!;
        if (running?.job === job || pending.has(job.name)) continue;
        void enqueue(job, d.trigger);
      }
      const next = nextWake(schedules, retries, now, tz);
      const ms = next ? next.getTime() - now.getTime() : time.maxSleepMs;
      const waker = new AbortController();
      wakeUp = () => waker.abort();
      const both = AbortSignal.any([signal, waker.signal]);
      await time.sleep(Math.max(0, Math.min(ms, time.maxSleepMs)), both);
      wakeUp = undefined;
    }
  })();
  background.add(loop);

  // ---- service jobs run for as long as the service runs; one that returns or throws is restarted ----
  for (const job of jobs.filter((j) => j.triggers.some((t) => t.kind === 'service'))) {
    const live = (async () => {
      for (let delay = 1000; !signal.aborted; delay = Math.min(delay * 2, 60_000)) {
        const rec = await rt.runJob(job, signal, 'service');
        if (signal.aborted || rec.status === 'skipped') break;
        await time.sleep(delay, signal);
      }
    })();
    background.add(live);
  }

  // ---- `aios once` hand-off and the lease heartbeat ----
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
        const selected = req.job === 'all' ? [...jobs, sweep] : jobs.filter((j) => j.name === req.job);
        void Promise.all(selected.map((j) => enqueue(j, 'once')))
          .then((records) => answerRequest(rt.state.dir, req.id, records))
          .catch((e: unknown) => rt.log.error({ err: (e as Error).message, request: req.id }, 'could not answer an aios once request'));
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

  const idle = async (): Promise<void> => {
    // Twice over: a run that finishes may enqueue another (after, notes), and watcher events arrive late.
    for (let settled = 0; settled < 2; ) {
      await new Promise<void>((r) => setTimeout(r, 50));
      if (running || pending.size || events.length) {
        settled = 0;
        await new Promise<void>((r) => {
          idleWaiters.push(r);
          pump();
        });
      } else settled++;
    }
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      controller.abort();
      wake();
      for (const t of timers) clearInterval(t);
      for (const w of watchers) w.close();
      // A running job is asked to stop; its worker is terminated if it does not (isolate.ts).
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...background]), new Promise((r) => (grace = setTimeout(r, 15_000)))]);
      clearTimeout(grace);
      rt.state.writeJson('schedule.json', retries);
      releaseLease(rt);
      release();
      rt.log.info('service stopped');
      resolveDone();
    })());
  rt.log.info({ jobs: jobs.map((j) => j.name), watched: roots, isolated: opts.isolate !== undefined }, 'service started');
  return {
    stop,
    done,
    idle,
    wake,
    get watchedFolders() {
      return watchers.reduce((n, w) => n + w.folders, 0);
    },
  };
}
