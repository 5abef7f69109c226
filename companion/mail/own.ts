// The business's own addresses: those of the configured accounts (mail from them was sent by the owner).
import type { JobContext } from '../core/job.ts';
import { parseAccounts } from './accounts.ts';

export function ownAddresses(ctx: JobContext): string[] {
  try {
    return parseAccounts(ctx.settings.rules('mail_accounts'), ctx.settings.string('mail_mailboxes')).map((a) => a.address);
  } catch {
    return [];
  }
}
