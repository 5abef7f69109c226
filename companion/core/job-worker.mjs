// Entry of a job's worker thread: TypeScript through tsx, as the `aios` command itself runs.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
