// The one interface every capability plugs in through. A module exports jobs; the runner gives each
// run a context and records the result. Nothing in a job reaches another module directly.
import type { Frontmatter, KindName, SettingKey, SettingValue } from '../../contract/index.ts';
import type { Vault } from './vault.ts';
import type { VaultIndex } from './vault-index.ts';
import type { StateDir } from './state.ts';
import type { Logger } from './logger.ts';
import type { Clock } from './clock.ts';
import type { Secrets } from './secrets.ts';
import type { Importer } from './import-folder.ts';
import type { ModelService } from './models.ts';

export type Trigger =
  /** A cron expression in the business time zone, or the setting that holds one; missed runs are caught up once at wake. */
  | { kind: 'schedule'; cron: string }
  | { kind: 'schedule'; setting: SettingKey }
  /** A file in the import folder that one of the job's importers claims. */
  | { kind: 'import' }
  /** Runs for as long as the service runs (IMAP IDLE and the like); `run` returns when the signal aborts. */
  | { kind: 'service' }
  /** After another job finished a run that did something (the risk scan after statements). */
  | { kind: 'after'; job: string }
  /**
   * Notes of these kinds appeared or changed, debounced: by the owner or another job (never by this job
   * itself), or with `by: 'owner'` by the owner alone (a category corrected by hand).
   */
  | { kind: 'notes'; kinds: readonly KindName[]; by?: 'owner' }
  /** A decision of one of these kinds was answered. */
  | { kind: 'answered'; decisionKinds: readonly string[] };

export type RunTrigger = 'service' | 'schedule' | 'import' | 'once' | 'after' | 'notes' | 'answered' | 'retry';

/** Data in (mail, statements), passes over it (triage, reconciliation, risk), reports (digest, costs): the order catch-up runs them in. */
export const STAGES = ['data', 'passes', 'reports'] as const;
export type Stage = (typeof STAGES)[number];

/** One run of a job, as `runs.jsonl` in the state folder keeps it. */
export interface RunRecord {
  job: string;
  /** Local datetimes in the business time zone. */
  started: string;
  finished: string;
  /** The start as an instant (ISO, UTC): what schedules and catch-up compare. */
  started_at?: string;
  trigger?: RunTrigger;
  status: JobResult['status'];
  summary: string;
  counts?: Record<string, number>;
  host: string;
}

export interface JobResult {
  status: 'ok' | 'skipped' | 'failed';
  /** One line for the owner: what was done, or why it was skipped. */
  summary: string;
  /** Counts the summary of `aios once all` and `aios status` show: `{ notes: 12, quarantined: 1 }`. */
  counts?: Record<string, number>;
}

export interface Settings {
  get<K extends SettingKey>(key: K): SettingValue;
  string(key: SettingKey): string;
  number(key: SettingKey): number;
  boolean(key: SettingKey): boolean;
  /** The rows of the rules note of this type (Markdown table), keyed by snake_cased column names. */
  rules(type: Frontmatter<'rules'>['rules_type']): Record<string, string>[];
  /** The business time zone (IANA). */
  timezone(): string;
}

/** One option of a decision item: a stable id the answer acts on, and the text the owner reads. */
export interface DecisionOption {
  id: string;
  text: string;
}

export interface DecisionInput {
  /** Stable identity plus every fact the finding uses: a changed fact raises a new item, an unchanged one never. */
  finding_key: string;
  kind: string;
  title: string;
  why: string;
  options: DecisionOption[];
  severity?: Frontmatter<'decision_item'>['severity'];
  deadline?: string;
  evidence?: string[];
  module?: string;
  /** What the options act on, in the module's own words: its handlers read them back. */
  targets?: string[];
  counterparty?: string;
  contract?: string;
  /** Markdown shown under the standard sections: figures, tables, quoted text (already neutralised). */
  details?: string;
}

