// What each answer to a mail question does. Idempotent: a deleted note is simply gone the second time;
// the ingest log remembers the message, so a deleted note never comes back from the server.
import type { DecisionKind } from '../core/job.ts';
import { catalogueFor } from '../core/i18n/index.ts';

export const MAIL_DECISIONS: readonly DecisionKind[] = [
  {
    kind: 'mail_duplicate',
    options: {
      keep_both: async (_item, ctx) => ({ resolution: catalogueFor(ctx)['mail.done.kept_both']() }),
      delete_newer: async (item, ctx) => {
        const note = item.targets.find((t) => t.startsWith('note:'))?.slice(5);
        if (!note) return { resolution: catalogueFor(ctx)['mail.done.no_note']() };
        return { resolution: ctx.vault.removeFile(note) ? catalogueFor(ctx)['mail.done.deleted']({ note }) : catalogueFor(ctx)['mail.done.gone']() };
      },
    },
  },
];
