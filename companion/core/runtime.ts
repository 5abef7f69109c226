// Everything a run of the companion needs, built once per process: the vault, its index, settings,
// secrets, clock, logger and state; and the runner that gives each job its context and records results.
import { catalogue } from './i18n/index.ts';
import { hostname } from 'node:os';
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { SETTINGS, envNamesFor, renderTable, type SettingKey, type SettingValue } from '../../contract/index.ts';
import { makeClock, type Clock } from './clock.ts';
import { fileLogger, silentLogger, type Logger } from './logger.ts';
import { defaultSecretsFile, makeSecrets, readSecretsFile, type Secrets } from './secrets.ts';
import { resolveSettings, type LastGood, type ResolvedSettings } from './settings.ts';
import { StateDir, defaultStateDir } from './state.ts';
import { Vault } from './vault.ts';
import { VaultIndex } from './vault-index.ts';
import { INDEX_CACHE_FILE } from './index-cache.ts';
import { Queue, linkToPath } from './queue.ts';
import { importFiles } from './imports.ts';
import { tempWriter } from './atomic.ts';
import type { Job, JobContext, JobResult, RunRecord, RunTrigger, SourceHealth } from './job.ts';
import type { ModelService } from './models.ts';

export interface RuntimeOptions {
  vaultRoot: string;
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Pins the clock (the demo runs on a known day), or reads it from a simulated time (tests of the service). */
  now?: Date | (() => Date);
  overrides?: Partial<Record<SettingKey, SettingValue>>;
  /** Log to the state folder (default) or nowhere (tests). */
  logToFile?: boolean;
  /** Builds a job's model service; plugged in by modules.ts so the model can be swapped without touching the core. */
  models?: ModelFactory;
}

export type ModelFactory = (ctx: Omit<JobContext, 'models'>, jobName: string) => ModelService;

export type { RunRecord };

/**
 * Removes temp files a crashed write left behind. A temp names its writer: one whose writer is gone goes
 * at once, a live writer's stays (a write under way); one whose writer cannot be checked (another host,
 * no /proc, an older name) goes once it is ten minutes old.
 */
function sweepTemps(vault: Vault, temps: readonly string[]): void {
  for (const rel of temps) {
    try {
      const writer = tempWriter(rel.slice(rel.lastIndexOf('/') + 1));
      if (writer === 'gone' || (writer === 'unknown' && Date.now() - statSync(vault.abs(rel)).mtimeMs > 10 * 60_000)) unlinkSync(vault.abs(rel));
    } catch {
      // gone already
    }
  }
}

function lastGoodIn(state: StateDir): LastGood {
  return {
    read: () => state.readJson<Partial<Record<SettingKey, SettingValue>>>('settings-last-good.json', {}),
    write: (values) => {
      if (JSON.stringify(values) !== JSON.stringify(state.readJson('settings-last-good.json', {}))) state.writeJson('settings-last-good.json', values);
    },
  };
}

export class Runtime {
  readonly vault: Vault;
  readonly index: VaultIndex;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly state: StateDir;
  readonly queue: Queue;
  readonly secretsFilePath: string;
  private readonly modelFactory: ModelFactory | undefined;
  private current!: ResolvedSettings;
  private currentClock!: Clock;
  private readonly resolveOpts: Omit<Parameters<typeof resolveSettings>[0], 'vault' | 'index'>;
  /** What a job's worker thread needs to build the same runtime. */
  readonly spawnOptions: { vaultRoot: string; stateDir: string; env: Record<string, string | undefined>; logToFile: boolean; overrides?: Record<string, string | number | boolean> };
  private readonly pinnedNow: Date | (() => Date) | undefined;