export interface ProposalInput {
  proposal_type: Frontmatter<'proposal'>['proposal_type'];
  finding_key: string;
  proposed_name: string;
  source: Frontmatter<'proposal'>['source'];
  relationship?: Frontmatter<'proposal'>['relationship'];
  emails?: string[];
  domains?: string[];
  tax_id?: string;
  accounts?: string[];
  telegram?: string[];
  /** Identifiers beyond those the fields above give (`contract:<number>`). */
  identifiers?: string[];
  /** For a contract: its counterparty and facts. */
  counterparty?: string;
  contract_number?: string;
  contract_start?: string;
  contract_end?: string;
  notice_days?: number;
  auto_renew?: boolean;
  evidence?: string[];
  details?: string;
}

/** A decision item as the owner answered it: what an answer handler acts on. */
export interface AnsweredItem {
  path: string;
  finding_key: string;
  kind: string;
  title: string;
  /** The chosen option's id. */
  option: string;
  comment?: string;
  targets: string[];
  evidence: string[];
  counterparty?: string;
  contract?: string;
}

export interface AnswerOutcome {
  /** One line for the owner: what was done, or why not. Recorded on the item as `resolution`. */
  resolution: string;
}

/**
 * What one option does. It runs once per answer; a crash after its effect and before the outcome is
 * recorded runs it again, so it must be idempotent: a second run finds the effect done and says so.
 */
export type AnswerHandler = (item: AnsweredItem, ctx: JobContext) => Promise<AnswerOutcome>;

/** A kind of decision a module raises, with what each of its options does. */
export interface DecisionKind {
  kind: string;
  options: Readonly<Record<string, AnswerHandler>>;
}

/** A capability: its jobs and the decision kinds it raises. */
export interface Module {
  readonly name: string;
  readonly jobs: readonly Job[];
  readonly decisions?: readonly DecisionKind[];
}

export interface JobContext {
  readonly vault: Vault;
  readonly index: VaultIndex;
  readonly settings: Settings;
  readonly secrets: Secrets;
  /** This job's own folder in the state directory. */
  readonly state: StateDir;
  readonly clock: Clock;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** What started this run: the service loop, a schedule, a file in the import folder, or `aios once`. */
  readonly trigger: RunTrigger;
  /** Model work (classify, extract, summarise, draft) through the router; never a provider directly. */
  readonly models: ModelService;
  /** Raises a decision-queue item once per finding_key; later calls with the same key return the existing note. */
  addDecision(item: DecisionInput): Promise<{ path: string; created: boolean }>;
  /** Closes this finding's open item because its facts went away (status `resolved`, with the reason). */
  resolveDecision(findingKey: string, reason: string): Promise<boolean>;
  /**
   * Files a proposal once per real-world thing: one sharing an identifier with an open proposal merges
   * into it; one matching a counterparty, or an identifier the owner rejected, is not filed.
   */
  addProposal(item: ProposalInput): Promise<{ path: string; created: boolean }>;
  /** Takes the files of the import folder that these importers claim (archive on success, quarantine on failure). */
  importFiles(importers: readonly Importer[]): Promise<ImportSummary>;
  /** Records this source's health for `aios status` (a mail account, the Ollama server). */
  reportHealth(source: string, health: SourceHealth): void;
  /** Every source's health as last reported (the digest lists the ones down). */
  health(): Record<string, SourceHealth>;
  /** What ran, when, with what result and counts (newest last): the digest and the autonomy measure read it. */
  runs(filter?: { job?: string; since?: string }): RunRecord[];
}

export interface ImportSummary {
  imported: number;
  quarantined: number;
  /** Counts summed over the importers' results. */
  counts: Record<string, number>;
}

export interface SourceHealth {
  ok: boolean;
  detail: string;
  /** ISO datetime of the last success. */
  last_ok?: string;
}

export interface Job {
  /** Lower-case name used by `aios once <name>`. */
  readonly name: string;
  readonly description: string;
  readonly stage: Stage;
  readonly triggers: readonly Trigger[];
  /** A run that takes longer is stopped; the setting `job_timeout_seconds` when unset. */
  readonly timeoutSeconds?: number;
  /** Files of the import folder this job takes. */
  readonly importers?: readonly Importer[];
  run(ctx: JobContext): Promise<JobResult>;
}
