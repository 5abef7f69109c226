// What needs the owner: the decision queue, and the record of what was decided.
import * as z from 'zod/mini';
import { defineKind } from '../kind.ts';
import { date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A stable option id: what an answer acts on, whatever language the option's text is shown in. */
export const OPTION_ID_RE = /^[a-z][a-z0-9_]*$/;

export const decisionItem = defineKind({
  kind: 'decision_item',
  title: 'Decision-queue item',
  description: 'A question only the owner can answer, raised once per finding: why, the evidence, the options, and the answer; the companion acts on the answer once and records what it did.',
  folderSetting: 'folder_queue',
  defaultFolder: 'Queue',
  owner: 'companion',
  otherSideMay: ['status', 'answer', 'comment', 'deferred_until', 'decided_at'],
  schema: z
    .object({
      /**
       * Stable identity of the finding plus every fact it rests on (`contract-notice:<id>:<end>:<notice_days>`):
       * the same finding never makes two items, a changed fact makes a new one.
       */
      finding_key: nonEmpty,
      /** What sort of question: `balance_mismatch`, `possible_duplicate`, `budget_exhausted`, `contract_notice`, ... */
      kind: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case kind')),
      title: nonEmpty,
      severity: z._default(z.enum(SEVERITIES), 'medium'),
      created: datetime,
      deadline: z.optional(date),
      why: nonEmpty,
      evidence: z._default(z.array(wikilink), []),
      /** The options as the owner reads them. */
      options: z.array(z.string()).check(z.minLength(1, 'at least one option')),
      /** Their stable ids, in the same order: `answer` holds one of these (the text is accepted too). */
      option_ids: z._default(z.array(z.string().check(z.regex(OPTION_ID_RE, 'expected a snake_case option id'))), []),
      /** What the answer acts on, in the raising module's words (`row:<ledger>#<key>`, `note:<path>`). */
      targets: z._default(z.array(z.string()), []),
      module: z.optional(z.string()),
      counterparty: z.optional(wikilink),
      contract: z.optional(wikilink),
      /** `resolved`: the companion closed it because its facts went away (see `resolution`). */
      status: z._default(z.enum(['open', 'decided', 'deferred', 'resolved']), 'open'),
      deferred_until: z.optional(date),
      answer: z.optional(z.string()),
      comment: z.optional(z.string()),
      decided_at: z.optional(datetime),
      /** When the companion acted on the answer (or closed the item); set once, never acted on again. */
      resolved_at: z.optional(datetime),
      /** What the companion did, or why not. */
      resolution: z.optional(z.string()),
      /** The decision record made from the answer. */
      record: z.optional(wikilink),
    })
    .check(
      z.refine((v) => v.status !== 'deferred' || v.deferred_until !== undefined, {
        message: 'a deferred item needs deferred_until',
        path: ['deferred_until'],
      }),
      z.refine((v) => v.status !== 'decided' || (v.answer ?? '') !== '', {
        message: 'a decided item needs an answer',
        path: ['answer'],
      }),
      z.refine((v) => v.option_ids.length === 0 || v.option_ids.length === v.options.length, {
        message: 'option_ids and options must be lists of the same length',
        path: ['option_ids'],
      }),
    ),
  fileName: (fm) => safeFileName(`${fm.created.slice(0, 10)} ${fm.title}`, 70) + ' ' + shortHash(fm.finding_key, 6),
});

/** The option an answer names: its id, or its text (any case, spacing), or undefined for a free-text answer. */
export function answeredOption(item: { options: readonly string[]; option_ids?: readonly string[] }, answer: string | undefined): string | undefined {
  if (!answer) return undefined;
  const a = answer.trim();
  const ids = item.option_ids?.length ? item.option_ids : item.options.map((o) => (OPTION_ID_RE.test(o) ? o : ''));
  if (ids.includes(a)) return a;
  const plain = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s_]+/g, ' ').replace(/[.!]+$/, '').trim();
  const i = item.options.findIndex((o) => plain(o) === plain(a));
  if (i >= 0 && ids[i]) return ids[i];
  const j = ids.findIndex((id) => id !== '' && plain(id) === plain(a));
  return j >= 0 ? ids[j] : undefined;
}

export const decisionRecord = defineKind({
  kind: 'decision_record',
  title: 'Decision record',
  description: 'A decision the owner made and why, kept as permanent memory of the business; the companion creates one for every answered queue item, then it is the owner\'s.',
  folderSetting: 'folder_decisions',
  defaultFolder: 'Decisions',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    title: nonEmpty,
    date,
    status: z._default(z.enum(['decided', 'superseded', 'revisit']), 'decided'),
    decided_by: z.optional(z.string()),
    related: z._default(z.array(wikilink), []),
    queue_item: z.optional(wikilink),
    /** The finding the item was about, its kind and the option chosen: what later passes remember. */
    finding_key: z.optional(z.string()),
    decision_kind: z.optional(z.string()),
    option: z.optional(z.string()),
    counterparty: z.optional(wikilink),
    contract: z.optional(wikilink),
  }),
  // One made from a queue item carries its finding's hash, longer than the item's own: never the item's name.
  fileName: (fm) => safeFileName(`${fm.date} ${fm.title}`, 80) + (fm.finding_key ? ` ${shortHash(`record:${fm.finding_key}`, 8)}` : ''),
});