  constructor(opts: RuntimeOptions) {
    this.modelFactory = opts.models;
    this.pinnedNow = opts.now;
    const env = opts.env ?? process.env;
    if (!existsSync(opts.vaultRoot)) throw new Error(`${opts.vaultRoot}: no such vault folder (create one with: aios init ${opts.vaultRoot})`);
    this.state = new StateDir(opts.stateDir ?? defaultStateDir(opts.vaultRoot, env));
    this.spawnOptions = { vaultRoot: opts.vaultRoot, stateDir: this.state.dir, env: { ...env }, logToFile: opts.logToFile !== false, ...(opts.overrides ? { overrides: { ...opts.overrides } as Record<string, string | number | boolean> } : {}) };
    // Folders are settings, and settings live in a note: index with what is known without the note
    // (environment, explicit values, defaults), resolve, and index again if the note moved a folder.
    const early = (k: SettingKey): SettingValue => {
      const fromEnv = envNamesFor(k).map((n) => env[n]).find((v) => v !== undefined && v !== '');
      return opts.overrides?.[k] ?? fromEnv ?? SETTINGS[k].default;
    };
    this.vault = new Vault(opts.vaultRoot, (k) => (this.current ? this.current.get(k) : early(k)), () => this.clock.localDateTime());
    // The index kept in the state folder: a start reads only the notes changed since the last one.
    this.index = new VaultIndex(this.vault, { cacheFile: this.state.path(INDEX_CACHE_FILE) }).build();
    this.secretsFilePath = defaultSecretsFile(env);
    const secretsFile = readSecretsFile(this.secretsFilePath, opts.vaultRoot);
    this.secrets = makeSecrets(secretsFile, env);
    this.resolveOpts = { env, secretsFile, overrides: opts.overrides, lastGood: lastGoodIn(this.state) };
    this.reloadSettings();
    this.log = opts.logToFile === false ? silentLogger() : fileLogger(this.state.path('logs/aios.log'), this.settings.string('log_level'));
    this.queue = new Queue(this.vault, this.index, this.state.sub('queue'), () => this.clock, () => this.current.string('language'));
    // An owner's edit of a derived note is kept as a copy and asked about once (its digest is in the name).
    this.vault.onOwnerCopy((path, copy) => {
      const name = path.slice(path.lastIndexOf('/') + 1, -3);
      const t = catalogue(this.current.string('language'));
      this.queue.addDecision({
        finding_key: `note-edited:${copy}`,
        kind: 'note_edited',
        title: t['core.edited.title']({ name }),
        why: t['core.edited.why']({ name }),
        options: (['keep_copy', 'delete_copy'] as const).map((id) => ({ id, text: t[`core.edited.${id}`]() })),
        severity: 'low',
        evidence: [linkToPath(path), linkToPath(copy)],
        targets: [`note:${copy}`],
      }, 'core');
    });
    sweepTemps(this.vault, this.index.leftoverTemps);
  }

  /** The settings as last resolved: new job contexts see a reload at once. */
  get settings(): ResolvedSettings {
    return this.current;
  }

  get clock(): Clock {
    return this.currentClock;
  }

  /**
   * Reads the settings note again (after the owner edited it): new values take effect for the next
   * job context, a moved folder re-indexes the vault, and a bad value keeps the last good one.
   */
  reloadSettings(): ResolvedSettings {
    const before = this.current;
    const next = resolveSettings({ vault: this.vault, index: this.index, ...this.resolveOpts });
    const folders = (Object.keys(SETTINGS) as SettingKey[]).filter((k) => k.startsWith('folder_') || k.endsWith('_folder'));
    const vaultSaw = folders.map((k) => this.vault.setting(k));
    this.current = next;
    if (folders.some((k, i) => this.vault.setting(k) !== vaultSaw[i])) this.index.build();
    this.resolveOpts.lastGood?.write({ ...this.resolveOpts.lastGood.read(), ...next.goodNoteValues });
    if (!before || before.timezone() !== next.timezone()) this.currentClock = makeClock(next.timezone(), this.pinnedNow);
    return next;
  }

