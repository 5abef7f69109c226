// `.eml` and `.mbox` files dropped into the import folder go through the same pipeline as IMAP mail.
// A file that holds no readable message is quarantined with the reason; a message already ingested
// (the same file dropped twice, or a message also fetched over IMAP) is not made again.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { ImportError, type ImportFile, type Importer } from '../core/import-folder.ts';
import type { JobContext } from '../core/job.ts';
import { parseMessage } from './message.ts';
import { looksLikeMbox, splitMbox } from './mbox.ts';
import { ingestMessage, mailEnv } from './pipeline.ts';
import { ownAddresses } from './own.ts';

/** Whole .eml files above this are refused rather than parsed in memory. */
const MAX_EML_BYTES = 100 * 1024 * 1024;

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:[ \t]?/;
const MAIL_HEADER = /^(from|to|subject|date|message-id|received|return-path|mime-version|delivered-to)\s*:/im;

/** A message file: an `.eml` name, or content that starts with RFC 5322 header lines including a mail header. */
export function looksLikeEml(head: Buffer, name: string): boolean {
  if (looksLikeMbox(head)) return false;
  const text = head.subarray(0, 8192).toString('latin1').replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const headerish = HEADER_LINE.test(first) && MAIL_HEADER.test(text.split(/\r?\n\r?\n/, 1)[0] ?? '');
  // A file named .eml is ours whatever is inside: it becomes a note or a quarantine report saying why not.
  return /\.eml$/i.test(name) || (headerish && !/\.(csv|txt|json|xml|html?)$/i.test(name));
}

function fileDate(file: ImportFile): Date {
  try {
    return statSync(file.absPath).mtime;
  } catch {
    return new Date();
  }
}

export const emlImporter: Importer = {
  format: 'eml',
  sniff: looksLikeEml,
  async import(file: ImportFile, ctx: JobContext): Promise<Record<string, number>> {
    if (file.size === 0) throw new ImportError(`${file.name}: the file is empty`, 'eml');
    if (file.size > MAX_EML_BYTES) throw new ImportError(`${file.name}: ${Math.round(file.size / 1024 / 1024)} MB is more than a mail message can be here (100 MB)`, 'eml');
    const raw = readFileSync(file.absPath);
    let content;
    try {
      content = await parseMessage(raw);
    } catch (e) {
      throw new ImportError(`${file.name}: not a readable mail message (${(e as Error).message.split('\n')[0]})`, 'eml');
    }
    if (!content.from && !content.subject && !content.text && !content.html && content.attachments.length === 0) {
      throw new ImportError(`${file.name}: no sender, subject or text found: not a mail message`, 'eml');
    }
    const env = mailEnv(ctx, ownAddresses(ctx));
    const r = await ingestMessage(env, content, { kind: 'file' }, fileDate(file));
    return r.outcome === 'created' ? { mail: 1 } : { mail_known: 1 };
  },
};

export const mboxImporter: Importer = {
  format: 'mbox',
  sniff: (head) => looksLikeMbox(head),
  async import(file: ImportFile, ctx: JobContext): Promise<Record<string, number>> {
    const env = mailEnv(ctx, ownAddresses(ctx));
    const counts = { mail: 0, mail_known: 0, mail_unreadable: 0 };
    let n = 0;
    try {
      for await (const raw of splitMbox(createReadStream(file.absPath))) {
        n++;
        if (ctx.signal.aborted) throw new ImportError(`${file.name}: stopped after ${n - 1} messages; it is taken again next time`, 'mbox');
        let content;
        try {
          content = await parseMessage(raw);
        } catch (e) {
          ctx.log.warn({ file: file.path, message: n, reason: (e as Error).message }, 'unreadable message in mbox');
          counts.mail_unreadable++;
          continue;
        }
        const r = await ingestMessage(env, content, { kind: 'file' }, fileDate(file));
        if (r.outcome === 'created') counts.mail++;
        else counts.mail_known++;
      }
    } catch (e) {
      if (e instanceof ImportError) throw e;
      throw new ImportError(`${file.name}: ${(e as Error).message}`, 'mbox');
    }
    if (n === 0) throw new ImportError(`${file.name}: no messages found`, 'mbox');
    return counts;
  },
};
