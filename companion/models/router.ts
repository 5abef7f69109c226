// The routing policy. Easy work goes to the built-in learner, then the local model; it is escalated to
// the cloud only when the local answer is invalid or under the confidence threshold. Hard work goes to
// the cloud when allowed, else to the local hard model. Confidential data never reaches the cloud by any
// path; everything sent there is redacted first. Every provider call lands in the cost ledger, and an
// answer that fails its schema is retried or escalated, never passed on.
import { catalogue } from '../core/i18n/index.ts';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { DecisionInput, SourceHealth, Settings } from '../core/job.ts';
import type { Logger } from '../core/logger.ts';
import { isoWeekOf } from './iso-week.ts';
import type { CostLedger } from './ledger.ts';
import type { LearnerStore } from './learner-store.ts';
import { costNanoUsd, findPrice, nanoToUsd, type Price } from './prices.ts';
import { confidentialReason, type PrivacyIndex } from './privacy.ts';
import { defangDeep, type Prompt } from './prompt.ts';
import { Redactor } from './redact.ts';
import { parseAnswer, taskSpec, type TaskSpec } from './tasks.ts';
import {
  ProviderError,
  type CallOutcome, type ChatProvider, type Classification, type ClassifyTask, type Draft, type DraftTask, type ExtractTask,
  type LabelledExample, type Location, type ModelResult, type ModelService, type ModelTask, type ProviderName, type RouteStep,
  type Summary, type SummariseTask, type Tier,
} from '../core/models.ts';

export interface RouterConfig {
  threshold: number;
  cloudEnabled: boolean;
  weeklyBudgetUsd: number;
  budgetExhausted: 'ask' | 'local';
  timeoutMs: number;
  ollamaModelEasy: string;
  ollamaModelHard: string;
  cloudModel: string;
  maxRetries: number;
  learnerMinExamples: number;
  /** The owner's language: the budget question is asked in it. */
  language: string;
}

export function configFromSettings(s: Settings): RouterConfig {
  return {
    threshold: s.number('router_confidence_threshold'),
    cloudEnabled: s.boolean('cloud_enabled'),
    weeklyBudgetUsd: s.number('weekly_budget_usd'),
    budgetExhausted: s.string('budget_exhausted') === 'local' ? 'local' : 'ask',
    timeoutMs: s.number('model_timeout_seconds') * 1000,
    ollamaModelEasy: s.string('ollama_model_easy'),
    ollamaModelHard: s.string('ollama_model_hard'),
    cloudModel: s.string('openai_model'),
    maxRetries: Math.min(5, Math.floor(s.number('model_max_retries'))),
    learnerMinExamples: s.number('learner_min_examples'),
    language: s.string('language'),
  };
}

export interface RouterDeps {
  config: RouterConfig;
  ledger: CostLedger;
  clock: Clock;
  log: Logger;
  /** The module the calls are booked to. */
  module: string;
  learner?: LearnerStore;
  /** The local model server; absent when none is configured. */
  local?: ChatProvider;
  /** The cloud API; absent or unavailable without a key. */
  cloud?: ChatProvider;
  prices?: () => readonly Price[];
  privacy?: PrivacyIndex;
  addDecision?: (item: DecisionInput) => Promise<{ path: string; created: boolean }>;
  reportHealth?: (source: string, health: SourceHealth) => void;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  /** ISO codes of the business's countries: which local identifier formats redaction looks for (all when absent). */
  countries?: readonly string[];
}

/** A price used when the price table has no row for a cloud model: deliberately high, so the budget errs on the safe side. */
const UNKNOWN_CLOUD_PRICE: Price = { provider: '*', model: '*', inputPerMillion: 10n * 100000n, outputPerMillion: 30n * 100000n };
const MAX_WAIT_MS = 5000;

interface TaskRun {
  id: string;
  task: ModelTask;
  spec: TaskSpec | undefined;
  route: RouteStep[];
  first: ProviderName | undefined;
  best: { value: unknown; confidence: number; provider: ProviderName; model: string; location: Location; escalated: boolean } | undefined;
}

