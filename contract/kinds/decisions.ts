// What needs the owner: the decision queue, and the record of what was decided.
import { z } from 'zod';
import { defineKind } from '../kind.ts';
import { date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName, shortHash } from '../names.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const decisionItem = defineKind({
  kind: 'decision_item',
  title: 'Decision-queue item',
  description: 'A question only the owner can answer, raised once per finding: why, the evidence, the options, and the answer.',
  folderSetting: 'folder_queue',
  defaultFolder: 'Queue',
  owner: 'companion',
  otherSideMay: ['status', 'answer', 'comment', 'deferred_until', 'decided_at'],
  schema: z
    .object({
      /** Stable key of the finding (`statement-balance:<file hash>`): the same finding never makes two items. */
      finding_key: nonEmpty,
      /** What sort of question: `balance_mismatch`, `possible_duplicate`, `budget_exhausted`, `contract_expiry`, ... */
      kind: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case kind'),
      title: nonEmpty,
      severity: z.enum(SEVERITIES).default('medium'),
      created: datetime,
      deadline: date.optional(),
      why: nonEmpty,
      evidence: z.array(wikilink).default([]),
      options: z.array(z.string()).min(1, 'at least one option'),
      module: z.string().optional(),
      status: z.enum(['open', 'decided', 'deferred']).default('open'),
      deferred_until: date.optional(),
      answer: z.string().optional(),
      comment: z.string().optional(),
      decided_at: datetime.optional(),
    })
    .refine((v) => v.status !== 'deferred' || v.deferred_until !== undefined, {
      message: 'a deferred item needs deferred_until',
      path: ['deferred_until'],
    })
    .refine((v) => v.status !== 'decided' || (v.answer ?? '') !== '', {
      message: 'a decided item needs an answer',
      path: ['answer'],
    }),
  fileName: (fm) => safeFileName(`${fm.created.slice(0, 10)} ${fm.title}`, 70) + ' ' + shortHash(fm.finding_key, 6),
});

export const decisionRecord = defineKind({
  kind: 'decision_record',
  title: 'Decision record',
  description: 'A decision the owner made and why, kept as permanent memory of the business.',
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
  }),
  fileName: (fm) => safeFileName(`${fm.date} ${fm.title}`),
});
