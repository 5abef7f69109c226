// A mail message as the pipeline sees it, whatever it came from (IMAP, .eml, .mbox): decoded headers,
// the body texts, and attachments that are opened as streams only when they are saved.
import { Readable } from 'node:stream';
import type { AddressObject, ParsedMail } from 'mailparser';
import { parseSimpleMessage } from './simple-message.ts';

export interface MailAddress {
  address: string;
  name: string;
}

export interface AttachmentSource {
  /** Name as the sender gave it (untrusted). */
  name: string;
  contentType: string;
  /** Decoded size in bytes (an estimate from the encoded size where the content is not yet read). */
  size: number;
  open(): Promise<Readable>;
  /** The bytes, when the whole message was read into memory anyway (small messages): written without a stream. */
  content?: Buffer;
}

export interface MailContent {
  subject: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** List-Id, List-Unsubscribe or Precedence: bulk/list: a mailing list, never a counterparty proposal. */
  list: boolean;
  /** text/plain content where the message has some. */
  text?: string;
  html?: string;
  attachments: AttachmentSource[];
}

/** Bounds for mailparser: a hostile message must not make it use unbounded memory or CPU. */
export const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
  keepCidLinks: true,
  maxHtmlLengthToParse: 5 * 1024 * 1024,
} as const;

function flattenAddresses(v: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!v) return [];
  const out: MailAddress[] = [];
  const walk = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push({ address: a.address.trim().toLowerCase(), name: (a.name ?? '').trim() });
    }
  };
  for (const o of Array.isArray(v) ? v : [v]) walk(o.value);
  return out;
}

function headerText(mail: ParsedMail, name: string): string | undefined {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'text' in v && typeof v.text === 'string') return v.text;
  if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
  return String(v);
}

/** True for mailing lists and bulk mail (List-Id, List-Unsubscribe, Precedence: bulk/list/junk). */
export function isListMail(has: (name: string) => boolean, precedence: string | undefined): boolean {
  return has('list-id') || has('list-unsubscribe') || has('list-post') || /^(bulk|list|junk)$/i.test((precedence ?? '').trim());
}

const cleanId = (s: string | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

/** Mail content from a parsed mailparser result (attachment contents are already in memory there). */
export function fromParsedMail(mail: ParsedMail): MailContent {
  const refs = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  const from = flattenAddresses(mail.from)[0];
  const text = typeof mail.text === 'string' && mail.text.trim() !== '' ? mail.text : undefined;
  const html = typeof mail.html === 'string' && mail.html.trim() !== '' ? mail.html : undefined;
  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : undefined;
  return {
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim(),
    ...(from ? { from } : {}),
    to: flattenAddresses(mail.to),
    cc: flattenAddresses(mail.cc),
    ...(date ? { date } : {}),
    ...(cleanId(mail.messageId) ? { messageId: cleanId(mail.messageId)! } : {}),
    ...(cleanId(mail.inReplyTo) ? { inReplyTo: cleanId(mail.inReplyTo)! } : {}),
    references: refs.map((r) => r.trim()).filter(Boolean),
    list: isListMail((n) => mail.headers.has(n) || mail.headerLines.some((h) => h.key === n), headerText(mail, 'precedence')),
    ...(text ? { text } : {}),
    ...(html ? { html } : {}),
    // Inline images (pasted screenshots) are attachments too: the note links them, never embeds them.
    attachments: mail.attachments.map((a, i) => ({
      name: a.filename ?? `attachment-${i + 1}${extensionFor(a.contentType)}`,
      contentType: a.contentType,
      size: a.size ?? a.content.length,
      open: async () => Readable.from([a.content]),
      content: a.content,
    })),
  };
}

/** Parses a whole raw message (a Buffer or a stream). Used for files and for small IMAP messages. */
export async function parseMessage(source: Buffer | Readable): Promise<MailContent> {
  // One text part with plain headers (most mail) is read directly; everything else by mailparser.
  const simple = Buffer.isBuffer(source) ? parseSimpleMessage(source) : undefined;
  if (simple) return simple;
  // Loaded on first need: most commands and most mail never need it.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(source, PARSER_OPTIONS);
  return fromParsedMail(mail);
}

const EXT: Record<string, string> = {
  'application/pdf': '.pdf', 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'text/plain': '.txt',
  'text/html': '.html', 'text/calendar': '.ics', 'message/rfc822': '.eml', 'application/zip': '.zip',
};

export function extensionFor(contentType: string): string {
  return EXT[contentType.toLowerCase()] ?? '.bin';
}