export class Router implements ModelService {
  private readonly cfg: RouterConfig;
  private localState: { state: 'unknown' | 'up' | 'down'; detail: string } = { state: 'unknown', detail: 'not checked yet' };
  private localProbe: Promise<boolean> | undefined;
  private spentNano: bigint | undefined;
  private prices: readonly Price[] | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: RouterDeps) {
    this.cfg = deps.config;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  classify(task: Omit<ClassifyTask, 'kind'>): Promise<ModelResult<Classification>> {
    return this.run<Classification>({ ...task, kind: 'classify' });
  }
  extract<T>(task: Omit<ExtractTask<T>, 'kind'>): Promise<ModelResult<T>> {
    return this.run<T>({ ...task, kind: 'extract' } as ExtractTask<unknown>);
  }
  summarise(task: Omit<SummariseTask, 'kind'>): Promise<ModelResult<Summary>> {
    return this.run<Summary>({ ...task, kind: 'summarise' });
  }
  draft(task: Omit<DraftTask, 'kind'>): Promise<ModelResult<Draft>> {
    return this.run<Draft>({ ...task, kind: 'draft' });
  }

  learn(example: LabelledExample): void {
    this.deps.learner?.learn(example);
  }

  health(): { ollama: 'unknown' | 'up' | 'down'; detail: string } {
    return { ollama: this.localState.state, detail: this.localState.detail };
  }

  /** Cloud spend of the current ISO week in USD, from the ledger. */
  weekSpendUsd(): number {
    return nanoToUsd(this.spent());
  }

  async run<T>(task: ModelTask): Promise<ModelResult<T>> {
    const run: TaskRun = { id: randomUUID().slice(0, 8), task, spec: undefined, route: [], first: undefined, best: undefined };
    const secret = confidentialReason(this.deps.privacy, task);
    const cloudAllowed = secret === undefined && this.cfg.cloudEnabled && this.deps.cloud !== undefined && (await this.deps.cloud.available()).ok;
    if (secret) this.deps.log.debug({ task: task.kind, why: secret }, 'models: confidential, kept local');

    if (task.tier === 'easy') {
      if (task.kind === 'classify') {
        const r = this.tryLearner(run, task, 'first');
        if (r) return r as ModelResult<T>;
      }
      const local = await this.tryLocal(run, 'easy');
      if (local) return local as ModelResult<T>;
      if (cloudAllowed) {
        if (this.budgetLeft()) {
          const c = await this.tryCloud(run);
          if (c) return c as ModelResult<T>;
        } else {
          run.route.push({ provider: 'openai', model: this.cfg.cloudModel, outcome: 'unavailable', detail: 'weekly budget spent: easy work stays local' });
        }
      }
      // Offline with no model server: the learner's seed still sorts the mail, flagged when unsure.
      if (task.kind === 'classify' && !run.best) {
        const r = this.tryLearner(run, task, 'last');
        if (r) return r as ModelResult<T>;
      }
      return this.bestOrFail(run, secret ? 'confidential: the cloud is not allowed' : 'no provider gave a valid answer') as ModelResult<T>;
    }

    if (cloudAllowed) {
      if (this.budgetLeft()) {
        const c = await this.tryCloud(run);
        if (c) return c as ModelResult<T>;
      } else if (this.cfg.budgetExhausted === 'ask') {
        return (await this.waitForOwner(run)) as ModelResult<T>;
      } else {
        run.route.push({ provider: 'openai', model: this.cfg.cloudModel, outcome: 'unavailable', detail: 'weekly budget spent: running locally' });
      }
    }
    const local = await this.tryLocal(run, 'hard');
    if (local) return local as ModelResult<T>;
    return this.bestOrFail(run, secret ? 'confidential: the cloud is not allowed and the local model did not answer' : 'no provider gave a valid answer') as ModelResult<T>;
  }

  // ---- providers ----

  /**
   * The built-in learner. First in line when the owner has labelled `learner_min_examples` mails, or when
   * sender memory knows this sender; otherwise (a fresh install, seed only) it is the last resort, after
   * Ollama and the cloud, so it sorts mail offline without standing in front of a better model.
   */
  private tryLearner(run: TaskRun, task: ClassifyTask, phase: 'first' | 'last'): ModelResult<Classification> | undefined {
    const store = this.deps.learner;
    if (!store) return undefined;
    const learner = store.get();
    const allowed = task.labels.filter((l) => learner.knows(l));
    // Labels the learner mostly never saw (bank lines, not mail categories) are not its to answer: one
    // known label out of eight would come back at confidence 1.
    if (allowed.length < 2 || allowed.length * 2 < task.labels.length) return undefined;
    const min = this.cfg.learnerMinExamples;
    const remembered = learner.senderLabel(task.item.from);
    const early = phase === 'first' && learner.size < min;
    if (early && (remembered === undefined || !allowed.includes(remembered))) return undefined;
    // The seed's mails count as labelled mails here: a setting far above the default keeps the learner out.
    if (phase === 'last' && learner.size + learner.seedSize < min) return undefined;
    const t0 = performance.now();
    const p = learner.predict(task.item, allowed, { ownerHalfWeight: min, ...(task.descriptions ? { descriptions: task.descriptions } : {}) });
    if (!p || (early && p.label !== remembered)) return undefined;
    const ok = p.confidence >= this.cfg.threshold;
    const detail = p.by === 'sender' ? 'sender memory: the owner\'s last two labels for this address' : p.by === 'seed' ? 'seed model (no owner labels yet)' : p.by === 'owner+seed' ? `seed model mixed with ${learner.size} owner labels` : undefined;
    this.record(run, 'learner', 'naive-bayes', 'local', ok ? 'ok' : 'low_confidence', 0, 0, performance.now() - t0, 0n, detail);
    const value: Classification = { label: p.label, confidence: p.confidence };
    if (ok) return this.success(run, value, p.confidence, 'learner', 'naive-bayes', 'local', this.escalatedNow(run, 'learner'));
    this.keepBest(run, value, p.confidence, 'learner', 'naive-bayes', 'local');
    return undefined;
  }

  private async localUp(): Promise<boolean> {
    if (this.localState.state !== 'unknown') return this.localState.state === 'up';
    this.localProbe ??= (async () => {
      const r = await this.deps.local!.available(this.deps.signal);
      this.setLocalState(r.ok ? 'up' : 'down', r.ok ? r.detail : `${r.detail}; falling back per routing policy`);
      return r.ok;
    })();
    return this.localProbe;
  }

  private setLocalState(state: 'up' | 'down', detail: string): void {
    const changed = this.localState.state !== state;
    this.localState = { state, detail };
    if (changed) {
      this.deps.reportHealth?.('ollama', { ok: state === 'up', detail, ...(state === 'up' ? { last_ok: this.deps.clock.localDateTime() } : {}) });
      if (state === 'down') this.deps.log.warn({ detail }, 'models: Ollama unavailable');
    }
  }

  private async tryLocal(run: TaskRun, tier: Tier): Promise<ModelResult<unknown> | undefined> {
    const local = this.deps.local;
    if (!local) return undefined;
    const model = tier === 'hard' ? this.cfg.ollamaModelHard : this.cfg.ollamaModelEasy;
    if (!(await this.localUp())) {
      this.record(run, local.name, model, 'local', 'unavailable', 0, 0, 0, 0n, this.localState.detail);
      return undefined;
    }
    const spec = this.spec(run);
    let prompt = spec.prompt;
    for (let attempt = 0; attempt < 2; attempt++) {
      const t0 = performance.now();
      let text: string;
      let tokensIn: number;
      let tokensOut: number;
      try {
        const r = await local.chat({ ...prompt, jsonSchema: spec.jsonSchema, schemaName: spec.schemaName, model, timeoutMs: this.cfg.timeoutMs, ...(this.deps.signal ? { signal: this.deps.signal } : {}) });
        ({ text, tokensIn, tokensOut } = r);
      } catch (e) {
        const pe = e instanceof ProviderError ? e : new ProviderError(String(e), 'unavailable');
        this.record(run, local.name, model, 'local', outcomeOf(pe), 0, 0, performance.now() - t0, 0n, pe.message);
        // A slow or vanished server is skipped for the rest of this run: no job waits on it twice.
        if (pe.kind === 'timeout' || pe.kind === 'unavailable') this.setLocalState('down', `${pe.message}; falling back per routing policy`);
        else if (pe.status === 404) this.deps.reportHealth?.('ollama', { ok: false, detail: pe.message });
        return undefined;
      }
      const latency = performance.now() - t0;
      const parsed = parseAnswer(text, spec.schema);
      if (!parsed.ok) {
        this.record(run, local.name, model, 'local', 'invalid', tokensIn, tokensOut, latency, 0n, parsed.error);
        prompt = retryPrompt(spec.prompt, parsed.error);
        continue;
      }
      return this.accept(run, parsed.value, local.name, model, 'local', tokensIn, tokensOut, latency, 0n);
    }
    return undefined;
  }

  private async tryCloud(run: TaskRun): Promise<ModelResult<unknown> | undefined> {
    const cloud = this.deps.cloud!;
    const model = this.cfg.cloudModel;
    const spec = this.spec(run);
    const redactor = new Redactor({ countries: this.deps.countries });
    const safe: Prompt = { system: redactor.redact(spec.prompt.system), user: redactor.redact(spec.prompt.user) };
    const redacted = redactor.map.size;
    let prompt = safe;
    let invalidRetries = 0;
    for (let attempt = 0; attempt <= this.cfg.maxRetries + 1; attempt++) {
      if (!this.budgetLeft()) break;
      const t0 = performance.now();
      let r;
      try {
        r = await cloud.chat({ ...prompt, jsonSchema: spec.jsonSchema, schemaName: spec.schemaName, model, timeoutMs: this.cfg.timeoutMs, ...(this.deps.signal ? { signal: this.deps.signal } : {}) });
      } catch (e) {
        const pe = e instanceof ProviderError ? e : new ProviderError(String(e), 'unavailable');
        this.record(run, cloud.name, model, 'cloud', outcomeOf(pe), 0, 0, performance.now() - t0, 0n, pe.message, redacted);
        const retryable = pe.kind === 'rate_limited' || pe.kind === 'server' || pe.kind === 'timeout';
        if (!retryable || attempt >= this.cfg.maxRetries) break;
        const wait = pe.retryAfterSeconds !== undefined ? pe.retryAfterSeconds * 1000 : 250 * 2 ** attempt;
        await this.sleep(Math.min(MAX_WAIT_MS, Math.max(0, wait)));
        continue;
      }
      const latency = performance.now() - t0;
      const cost = costNanoUsd(this.priceOf(cloud.name, r.model || model), r.tokensIn, r.tokensOut);
      const parsed = parseAnswer(r.text, spec.schema, (v) => redactor.restoreDeep(v));
      if (!parsed.ok) {
        this.record(run, cloud.name, r.model || model, 'cloud', 'invalid', r.tokensIn, r.tokensOut, latency, cost, parsed.error, redacted);
        if (invalidRetries++ >= 1) break;
        prompt = retryPrompt(safe, redactor.redact(parsed.error));
        continue;
      }
      return this.accept(run, parsed.value, cloud.name, r.model || model, 'cloud', r.tokensIn, r.tokensOut, latency, cost, redacted);
    }
    return undefined;
  }

  // ---- outcomes ----

  private accept(
    run: TaskRun, value: unknown, provider: ProviderName, model: string, location: Location,
    tokensIn: number, tokensOut: number, latency: number, cost: bigint, redacted = 0,
  ): ModelResult<unknown> | undefined {
    if (run.task.kind === 'classify') {
      const c = value as Classification;
      const ok = c.confidence >= this.cfg.threshold;
      this.record(run, provider, model, location, ok ? 'ok' : 'low_confidence', tokensIn, tokensOut, latency, cost, undefined, redacted);
      if (ok) return this.success(run, c, c.confidence, provider, model, location, this.escalatedNow(run, provider));
      this.keepBest(run, c, c.confidence, provider, model, location);
      return undefined;
    }
    this.record(run, provider, model, location, 'ok', tokensIn, tokensOut, latency, cost, undefined, redacted);
    return this.success(run, defangDeep(value), 1, provider, model, location, this.escalatedNow(run, provider));
  }

  private success<T>(run: TaskRun, value: T, confidence: number, provider: ProviderName, model: string, location: Location, escalated: boolean): ModelResult<T> {
    return { ok: true, value, confidence, provider, model, location, escalated, lowConfidence: false, route: run.route };
  }

  private keepBest(run: TaskRun, value: unknown, confidence: number, provider: ProviderName, model: string, location: Location): void {
    if (!run.best || confidence > run.best.confidence) {
      run.best = { value, confidence, provider, model, location, escalated: this.escalatedNow(run, provider) };
    }
  }

  /** No provider reached the threshold: the best valid answer, flagged, or a refusal. */
  private bestOrFail(run: TaskRun, reason: string): ModelResult<unknown> {
    const b = run.best;
    if (b) return { ok: true, value: b.value, confidence: b.confidence, provider: b.provider, model: b.model, location: b.location, escalated: b.escalated, lowConfidence: true, route: run.route };
    this.deps.log.warn({ task: run.task.kind, module: this.moduleOf(run), route: run.route }, `models: ${reason}`);
    return { ok: false, status: 'unavailable', reason, route: run.route };
  }

  private async waitForOwner(run: TaskRun): Promise<ModelResult<unknown>> {
    const week = isoWeekOf(this.deps.clock.localDate());
    const spent = nanoToUsd(this.spent()).toFixed(4);
    const t = catalogue(this.cfg.language);
    run.route.push({ provider: 'openai', model: this.cfg.cloudModel, outcome: 'unavailable', detail: 'weekly budget spent: waiting for the owner' });
    if (!this.deps.addDecision) return { ok: false, status: 'waiting', reason: 'weekly budget spent', route: run.route };
    const d = await this.deps.addDecision({
      finding_key: `budget_exhausted:${week.week}`,
      kind: 'budget_exhausted',
      title: t['models.budget.title']({ week: week.week }),
      why: t['models.budget.why']({ spent, budget: String(this.cfg.weeklyBudgetUsd), task: run.task.kind, module: this.moduleOf(run) }),
      options: (['raise_budget', 'local_this_week', 'wait'] as const).map((id) => ({ id, text: t[`models.budget.${id}`]() })),
      targets: [`week:${week.week}:${week.end}`],
      severity: 'medium',
      module: 'models',
      details: t['models.budget.details']({ week: week.week, start: week.start, end: week.end }),
    });
    return { ok: false, status: 'waiting', reason: 'weekly budget spent', decision: d.path, route: run.route };
  }

  // ---- bookkeeping ----

  private record(
    run: TaskRun, provider: ProviderName, model: string, location: Location, outcome: CallOutcome,
    tokensIn: number, tokensOut: number, latency: number, cost: bigint, detail?: string, redacted = 0,
  ): void {
    const escalated = this.escalatedNow(run, provider);
    run.first ??= provider;
    run.route.push({ provider, model, outcome, ...(detail ? { detail } : {}) });
    if (location === 'cloud') this.spentNano = this.spent() + cost;
    this.deps.ledger.append({
      time: this.deps.clock.localDateTime(),
      module: this.moduleOf(run),
      task: run.task.kind,
      tier: run.task.tier,
      provider, model, location, tokensIn, tokensOut,
      latencyMs: latency,
      costNanoUsd: cost,
      escalated,
      outcome,
      taskId: run.id,
      redacted,
    });
  }

  private escalatedNow(run: TaskRun, provider: ProviderName): boolean {
    return run.first !== undefined && run.first !== provider;
  }

  private moduleOf(run: TaskRun): string {
    return run.task.module ?? this.deps.module;
  }

  private spec(run: TaskRun): TaskSpec {
    return (run.spec ??= taskSpec(run.task));
  }

  private spent(): bigint {
    return (this.spentNano ??= this.deps.ledger.weekSpendNano(this.deps.clock.localDate()));
  }

  private budgetLeft(): boolean {
    const budgetNano = BigInt(Math.round(this.cfg.weeklyBudgetUsd * 1e9));
    return this.spent() < budgetNano;
  }

  private priceOf(provider: string, model: string): Price {
    if (!this.prices) {
      try {
        this.prices = this.deps.prices?.() ?? [];
      } catch (e) {
        this.deps.log.warn({ err: (e as Error).message }, 'models: price table unreadable; cloud calls are costed high');
        this.prices = [];
      }
    }
    const p = findPrice(this.prices, provider, model);
    if (!p) this.deps.log.warn({ provider, model }, 'models: no price for this model; costed at $10/$30 per million tokens');
    return p ?? UNKNOWN_CLOUD_PRICE;
  }
}

function outcomeOf(e: ProviderError): CallOutcome {
  switch (e.kind) {
    case 'timeout':
      return 'timeout';
    case 'rate_limited':
      return 'rate_limited';
    case 'unavailable':
      return 'unavailable';
    default:
      return 'error';
  }
}

function retryPrompt(p: Prompt, error: string): Prompt {
  return { system: `${p.system}\n\nYour previous answer was rejected (${error.slice(0, 200)}). Answer again with JSON that matches the schema exactly.`, user: p.user };
}
