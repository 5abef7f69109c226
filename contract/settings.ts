// Every setting, its type and default. Settings live as flat snake_case keys in the settings note;
// each can be overridden by AIOS_<KEY> in the environment. Lists and tables live in rules notes.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { cronProblem } from './cron.ts';

/** The sections a settings screen shows, in order. */
export const SETTING_GROUPS = ['general', 'folders', 'mail', 'models', 'schedules', 'triage', 'reconciliation', 'risk', 'requests'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** The input a settings screen renders for a key; its schema decides what the input may hold. */
export type SettingControl = 'text' | 'number' | 'toggle' | 'choice' | 'schedule' | 'folder' | 'timezone' | 'currency';

export interface SettingSpec {
  readonly schema: z.ZodMiniType<string | number | boolean>;
  readonly default: string | number | boolean;
  readonly description: string;
  readonly control: SettingControl;
  /** A 'choice': the values its schema accepts, in the order shown. */
  readonly choices?: readonly string[];
  /** A 'number': the least value its schema accepts. */
  readonly min?: number;
  readonly group: SettingGroup;
  /** Other environment variables that also set it, after AIOS_<KEY>: the usual OLLAMA_HOST and the like. */
  readonly env?: readonly string[];
  /**
   * For a setting that widens what leaves the machine (the cloud, its budget): the value an unreadable
   * entry falls back to, whatever the default or the last good value would send.
   */
  readonly safe?: string | number | boolean;
}

const str = (group: SettingGroup, def: string, description: string, env?: readonly string[]): SettingSpec => ({ schema: z.string(), default: def, description, control: 'text', group, ...(env ? { env } : {}) });
const num = (group: SettingGroup, def: number, description: string, min = 0): SettingSpec => ({ schema: z.coerce.number().check(z.gte(min)), default: def, description, control: 'number', min, group });
const bool = (group: SettingGroup, def: boolean, description: string): SettingSpec => ({
  schema: z.union([z.boolean(), z.pipe(z.enum(['true', 'false']), z.transform((v) => v === 'true'))]),
  default: def,
  description,
  control: 'toggle',
  group,
});
const oneOf = (group: SettingGroup, values: readonly [string, ...string[]], def: string, description: string): SettingSpec => ({ schema: z.enum(values), default: def, description, control: 'choice', choices: values, group });
function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A schedule in the one cron grammar (contract/cron.ts): what is accepted here is exactly what fires. */
const schedule = (def: string, description: string): SettingSpec => ({
  schema: z.string().check(
    z.superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  default: def,
  description,
  control: 'schedule',
  group: 'schedules',
});
const folder = (def: string, what: string): SettingSpec => ({
  schema: z.string().check(z.regex(/^(?!\/)(?!.*\.\.)[^\\:*?"<>|]*$/, 'a folder inside the vault, without .. or a leading /')),
  default: def,
  description: `Folder for ${what}.`,
  control: 'folder',
  group: 'folders',
});

export const SETTINGS = {
  timezone: {
    ...str('general', '', 'IANA time zone of the business (Europe/Berlin); empty means the machine\'s zone. Days and local datetimes use it.'),
    // An unknown zone would make every clock throw: it is a bad value, costing this key only.
    schema: z.string().check(z.refine((v) => v === '' || knownTimeZone(v), 'is not an IANA time zone such as Europe/Berlin')),
    control: 'timezone',
  },
  base_currency: {
    ...str('general', 'EUR', 'Currency totals are reported in; other currencies need a dated exchange-rates note.'),
    schema: z.string().check(z.regex(/^[A-Z]{3}$/, 'is not an ISO 4217 currency code such as EUR')),
    control: 'currency',
  },
  log_level: oneOf('general', ['debug', 'info', 'warn', 'error'], 'info', 'Level of the structured log file in the state folder.'),
  language: oneOf('general', ['en', 'ru'], 'en', 'Language of the notes and texts the companion writes for you (digest, suggested next steps, decision records).'),

  import_folder: folder('Import', 'files to import (statements, .eml, .mbox, chat exports)'),
  import_stable_seconds: num('general', 2, 'A dropped file is taken once its size has not changed for this long.'),
  attachments_folder: folder('Attachments', 'mail attachments'),
  templates_folder: folder('Templates', 'note templates (not indexed: their blanks are not valid notes)'),
  folder_business: folder('Business', 'the business profile'),
  folder_system: folder('AIOS', 'settings and the companion lease'),
  folder_rules: folder('AIOS/Rules', 'rules tables'),
  folder_processes: folder('Processes', 'process notes'),
  folder_counterparties: folder('Counterparties', 'counterparties'),
  folder_contracts: folder('Contracts', 'contracts'),
  folder_invoices: folder('Invoices', 'invoices'),
  folder_proposals: folder('Proposals', 'proposals of new counterparties and contracts'),
  folder_queue: folder('Queue', 'the decision queue'),
  folder_decisions: folder('Decisions', 'decision records'),
  folder_mail: folder('Mail', 'mail messages'),
  folder_chats: folder('Chats', 'chat logs'),
  folder_statements: folder('Finance/Statements', 'bank statements'),
  folder_ledgers: folder('Finance/Ledgers', 'account ledgers'),
  folder_finance: folder('Finance', 'the cash position'),
  folder_rates: folder('Finance/Rates', 'exchange rates'),
  folder_reconciliation: folder('Finance/Reconciliation', 'reconciliation reports and acts of reconciliation'),
  folder_invoice_records: folder('Finance/Invoices', 'invoice records the companion keeps (found in mail, e-invoices, accounting exports, your invoice notes)'),
  folder_balances: folder('Finance/Balances', 'balances per counterparty'),
  folder_quarantine: folder('Import/Quarantine', 'files that failed to import and their reports'),
  folder_runs: folder('AIOS/Runs', 'run logs'),
  folder_costs: folder('AIOS/Costs', 'cost reports'),
  folder_digests: folder('Digests', 'digests'),
  folder_requests: folder('AIOS/Requests', 'requests to the companion (run now)'),

  mail_first_sync_days: num('mail', 30, 'How many days back the first sync of a mailbox reaches.'),
  mail_mailboxes: str('mail', 'INBOX,Sent', 'Mailboxes synced on every account unless the account lists its own.'),
  mail_attachment_max_mb: num('mail', 25, 'Larger attachments are listed with their size and not downloaded.'),
  mail_poll_seconds: num('mail', 60, 'Polling interval where the server has no IDLE.', 5),
  // mail (companion/mail): the business's own addresses besides those of the mail accounts.
  mail_own_addresses: str('mail', '', 'Comma-separated addresses or @domains of the business itself: mail from them is mail the owner sent, never a new counterparty.'),

  ollama_host: str('models', 'http://127.0.0.1:11434', 'Ollama server.', ['OLLAMA_HOST']),
  ollama_model_easy: str('models', 'qwen3:4b', 'Local model for easy tasks.'),
  ollama_model_hard: str('models', 'qwen3:8b', 'Local model for hard tasks run locally.'),
  openai_base_url: str('models', 'https://api.openai.com/v1', 'Any OpenAI-compatible API.', ['OPENAI_BASE_URL']),
  openai_model: str('models', 'gpt-4o-mini', 'Cloud model.'),
  model_timeout_seconds: num('models', 60, 'A model call that takes longer is abandoned and falls back.', 1),
  router_confidence_threshold: { ...num('models', 0.8, 'Local answers below this confidence are escalated.'), safe: 0 },
  cloud_enabled: { ...bool('models', true, 'Allow cloud calls at all.'), safe: false },
  weekly_budget_usd: { ...num('models', 0.25, 'Cloud spend per ISO week.'), safe: 0 },
  budget_exhausted: { ...oneOf('models', ['ask', 'local'], 'ask', 'When the budget is spent, hard tasks wait for the owner (ask) or run locally (local).'), safe: 'ask' },

  schedule_digest: schedule('0 6 * * *', 'Cron expression of the morning digest, in the business time zone.'),
  schedule_mail: schedule('*/15 * * * *', 'Cron expression of the mail catch-up sync (IDLE keeps mail live in between).'),
  schedule_costs: schedule('50 5 * * *', 'Cron expression of the cost report of the ISO week, made again each morning (before the digest) with the week so far.'),
  lease_ttl_seconds: num('schedules', 300, 'A companion lease not renewed for this long is taken over.', 30),
  job_timeout_seconds: num('schedules', 1800, 'A job run that takes longer is stopped (under aios run its worker is terminated), reported, and retried later.', 5),
  job_memory_mb: num('schedules', 1024, 'Memory one job run may use under aios run before it is stopped and reported.', 64),
  job_retry_minutes: num('schedules', 60, 'Longest wait before a failed scheduled job is tried again (the wait doubles from 1 minute).', 1),

  // models (companion/models): the router's probe, retries and the built-in learner.
  ollama_probe_seconds: num('models', 3, 'How long the check that Ollama is up may take before it counts as down.', 1),
  model_max_retries: num('models', 2, 'Retries of a cloud call answered 429 or 5xx (each attempt is in the cost ledger).'),
  learner_min_examples: num('models', 30, 'The built-in learner answers once it has this many labelled mails.'),
  // triage (companion/triage): what a model call about a mail may carry besides the mail.
  triage_context_tokens: num('triage', 1500, 'Budget of the context a model call about a mail carries (business profile, counterparty, contracts, decisions, thread), in tokens.'),
  schedule_learner: schedule('30 5 * * *', 'Cron expression of the learner taking the owner\'s new mail labels and corrections.'),
  // reconciliation (companion/reconcile): the daily pass and the accounting system's live feed.
  schedule_reconcile: schedule('30 4 * * *', 'Cron expression of the daily reconciliation of invoices against the bank (it also runs after every statement, invoice import and triage).'),
  reconcile_max_questions: num('reconciliation', 20, 'Open questions about doubtful payments at most; the others wait in the reconciliation report, largest first, and are asked as you answer.', 1),
  erp_odata_url: str('reconciliation', '', 'Base address of the 1C OData feed (http://host/base, where /odata/standard.odata is published); empty: no feed. Its password is the secret erp_odata_password.'),
  erp_odata_user: str('reconciliation', '', 'User of the 1C OData feed.'),
  erp_odata_since: str('reconciliation', '', 'Only documents of the feed dated on or after this day (YYYY-MM-DD); empty: all.'),
  // risk hunting (companion/risk): what is raised, and how early.
  schedule_risk: schedule('45 5 * * *', 'Cron expression of the daily risk scan (before the digest; it also runs after every statement, reconciliation and triage run).'),
  risk_contract_horizon_days: num('risk', 30, 'A contract is raised when its last day to give notice (auto-renewing) or its end falls within this many days.'),
  risk_overdue_grace_days: num('risk', 3, 'An invoice is raised as overdue once it is this many days past due and unpaid.'),
  risk_duplicate_window_days: num('risk', 7, 'Two outgoing payments to one counterparty of the same amount and near-identical purpose within this many days are raised as a possible duplicate.'),
  risk_new_payee_amount: num('risk', 0, 'A first payment to a payee never paid before is raised above this amount in the base currency; 0: above the 90th percentile of the business\'s own outgoing payments.'),
  risk_cash_floor: num('risk', 0, 'The cash position in the base currency below which it is raised.'),
  risk_runway_months: num('risk', 2, 'Runway (cash over the mean net monthly outflow of 90 days) below which it is raised; 0: never.'),
  // requests (the plugin's "run now"): how long one waits for the companion.
  request_expiry_minutes: num('requests', 60, 'A request the companion has not picked up within this many minutes expires (it is answered as expired, not run late).', 1),
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue = string | number | boolean;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** The environment variables that can set a key, strongest first. */
export function envNamesFor(key: SettingKey): string[] {
  const spec: SettingSpec = SETTINGS[key];
  return [`AIOS_${key.toUpperCase()}`, ...(spec.env ?? [])];
}

/** Validates one raw value for a key; throws with the key's name on a bad value. */
export function parseSetting(key: SettingKey, raw: unknown): SettingValue {
  const spec: SettingSpec = SETTINGS[key];
  const r = spec.schema.safeParse(raw);
  if (!r.success) throw new Error(`setting ${key}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}
