// Everything a run of the companion needs, built once per process: the vault, its index, settings,
// secrets, clock, logger and state; and the runner that gives each job its context and records results.
import { hostname } from 'node:os';
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { SETTINGS, renderTable, type SettingKey, type SettingValue } from '../../contract/index.ts';
import { makeClock, type Clock } from './clock.ts';
import { fileLogger, silentLogger, type Logger } from './logger.ts';
import { defaultSecretsFile, makeSecrets, readSecretsFile, type Secrets } from './secrets.ts';
import { resolveSettings, type ResolvedSettings } from './settings.ts';
import { StateDir, defaultStateDir } from './state.ts';
import { Vault } from './vault.ts';
import { VaultIndex } from './vault-index.ts';
import { Queue } from './queue.ts';
import { importFiles } from './imports.ts';
import type { Job, JobContext, JobResult, RunTrigger, SourceHealth } from './job.ts';
import type { ModelService } from './models.ts';

export interface RuntimeOptions {
  vaultRoot: string;
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Pins the clock (the demo runs on a known day). */
  now?: Date;
  overrides?: Partial<Record<SettingKey, SettingValue>>;
  /** Log to the state folder (default) or nowhere (tests). */
  logToFile?: boolean;
  /** Builds a job's model service; plugged in by modules.ts so the model can be swapped without touching the core. */
  models?: ModelFactory;
}

export type ModelFactory = (ctx: Omit<JobContext, 'models'>, jobName: string) => ModelService;

export interface RunRecord {
  job: string;
  started: string;
  finished: string;
  status: JobResult['status'];
  summary: string;
  counts?: Record<string, number>;
  host: string;
}

/** Removes temp files a crashed write left behind; young ones may belong to a write under way. */
function sweepTemps(vault: Vault, temps: readonly string[]): void {
  for (const rel of temps) {
    try {
      if (Date.now() - statSync(vault.abs(rel)).mtimeMs > 10 * 60_000) unlinkSync(vault.abs(rel));
    } catch {
      // gone already
    }
  }
}

export class Runtime {
  readonly vault: Vault;
  readonly index: VaultIndex;
  readonly settings: ResolvedSettings;
  readonly secrets: Secrets;
  readonly clock: Clock;
  readonly log: Logger;
  readonly state: StateDir;
  readonly queue: Queue;
  readonly secretsFilePath: string;
  private readonly modelFactory: ModelFactory | undefined;

  constructor(opts: RuntimeOptions) {
    this.modelFactory = opts.models;
    const env = opts.env ?? process.env;
    if (!existsSync(opts.vaultRoot)) throw new Error(`${opts.vaultRoot}: no such vault folder (create one with: aios init ${opts.vaultRoot})`);
    // Folders are settings, and settings live in a note: index with the defaults first, then resolve.
    let settingsRef: ResolvedSettings | undefined;
    this.vault = new Vault(opts.vaultRoot, (k) => (settingsRef ? settingsRef.get(k) : (opts.overrides?.[k] ?? SETTINGS[k].default)), () => this.clock.localDateTime());
    this.index = new VaultIndex(this.vault).build();
    this.secretsFilePath = defaultSecretsFile(env);
    const secretsFile = readSecretsFile(this.secretsFilePath, opts.vaultRoot);
    this.settings = settingsRef = resolveSettings({ vault: this.vault, index: this.index, env, secretsFile, overrides: opts.overrides });
    this.secrets = makeSecrets(secretsFile, env);
    this.clock = makeClock(this.settings.timezone(), opts.now);
    this.state = new StateDir(opts.stateDir ?? defaultStateDir(opts.vaultRoot, env));
    this.log = opts.logToFile === false ? silentLogger() : fileLogger(this.state.path('logs/aios.log'), this.settings.string('log_level'));
    this.queue = new Queue(this.vault, this.index, this.state.sub('queue'), this.clock);
    sweepTemps(this.vault, this.index.leftoverTemps);
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
      addProposal: async (item) => this.queue.addProposal(item),
      importFiles: (importers) => importFiles(this.context(job, signal, trigger), importers),
      reportHealth: (source, h) => this.setHealth(source, h),
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

  /** Runs one job, never throwing: a failure is a result, logged with its stack. */
  async runJob(job: Job, signal: AbortSignal = new AbortController().signal, trigger: RunTrigger = 'once'): Promise<RunRecord> {
    const started = this.clock.localDateTime(new Date());
    let result: JobResult;
    try {
      result = await job.run(this.context(job, signal, trigger));
    } catch (e) {
      this.log.error({ job: job.name, err: { message: (e as Error).message, stack: (e as Error).stack } }, 'job failed');
      result = { status: 'failed', summary: (e as Error).message.split('\n')[0]! };
    }
    const record: RunRecord = { job: job.name, started, finished: this.clock.localDateTime(new Date()), status: result.status, summary: result.summary, counts: result.counts, host: hostname() };
    this.state.appendLine('runs.jsonl', JSON.stringify(record));
    this.log.info(record, 'job finished');
    return record;
  }

  /** Regenerates today's run log note from the runs recorded today. */
  writeRunLog(): void {
    const date = this.clock.localDate(new Date());
    const today = this.runs().filter((r) => r.started.startsWith(date));
    if (today.length === 0) return;
    const rows = today.map((r) => [r.started.slice(11), r.job, r.status, r.summary, r.host]);
    const body = `# Runs on ${date}\n\n${renderTable(['started', 'job', 'result', 'summary', 'host'], rows)}`;
    this.vault.writeCompanionNote('run_log', { date, runs: today.length, failures: today.filter((r) => r.status === 'failed').length, updated: this.clock.localDateTime(new Date()) }, body);
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
