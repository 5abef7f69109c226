// What each answer to a mail question does. Idempotent: a deleted note is simply gone the second time;
// the ingest log remembers the message, so a deleted note never comes back from the server.
import type { DecisionKind, JobContext } from '../core/job.ts';
import { catalogue } from '../core/i18n/index.ts';

const say = (ctx: Pick<JobContext, 'settings'>) => catalogue(ctx.settings.string('language'));

export const MAIL_DECISIONS: readonly DecisionKind[] = [
  {
    kind: 'mail_duplicate',
    options: {
      keep_both: async (_item, ctx) => ({ resolution: say(ctx)['mail.done.kept_both']() }),
      delete_newer: async (item, ctx) => {
        const note = item.targets.find((t) => t.startsWith('note:'))?.slice(5);
        if (!note) return { resolution: say(ctx)['mail.done.no_note']() };
        return { resolution: ctx.vault.removeFile(note) ? say(ctx)['mail.done.deleted']({ note }) : say(ctx)['mail.done.gone']() };
      },
    },
  },
];
