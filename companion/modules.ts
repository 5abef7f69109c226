// The registered jobs, in the fixed order `aios once all` runs them: data in first (statements), then
// the passes over it, then reports. A new capability adds one line here. The model service is plugged
// in here too, last, so it can be swapped without touching any module.
import type { Job } from './core/job.ts';
import type { ModelFactory } from './core/runtime.ts';
import { mailJob } from './mail/index.ts';
import { chatsJob } from './chats/index.ts';
import { statementsJob } from './statements/index.ts';
import { learnerJob } from './models/learn-job.ts';
import { costsJob } from './costs/index.ts';
import { createModels } from './models/index.ts';

export const JOBS: readonly Job[] = [mailJob, chatsJob, statementsJob, learnerJob, costsJob];

export const MODELS: ModelFactory = (ctx, jobName) => createModels(ctx, jobName);
