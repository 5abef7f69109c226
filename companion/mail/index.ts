// The mail module: IMAP accounts and dropped .eml/.mbox files into one note per message.
import type { Job, JobContext, JobResult } from '../core/job.ts';
import { AccountError, parseAccounts, type MailAccount } from './accounts.ts';
import { emlImporter, mboxImporter } from './importers.ts';
import { mailEnv, relinkMail } from './pipeline.ts';
import { ownAddresses } from './own.ts';

/** IMAP (imapflow, mailparser: a quarter second and 20 MB) is loaded when an account is synced, not by every command. */
const imap = () => import('./sync.ts');

export const MAIL_IMPORTERS = [emlImporter, mboxImporter] as const;

function accounts(ctx: JobContext): MailAccount[] {
  return parseAccounts(ctx.settings.rules('mail_accounts'), ctx.settings.string('mail_mailboxes'));
}


/** The live loop: every account served until the signal aborts. */
export async function serveMail(ctx: JobContext): Promise<JobResult> {
  let list: MailAccount[];
  try {
    list = accounts(ctx);
  } catch (e) {
    if (e instanceof AccountError) return { status: 'failed', summary: e.message };
    throw e;
  }
  if (list.length === 0) return { status: 'skipped', summary: 'no mail account configured' };
  const env = mailEnv(ctx, list.map((a) => a.address));
  const { serveAccount } = await imap();
  let created = 0;
  await Promise.all(list.map((a) => serveAccount(ctx, env, a, (c) => (created += c.created))));
  return { status: 'ok', summary: `live mail stopped; ${created} new message(s) while it ran`, counts: { mail: created } };
}

/** One pass: files waiting in the import folder, then every account once. */
export async function syncMailOnce(ctx: JobContext, opts: { imap: boolean }): Promise<JobResult> {
  const imported = await ctx.importFiles(MAIL_IMPORTERS);
  let list: MailAccount[] = [];
  try {
    list = opts.imap ? accounts(ctx) : [];
  } catch (e) {
    if (e instanceof AccountError) return { status: 'failed', summary: e.message };
    throw e;
  }
  const counts: Record<string, number> = { mail: imported.counts.mail ?? 0, mail_known: imported.counts.mail_known ?? 0, quarantined: imported.quarantined };
  // Mail of a counterparty created since (an accepted proposal) is linked without a re-import.
  const linked = relinkMail(ctx, ownAddresses(ctx));
  if (list.length === 0 && imported.imported === 0 && imported.quarantined === 0) {
    return linked > 0
      ? { status: 'ok', summary: `${linked} message(s) linked to counterparties; no mail account configured`, counts: { linked } }
      : { status: 'skipped', summary: 'no mail account configured' };
  }
  if (linked) counts.linked = linked;
  const problems: string[] = [];
  if (list.length) {
    const env = mailEnv(ctx, list.map((a) => a.address));
    const { syncAccountOnce } = await imap();
    for (const account of list) {
      if (ctx.signal.aborted) break;
      try {
        const c = await syncAccountOnce(ctx, env, account);
        counts.mail! += c.created;
        counts.mail_known! += c.known;
        counts.unreadable = (counts.unreadable ?? 0) + c.failed;
      } catch (e) {
        problems.push(`${account.name}: ${(e as Error).message}`);
      }
    }
  }
  const parts = [`${counts.mail} new message(s)`];
  if (linked) parts.push(`${linked} linked to counterparties`);
  if (imported.imported) parts.push(`${imported.imported} file(s) imported`);
  if (imported.quarantined) parts.push(`${imported.quarantined} quarantined`);
  if (counts.unreadable) parts.push(`${counts.unreadable} unreadable`);
  if (problems.length) parts.push(problems.join('; '));
  const failed = problems.length > 0 && problems.length === list.length && imported.imported === 0;
  return { status: failed ? 'failed' : 'ok', summary: parts.join(', '), counts };
}

export const mailJob: Job = {
  name: 'mail',
  stage: 'data',
  description: 'Mail from IMAP accounts and dropped .eml/.mbox files, one note per message, linked to counterparties.',
  triggers: [{ kind: 'service' }, { kind: 'schedule', setting: 'schedule_mail' }, { kind: 'import' }],
  importers: MAIL_IMPORTERS,
  async run(ctx) {
    if (ctx.trigger === 'service') return serveMail(ctx);
    return syncMailOnce(ctx, { imap: ctx.trigger !== 'import' });
  },
};
