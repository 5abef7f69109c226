// A message as a note: frontmatter per the contract's `mail_message` kind, then a short header and
// the body, every untrusted string through the neutraliser. Pure: paths and links are decided before.
import { KIND_KEY, linkTo, type Frontmatter } from '../../contract/index.ts';
import { htmlToMarkdown, textToMarkdown } from './html.ts';
import { neutraliseMarkdown } from '../core/neutralise.ts';
import { threadKey } from './identity.ts';
import { formatSize } from './attachments.ts';
import type { MailAddress, MailContent } from './message.ts';

export type MailOrigin =
  | { kind: 'imap'; account: string; mailbox: string; uidvalidity: number; uid: number; emailId?: string }
  | { kind: 'file' };

export interface RenderedAttachment {
  /** Sanitised name. */
  name: string;
  size: number;
  /** Vault-relative path when saved; absent when it was too large or could not be read. */
  path?: string;
  skipped?: string;
}

export interface MailRenderInput {
  content: MailContent;
  /** Local datetime YYYY-MM-DDTHH:mm:ss. */
  date: string;
  bodyHash: string;
  origin: MailOrigin;
  counterparty?: string;
  attachments: RenderedAttachment[];
}

/** Bodies beyond this are cut: a note is for reading, the original stays on the server or in the archive. */
export const MAX_BODY_CHARS = 200_000;

/** Property text: no wikilinks from outside, no line breaks. */
export function propertyText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/\[\[/g, '[ [').replace(/\]\]/g, '] ]').trim();
}

const addr = (a: MailAddress) => (a.name ? `${a.name} (${a.address})` : a.address);

export function renderBody(content: Pick<MailContent, 'text' | 'html'>): string {
  let md = content.text !== undefined ? textToMarkdown(content.text) : content.html !== undefined ? htmlToMarkdown(content.html) : '';
  if (md.length > MAX_BODY_CHARS) md = `${md.slice(0, MAX_BODY_CHARS)}\n\n*(text cut at ${MAX_BODY_CHARS} characters)*`;
  return md === '' ? '*(no text)*' : md;
}

type MailFrontmatter = Frontmatter<'mail_message'> & { [KIND_KEY]: 'mail_message' };

/** The note's properties alone: enough for its path (the body is rendered once, later). */
export function mailFrontmatter(input: MailRenderInput): MailFrontmatter {
  const c = input.content;
  const o = input.origin;
  return {
    [KIND_KEY]: 'mail_message' as const,
    subject: propertyText(c.subject),
    from: c.from?.address ?? '',
    ...(c.from?.name ? { from_name: propertyText(c.from.name) } : {}),
    to: c.to.map((a) => a.address),
    cc: c.cc.map((a) => a.address),
    date: input.date,
    ...(c.messageId ? { message_id: propertyText(c.messageId) } : {}),
    thread_key: propertyText(threadKey(c)),
    source: o.kind,
    ...(o.kind === 'imap'
      ? { account: o.account, mailbox: o.mailbox, uidvalidity: o.uidvalidity, uid: o.uid, ...(o.emailId ? { email_id: o.emailId } : {}) }
      : {}),
    body_hash: input.bodyHash,
    ...(input.counterparty ? { counterparty: linkTo(input.counterparty) } : {}),
    attachments: input.attachments.map((a) => (a.path ? linkTo(a.path) : a.name)),
    list: c.list,
    status: 'new' as const,
  };
}

export function renderMail(input: MailRenderInput): { frontmatter: MailFrontmatter; body: string } {
  const c = input.content;
  const frontmatter = mailFrontmatter(input);
  const header = [
    `# ${c.subject || '(no subject)'}`,
    '',
    `**From:** ${c.from ? addr(c.from) : '(unknown)'}  `,
    ...(c.to.length ? [`**To:** ${c.to.map(addr).join(', ')}  `] : []),
    ...(c.cc.length ? [`**Cc:** ${c.cc.map(addr).join(', ')}  `] : []),
    `**Date:** ${input.date.replace('T', ' ').slice(0, 16)}`,
  ].map((l) => neutraliseMarkdown(l.replace(/[\r\n]+/g, ' ')));
  const att = input.attachments.map((a) =>
    a.path ? `- [[${a.path}|${a.name}]] (${formatSize(a.size)})` : `- ${neutraliseMarkdown(a.name)} (${formatSize(a.size)}, ${a.skipped ?? 'not saved'})`,
  );
  const parts = [header.join('\n')];
  if (att.length) parts.push(`**Attachments:**\n${att.join('\n')}`);
  parts.push('---', renderBody(c));
  return { frontmatter, body: parts.join('\n\n') + '\n' };
}