  healthAll(): Record<string, SourceHealth> {
    return this.state.readJson<Record<string, SourceHealth>>('health.json', {});
  }

  private setHealth(source: string, h: SourceHealth): void {
    const all = this.healthAll();
    const prev = all[source];
    all[source] = { ...h, last_ok: h.ok ? this.clock.localDateTime() : (h.last_ok ?? prev?.last_ok) };
    this.state.writeJson('health.json', all);
  }

  context(job: Pick<Job, 'name'>, signal: AbortSignal, trigger: RunTrigger = 'once'): JobContext {
    const base: Omit<JobContext, 'models'> = {
      trigger,
      vault: this.vault,
      index: this.index,
      settings: this.settings,
      secrets: this.secrets,
      state: this.state.sub(job.name),
      clock: this.clock,
      log: this.log.child({ job: job.name }),
      signal,
      addDecision: async (item) => this.queue.addDecision(item, job.name),
      resolveDecision: async (key, reason) => this.queue.resolveDecision(key, reason),
      addProposal: async (item) => this.queue.addProposal(item),
      importFiles: (importers) => importFiles(this.context(job, signal, trigger), importers),
      reportHealth: (source, h) => this.setHealth(source, h),
      health: () => this.healthAll(),
      runs: (filter) => this.runs().filter((r) => (!filter?.job || r.job === filter.job) && (!filter?.since || (r.started_at ?? r.started) >= filter.since)),
    };
    let models: ModelService | undefined;
    const factory = this.modelFactory;
    // Built on first use: most jobs never call a model.
    return Object.defineProperty(base, 'models', {
      enumerable: true,
      get: () => {
        if (!factory) throw new Error('no model service is plugged in (Runtime option "models")');
        return (models ??= factory(base, job.name));
      },
    }) as JobContext;
  }

  /** Runs one job, never throwing: a failure is a result, logged with its stack. `record: false` leaves recording to the caller. */
  async runJob(job: Job, signal: AbortSignal = new AbortController().signal, trigger: RunTrigger = 'once', opts: { record?: boolean } = {}): Promise<RunRecord> {
    const startedAt = this.clock.now();
    const started = this.clock.localDateTime(startedAt);
    let result: JobResult;
    try {
      result = await job.run(this.context(job, signal, trigger));
    } catch (e) {
      this.log.error({ job: job.name, err: { message: (e as Error).message, stack: (e as Error).stack } }, 'job failed');
      result = { status: 'failed', summary: (e as Error).message.split('\n')[0]! };
    }
    const record: RunRecord = {
      job: job.name, started, finished: this.clock.localDateTime(), started_at: startedAt.toISOString(), trigger,
      status: result.status, summary: result.summary, ...(result.counts ? { counts: result.counts } : {}), host: hostname(),
    };
    if (opts.record !== false) this.recordRun(record);
    return record;
  }

  /** Appends a run to the history (durably: a crash right after keeps it). */
  recordRun(record: RunRecord): void {
    this.state.appendLine('runs.jsonl', JSON.stringify(record));
    this.log.info(record, 'job finished');
  }

  /** Regenerates today's run log note from the runs recorded today. */
  writeRunLog(): void {
    const date = this.clock.localDate();
    const today = this.runs().filter((r) => r.started.startsWith(date));
    if (today.length === 0) return;
    const rows = today.map((r) => [r.started.slice(11), r.job, r.status, r.summary, r.host]);
    const body = `# Runs on ${date}\n\n${renderTable(['started', 'job', 'result', 'summary', 'host'], rows)}`;
    this.vault.writeCompanionNote('run_log', { date, runs: today.length, failures: today.filter((r) => r.status === 'failed').length, updated: this.clock.localDateTime() }, body);
  }

  runs(): RunRecord[] {
    return this.state.readLines('runs.jsonl').flatMap((l) => {
      try {
        return [JSON.parse(l) as RunRecord];
      } catch {
        return []; // a line cut by a crash
      }
    });
  }
}
