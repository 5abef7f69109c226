// What makes two sightings the same message: the thread a message belongs to, the hash of its body,
// and the content key (Message-ID + body hash) that joins copies in two mailboxes or two files.
import { createHash } from 'node:crypto';
import type { MailContent } from './message.ts';

const bracket = (id: string) => {
  const t = id.trim();
  return t.startsWith('<') ? t : `<${t}>`;
};

/** Root of the thread: first of References, else In-Reply-To, else the own Message-ID, else the subject. */
export function threadKey(m: Pick<MailContent, 'references' | 'inReplyTo' | 'messageId' | 'subject'>): string {
  const first = m.references.find((r) => r.trim() !== '');
  if (first) return bracket(first.split(/\s+/)[0]!);
  if (m.inReplyTo) return bracket(m.inReplyTo.split(/\s+/)[0]!);
  if (m.messageId) return bracket(m.messageId);
  return `subject:${normaliseSubject(m.subject).toLowerCase()}`;
}

/** Subject without reply and forward prefixes (Re:, Fwd:, AW:, Отв:...). */
export function normaliseSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^\s*((re|fwd?|aw|wg|sv|vs|antw|отв|ответ|пересл|тема)\s*(\[\d+\])?\s*:\s*)/i, '');
    if (next === s) return s.trim();
    s = next;
  }
}

/**
 * Whitespace runs as one space, trimmed. Only runs that are not already a single space are replaced:
 * the same result as replacing every `\s+`, without a replacement for each gap between two words.
 */
export function collapse(s: string | undefined): string {
  return (s ?? '').replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/** Hash of the decoded body with whitespace collapsed: the same message fetched twice hashes the same. */
export function bodyHash(m: Pick<MailContent, 'text' | 'html' | 'attachments'>): string {
  const h = createHash('sha256');
  h.update(collapse(m.text));
  h.update('\u0000');
  h.update(collapse(m.html));
  for (const a of m.attachments) h.update(`\u0000${a.name}`);
  return h.digest('hex').slice(0, 16);
}

/** The key under which a message's note is remembered, whatever mailbox or file it came from. */
export function contentKey(messageId: string | undefined, hash: string): string {
  return `${messageId ?? ''}|${hash}`;
}
