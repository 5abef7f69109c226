// The registered jobs, in the fixed order `aios once all` runs them: data in first (mail, chats,
// statements), then the passes over it, then reports. A new capability adds one line here.
import type { Job } from './core/job.ts';
import { statementsJob } from './statements/index.ts';

export const JOBS: readonly Job[] = [statementsJob];
