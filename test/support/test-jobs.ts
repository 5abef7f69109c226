// A job registry for tests of isolation: what a worker thread loads in place of companion/modules.ts.
import type { Job } from '../../companion/core/job.ts';

export const JOBS: readonly Job[] = [
  {
    name: 'busy',
    stage: 'data',
    description: 'Loops without ever yielding.',
    triggers: [{ kind: 'schedule', cron: '0 6 * * *' }],
    timeoutSeconds: 2,
    run: async () => {
      for (;;) {
        // a busy loop: no await, no way for a signal to reach it
      }
    },
  },
  {
    name: 'hog',
    stage: 'data',
    description: 'Holds more and more memory.',
    triggers: [{ kind: 'schedule', cron: '0 6 * * *' }],
    run: async () => {
      const keep: number[][] = [];
      for (;;) {
        keep.push(new Array<number>(1_000_000).fill(keep.length));
        await new Promise((r) => setImmediate(r));
      }
    },
  },
  {
    name: 'writer',
    stage: 'reports',
    description: 'Writes a note, after the others.',
    triggers: [{ kind: 'schedule', cron: '0 6 * * *' }],
    run: async (ctx) => {
      ctx.vault.createNote('Digests/written by a worker.md', { note: ctx.clock.localDateTime() }, 'hello\n');
      return { status: 'ok', summary: `wrote at ${ctx.clock.localDateTime()}` };
    },
  },
];
