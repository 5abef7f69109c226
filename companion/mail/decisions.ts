// What each answer to a mail question does. Idempotent: a deleted note is simply gone the second time;
// the ingest log remembers the message, so a deleted note never comes back from the server.
import type { DecisionKind } from '../core/job.ts';

export const MAIL_DECISIONS: readonly DecisionKind[] = [
  {
    kind: 'mail_duplicate',
    options: {
      keep_both: async () => ({ resolution: 'Kept both versions.' }),
      delete_newer: async (item, ctx) => {
        const note = item.targets.find((t) => t.startsWith('note:'))?.slice(5);
        if (!note) return { resolution: 'The item names no note: nothing deleted.' };
        return ctx.vault.removeFile(note) ? { resolution: `Deleted the newer note (${note}); it will not be synced again.` } : { resolution: 'The newer note was already gone.' };
      },
    },
  },
];
