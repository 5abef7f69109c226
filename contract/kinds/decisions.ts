// What needs the owner: the decision queue, and the record of what was decided.
import { z } from 'zod';
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
      kind: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case kind'),
      title: nonEmpty,
      severity: z.enum(SEVERITIES).default('medium'),
      created: datetime,
      deadline: date.optional(),
      why: nonEmpty,
      evidence: z.array(wikilink).default([]),
      /** The options as the owner reads them. */
      options: z.array(z.string()).min(1, 'at least one option'),
      /** Their stable ids, in the same order: `answer` holds one of these (the text is accepted too). */
      option_ids: z.array(z.string().regex(OPTION_ID_RE, 'expected a snake_case option id')).default([]),
      /** What the answer acts on, in the raising module's words (`row:<ledger>#<key>`, `note:<path>`). */
      targets: z.array(z.string()).default([]),
      module: z.string().optional(),
      counterparty: wikilink.optional(),
      contract: wikilink.optional(),
      /** `resolved`: the companion closed it because its facts went away (see `resolution`). */
      status: z.enum(['open', 'decided', 'deferred', 'resolved']).default('open'),
      deferred_until: date.optional(),
      answer: z.string().optional(),
      comment: z.string().optional(),
      decided_at: datetime.optional(),
      /** When the companion acted on the answer (or closed the item); set once, never acted on again. */
      resolved_at: datetime.optional(),
      /** What the companion did, or why not. */
      resolution: z.string().optional(),
      /** The decision record made from the answer. */
      record: wikilink.optional(),
    })
    .refine((v) => v.status !== 'deferred' || v.deferred_until !== undefined, {
      message: 'a deferred item needs deferred_until',
      path: ['deferred_until'],
    })
    .refine((v) => v.status !== 'decided' || (v.answer ?? '') !== '', {
      message: 'a decided item needs an answer',
      path: ['answer'],
    })
    .refine((v) => v.option_ids.length === 0 || v.option_ids.length === v.options.length, {
      message: 'option_ids and options must be lists of the same length',
      path: ['option_ids'],
    }),
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
    status: z.enum(['decided', 'superseded', 'revisit']).default('decided'),
    decided_by: z.string().optional(),
    related: z.array(wikilink).default([]),
    queue_item: wikilink.optional(),
    /** The finding the item was about, its kind and the option chosen: what later passes remember. */
    finding_key: z.string().optional(),
    decision_kind: z.string().optional(),
    option: z.string().optional(),
    counterparty: wikilink.optional(),
    contract: wikilink.optional(),
  }),
  // One made from a queue item carries its finding's hash, longer than the item's own: never the item's name.
  fileName: (fm) => safeFileName(`${fm.date} ${fm.title}`, 80) + (fm.finding_key ? ` ${shortHash(`record:${fm.finding_key}`, 8)}` : ''),
});
