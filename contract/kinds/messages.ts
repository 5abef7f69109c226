// Conversations that land by themselves: mail messages and chat logs.
import * as z from 'zod/mini';
import { defineKind } from '../kind.ts';
import { date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';

export const MAIL_STATUSES = ['new', 'needs_reply', 'waiting', 'done', 'archived'] as const;
export const PRIORITIES = ['high', 'normal', 'low'] as const;
/** Who gave an item its triage: an owner's rule, its thread (a reply, the owner's own mail), the built-in learner, the local model, the cloud model. */
export const TRIAGED_BY = ['rule', 'thread', 'learner', 'local_model', 'cloud'] as const;

const amount = z.number();
const currencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR'));

/**
 * What triage gives every mail and chat day. Each key is one the owner may change: a correction stands
 * (and teaches the learner), while the companion may still revise a key that holds its own last guess.
 * Facts are found in the text itself (no figure that is not in it); an invoice's are kept together.
 */
const triage = {
  category: z.optional(z.string()),
  priority: z.optional(z.enum(PRIORITIES)),
  /** One line, in the language of the message. */
  summary: z.optional(z.string()),
  /** A suggestion for the owner, never an action. */
  next_step: z.optional(z.string()),
  triaged_by: z.optional(z.enum(TRIAGED_BY)),
  confidence: z.optional(z.number().check(z.gte(0), z.lte(1))),
  invoice_number: z.optional(z.string()),
  invoice_date: z.optional(date),
  invoice_amount: z.optional(amount),
  invoice_vat: z.optional(amount),
  invoice_currency: z.optional(currencyCode),
  invoice_due: z.optional(date),
  act_number: z.optional(z.string()),
  contract_number: z.optional(z.string()),
  /** A deadline the message sets (a reply within 10 days, a court date). */
  deadline: z.optional(date),
  /** Bank details the message gives. */
  bank_account: z.optional(z.string()),
  bank_bic: z.optional(z.string()),
  /** The counterparty's tax id, when the message states it. */
  tax_id: z.optional(z.string()),
};

/** The keys triage writes, all of them the owner's to change. */
export const TRIAGE_KEYS = Object.keys(triage) as (keyof typeof triage)[];

export const mailMessage = defineKind({
  kind: 'mail_message',
  title: 'Mail message',
  description: 'One message from an IMAP mailbox or a dropped .eml/.mbox file, its body neutralised into plain Markdown.',
  folderSetting: 'folder_mail',
  defaultFolder: 'Mail',
  owner: 'companion',
  otherSideMay: ['status', 'counterparty', 'tags', ...TRIAGE_KEYS],
  schema: z.object({
    subject: z.string(),
    from: z.string(),
    from_name: z.optional(z.string()),
    to: z._default(z.array(z.string()), []),
    cc: z._default(z.array(z.string()), []),
    /** Local datetime in the owner's time zone. */
    date: datetime,
    message_id: z.optional(z.string()),
    /** Root of the thread (first of References, else In-Reply-To, else own Message-ID). */
    thread_key: z.string(),
    /** `imap` for a mailbox, `file` for a dropped .eml or .mbox. */
    source: z.enum(['imap', 'file']),
    account: z.optional(z.string()),
    mailbox: z.optional(z.string()),
    uidvalidity: z.optional(z.number().check(z.int())),
    uid: z.optional(z.number().check(z.int())),
    email_id: z.optional(z.string()),
    /** Hash of the normalised body: with Message-ID, identifies the same message seen twice. */
    body_hash: z.string(),
    counterparty: z.optional(wikilink),
    attachments: z._default(z.array(z.string()), []),
    /** From a mailing list (List-Id or List-Unsubscribe): never proposes a counterparty. */
    list: z._default(z.boolean(), false),
    status: z._default(z.enum(MAIL_STATUSES), 'new'),
    /** The owner's decision on a claim in this thread, linked by the risk scan from the mail that came after it. */
    decision: z.optional(wikilink),
    ...triage,
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
  otherSideMay: ['status', 'counterparty', 'tags', ...TRIAGE_KEYS],
  schema: z.object({
    chat: nonEmpty,
    chat_id: z.string(),
    source: z.enum(['telegram']),
    date,
    participants: z._default(z.array(z.string()), []),
    counterparty: z.optional(wikilink),
    message_count: z.number().check(z.int(), z.nonnegative()),
    first_message_id: z.string(),
    last_message_id: z.string(),
    status: z._default(z.enum(MAIL_STATUSES), 'new'),
    ...triage,
  }),
  fileName: (fm) => safeFileName(`${fm.chat} ${fm.date}`, 90),
});
