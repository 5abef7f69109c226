// The registered modules, in the fixed order `aios once all` runs their jobs: answers first (what the
// owner decided takes effect before new data arrives), data in (mail, chats, statements), then the
// passes over it, then reports. A new capability adds one module here. The model service is plugged in
// here too, last, so it can be swapped without touching any module.
import type { Job, Module } from './core/job.ts';
import type { ModelFactory } from './core/runtime.ts';
import { answersJob } from './core/answers.ts';
import { mailJob } from './mail/index.ts';
import { MAIL_DECISIONS } from './mail/decisions.ts';
import { chatsJob } from './chats/index.ts';
import { statementsJob } from './statements/index.ts';
import { STATEMENT_DECISIONS } from './statements/decisions.ts';
import { triageJob } from './triage/index.ts';
import { invoicesJob, reconcileJob } from './reconcile/index.ts';
import { RECONCILE_DECISIONS } from './reconcile/decisions.ts';
import { riskJob } from './risk/index.ts';
import { RISK_DECISIONS } from './risk/decisions.ts';
import { learnerJob } from './models/learn-job.ts';
import { MODEL_DECISIONS } from './models/decisions.ts';
import { costsJob } from './costs/index.ts';
import { digestJob } from './digest/index.ts';
import { createModels } from './models/index.ts';

export const MODULES: readonly Module[] = [
  { name: 'mail', jobs: [mailJob], decisions: MAIL_DECISIONS },
  { name: 'chats', jobs: [chatsJob] },
  { name: 'statements', jobs: [statementsJob], decisions: STATEMENT_DECISIONS },
  { name: 'triage', jobs: [triageJob] },
  { name: 'reconcile', jobs: [invoicesJob, reconcileJob], decisions: RECONCILE_DECISIONS },
  { name: 'risk', jobs: [riskJob], decisions: RISK_DECISIONS },
  { name: 'models', jobs: [learnerJob], decisions: MODEL_DECISIONS },
  { name: 'costs', jobs: [costsJob] },
  { name: 'digest', jobs: [digestJob] },
];

export const JOBS: readonly Job[] = [answersJob(MODULES), ...MODULES.flatMap((m) => m.jobs)];

export const MODELS: ModelFactory = (ctx, jobName) => createModels(ctx, jobName);
