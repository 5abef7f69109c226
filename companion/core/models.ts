// The one interface for model work. Modules ask for a task; the router decides which provider answers
// (built-in learner, Ollama, a cloud API), validates the answer, records its cost and keeps confidential
// data local. Nothing outside companion/models/ calls a provider directly.
import type { z } from 'zod';

export type Tier = 'easy' | 'hard';
export type TaskKind = 'classify' | 'extract' | 'summarise' | 'draft';

export interface TaskBase {
  /** The module asking (`mail`, `statements`): the ledger and the cost note count calls by it. */
  module?: string;
  /** `easy` goes to the learner or the local model first; `hard` goes to the cloud when allowed. */
  tier: Tier;
  /** Marked confidential by the caller: never leaves the machine. */
  confidential?: boolean;
  /**
   * Notes this data belongs to (vault paths or wikilinks: the mail note, its counterparty, a contract).
   * If any of them, or anything they link to, is confidential, the task never goes to the cloud.
   */
  links?: readonly string[];
  /** Sender address of mail data: a confidential counterparty found by address or domain keeps it local. */
  sender?: string;
  /**
   * What the business knows around the item (its profile, the counterparty, contracts, decisions, the
   * thread), quoted as data before it. Its notes must be among `links`, so privacy sees them.
   */
  context?: readonly { label: string; text: string }[];
}

/** Mail (or any short text) into one of a fixed set of labels. */
export interface ClassifyTask extends TaskBase {
  kind: 'classify';
  /** The allowed labels (snake_case); the answer is always one of them. */
  labels: readonly string[];
  /** What the labels mean, shown to a language model (label -> description). */
  descriptions?: Readonly<Record<string, string>>;
  /** The item: for mail, its subject, body and sender; `list` when it came from a mailing list. */
  item: { subject?: string; body: string; from?: string; list?: boolean };
}

/** Fields out of a text into a zod schema (invoice number, amount, due date...). */
export interface ExtractTask<T> extends TaskBase {
  kind: 'extract';
  /** What to extract, in the module's words: an instruction, never data. */
  instruction: string;
  schema: z.ZodType<T>;
  /** The untrusted text the fields come from. */
  data: string;
}

export interface SummariseTask extends TaskBase {
  kind: 'summarise';
  data: string;
  /** Up to this many words (default 80). */
  maxWords?: number;
  instruction?: string;
}

export interface DraftTask extends TaskBase {
  kind: 'draft';
  /** What to write: "a polite reply declining the discount". */
  instruction: string;
  /** The mail or thread the draft answers (untrusted). */
  data: string;
}

export interface Classification {
  label: string;
  /** 0..1: the learner's calibrated probability or the local model's own estimate. */
  confidence: number;
}
export interface Summary {
  summary: string;
}
export interface Draft {
  subject?: string;
  body: string;
}

export type ModelTask = ClassifyTask | ExtractTask<unknown> | SummariseTask | DraftTask;

export type ProviderName = 'learner' | 'ollama' | 'openai';
export type Location = 'local' | 'cloud';

/** How a task was answered (or why not): enough for a caller to show it and for tests to check the route. */
export interface RouteStep {
  provider: ProviderName;
  model: string;
  outcome: CallOutcome;
  detail?: string;
}

export type CallOutcome = 'ok' | 'low_confidence' | 'invalid' | 'error' | 'timeout' | 'unavailable' | 'rate_limited';

export type ModelResult<T> =
  | {
      ok: true;
      value: T;
      /** Set for classifications; 1 for other tasks that passed validation. */
      confidence: number;
      provider: ProviderName;
      model: string;
      location: Location;
      /** True when a provider other than the first choice answered. */
      escalated: boolean;
      /** True when no provider reached the confidence threshold and this is the best local answer. */
      lowConfidence: boolean;
      route: RouteStep[];
    }
  | {
      ok: false;
      /** `waiting`: parked for the owner (budget spent); `unavailable`: no allowed provider could answer validly. */
      status: 'waiting' | 'unavailable';
      reason: string;
      /** The decision-queue item the task waits on. */
      decision?: string;
      route: RouteStep[];
    };

/** What modules get as `ctx.models`. */
export interface ModelService {
  classify(task: Omit<ClassifyTask, 'kind'>): Promise<ModelResult<Classification>>;
  extract<T>(task: Omit<ExtractTask<T>, 'kind'>): Promise<ModelResult<T>>;
  summarise(task: Omit<SummariseTask, 'kind'>): Promise<ModelResult<Summary>>;
  draft(task: Omit<DraftTask, 'kind'>): Promise<ModelResult<Draft>>;
  /** The learner takes an owner's label (a corrected category) at once. */
  learn(example: LabelledExample): void;
  /** Ollama's state as last seen (for `aios status` and the digest). */
  health(): { ollama: 'unknown' | 'up' | 'down'; detail: string };
}

export interface LabelledExample {
  /** Stable id (the mail note's path): a later label for the same id replaces the earlier one. */
  id: string;
  label: string;
  subject?: string;
  body: string;
  from?: string;
  list?: boolean;
}

/** One chat request as every language-model provider receives it. */
export interface ChatRequest {
  system: string;
  user: string;
  /** JSON schema of the answer (from z.toJSONSchema). */
  jsonSchema: Record<string, unknown>;
  schemaName: string;
  model: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ChatResponse {
  text: string;
  tokensIn: number;
  tokensOut: number;
  model: string;
}

/** A language-model provider (Ollama, an OpenAI-compatible API). Swappable: the router knows only this. */
export interface ChatProvider {
  readonly name: ProviderName;
  readonly location: Location;
  /** Cheap check that the server answers; never throws, never waits longer than its probe timeout. */
  available(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }>;
  chat(req: ChatRequest): Promise<ChatResponse>;
}

/** Thrown by providers: `kind` decides whether the router retries, falls back or escalates. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'rate_limited' | 'server' | 'unavailable' | 'client',
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
