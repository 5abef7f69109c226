// The model service a job gets as `ctx.models`: the router over the learner, Ollama and the cloud API,
// built from the settings. The rest of the system depends only on `ModelService` from core/models.ts.
import { dirname, join } from 'node:path';
import type { JobContext } from '../core/job.ts';
import { StateDir } from '../core/state.ts';
import { CostLedger } from './ledger.ts';
import { LearnerStore } from './learner-store.ts';
import { parsePriceTable } from './prices.ts';
import { OllamaProvider } from './providers/ollama.ts';
import { OpenAIProvider } from './providers/openai.ts';
import { businessCountries } from './redact.ts';
import { Router, configFromSettings } from './router.ts';
import { applyOverrides, readOverrides } from './decisions.ts';
import type { ChatProvider } from '../core/models.ts';

export type { ModelService, ModelResult, Classification, Summary, Draft, Tier, TaskKind, LabelledExample } from '../core/models.ts';
export { Router } from './router.ts';
export { CostLedger } from './ledger.ts';
export { LearnerStore } from './learner-store.ts';

/**
 * The models' own state folder: a sibling of the job folders in the vault's state directory
 * (`<state>/models`), shared by every job so the ledger, budget and learner are one.
 */
export function modelsState(jobState: StateDir): StateDir {
  return new StateDir(join(dirname(jobState.dir), 'models'));
}

export interface CreateModelsOptions {
  /** The models' state folder; by default the `models` sibling of the job's own. */
  state?: StateDir;
  /** Swaps the providers (another local server, another cloud); `null` switches one off. */
  local?: ChatProvider | null;
  cloud?: ChatProvider | null;
  sleep?: (ms: number) => Promise<void>;
}

type ContextParts = Pick<JobContext, 'settings' | 'secrets' | 'clock' | 'log' | 'index' | 'state' | 'signal' | 'addDecision' | 'reportHealth'>;

/** `ctx.models` for a job: call once per run with the job's context and name. */
export function createModels(ctx: ContextParts, module: string, opts: CreateModelsOptions = {}): Router {
  const state = opts.state ?? modelsState(ctx.state);
  const s = ctx.settings;
  const host = s.string('ollama_host').trim();
  const local = opts.local === null ? undefined : (opts.local ?? (host ? new OllamaProvider({ host, probeTimeoutMs: s.number('ollama_probe_seconds') * 1000 }) : undefined));
  const cloud = opts.cloud === null ? undefined : (opts.cloud ?? new OpenAIProvider({ baseURL: s.string('openai_base_url'), apiKey: ctx.secrets.get('openai_api_key') }));
  return new Router({
    // An owner's answer about the budget applies until its week ends, on top of the settings.
    config: applyOverrides(configFromSettings(s), readOverrides(state), ctx.clock.localDate()),
    ledger: new CostLedger(state),
    clock: ctx.clock,
    log: ctx.log,
    module,
    learner: new LearnerStore(state),
    ...(local ? { local } : {}),
    ...(cloud ? { cloud } : {}),
    prices: () => parsePriceTable(s.rules('price_table')),
    privacy: ctx.index,
    addDecision: (d) => ctx.addDecision(d),
    reportHealth: (src, h) => ctx.reportHealth(src, h),
    signal: ctx.signal,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    // Redaction looks for the identifier formats of the business's own countries (plus the generic ones).
    countries: businessCountries(ctx.index.byKind('business_profile')[0]?.frontmatter),
  });
}
