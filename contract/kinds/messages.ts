// Conversations that land by themselves: mail messages and chat logs.
import { z } from 'zod';
import { defineKind } from '../kind.ts';
import { date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';

export const MAIL_STATUSES = ['new', 'needs_reply', 'waiting', 'done', 'archived'] as const;

export const mailMessage = defineKind({
  kind: 'mail_message',
  title: 'Mail message',
  description: 'One message from an IMAP mailbox or a dropped .eml/.mbox file, its body neutralised into plain Markdown.',
  folderSetting: 'folder_mail',
  defaultFolder: 'Mail',
  owner: 'companion',
  otherSideMay: ['status', 'category', 'counterparty', 'tags'],
  schema: z.object({
    subject: z.string(),
    from: z.string(),
    from_name: z.string().optional(),
    to: z.array(z.string()).default([]),
    cc: z.array(z.string()).default([]),
    /** Local datetime in the owner's time zone. */
    date: datetime,
    message_id: z.string().optional(),
    /** Root of the thread (first of References, else In-Reply-To, else own Message-ID). */
    thread_key: z.string(),
    /** `imap` for a mailbox, `file` for a dropped .eml or .mbox. */
    source: z.enum(['imap', 'file']),
    account: z.string().optional(),
    mailbox: z.string().optional(),
    uidvalidity: z.number().int().optional(),
    uid: z.number().int().optional(),
    email_id: z.string().optional(),
    /** Hash of the normalised body: with Message-ID, identifies the same message seen twice. */
    body_hash: z.string(),
    counterparty: wikilink.optional(),
    attachments: z.array(z.string()).default([]),
    /** From a mailing list (List-Id or List-Unsubscribe): never proposes a counterparty. */
    list: z.boolean().default(false),
    status: z.enum(MAIL_STATUSES).default('new'),
    category: z.string().optional(),
  }),
  fileName: (fm) =>
    `${fm.date.slice(0, 4)}/${fm.date.slice(5, 7)}/` +
    safeFileName(`${fm.date.slice(0, 10)} ${fm.date.slice(11, 13)}${fm.date.slice(14, 16)} ${fm.subject || 'No subject'}`, 70) +
    ' ' +
    shortHash(`${fm.message_id ?? ''}|${fm.body_hash}`, 8),
});

export const chatLog = defineKind({
  kind: 'chat_log',
  title: 'Chat log',
  description: 'One chat on one day, from a chat export (Telegram Desktop result.json).',
  folderSetting: 'folder_chats',
  defaultFolder: 'Chats',
  owner: 'companion',
  otherSideMay: ['counterparty', 'tags'],
  schema: z.object({
    chat: nonEmpty,
    chat_id: z.string(),
    source: z.enum(['telegram']),
    date,
    participants: z.array(z.string()).default([]),
    counterparty: wikilink.optional(),
    message_count: z.number().int().nonnegative(),
    first_message_id: z.string(),
    last_message_id: z.string(),
  }),
  fileName: (fm) => safeFileName(`${fm.chat} ${fm.date}`, 90),
});
