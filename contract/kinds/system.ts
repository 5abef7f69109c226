// What the companion reports about its own work: imports, runs, costs, digests, and who holds the vault.
import { z } from 'zod';
import { defineKind } from '../kind.ts';
import { date, datetime, nonEmpty, wikilink } from '../properties.ts';
import { safeFileName } from '../names.ts';

export const importReport = defineKind({
  kind: 'import_report',
  title: 'Import report',
  description: 'A file from the import folder that could not be imported: where it was put and why.',
  folderSetting: 'folder_quarantine',
  defaultFolder: 'Import/Quarantine',
  owner: 'companion',
  otherSideMay: ['status', 'comment'],
  schema: z.object({
    file: nonEmpty,
    original_name: nonEmpty,
    reason: nonEmpty,
    detected_format: z.string().optional(),
    created: datetime,
    status: z.enum(['open', 'resolved', 'ignored']).default('open'),
    comment: z.string().optional(),
  }),
  fileName: (fm) => safeFileName(`${fm.file} report`, 100),
});

export const runLog = defineKind({
  kind: 'run_log',
  title: 'Run log',
  description: 'What the companion ran on one day and with what result, one table row per run.',
  folderSetting: 'folder_runs',
  defaultFolder: 'AIOS/Runs',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    date,
    runs: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
    updated: datetime,
  }),
  fileName: (fm) => `${fm.date} Run log`,
});

export const costReport = defineKind({
  kind: 'cost_report',
  title: 'Cost report',
  description: 'A week of model calls: spend, share kept local, calls by module and provider.',
  folderSetting: 'folder_costs',
  defaultFolder: 'AIOS/Costs',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    week: z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'expected an ISO week YYYY-Www'),
    period_start: date,
    period_end: date,
    calls: z.number().int().nonnegative(),
    local_calls: z.number().int().nonnegative(),
    local_share: z.number().min(0).max(1),
    spend_usd: z.number().nonnegative(),
    budget_usd: z.number().nonnegative(),
    escalations: z.number().int().nonnegative().default(0),
    /** Autonomy: minutes of the owner's work the week's runs stood in for (by the autonomy rules note), and the questions that needed them. */
    autonomy_minutes: z.number().nonnegative().optional(),
    owner_items: z.number().int().nonnegative().optional(),
    generated: datetime,
  }),
  fileName: (fm) => `${fm.week} Cost report`,
});

export const digest = defineKind({
  kind: 'digest',
  title: 'Digest',
  description: 'The morning note: what happened overnight and the few questions that need the owner.',
  folderSetting: 'folder_digests',
  defaultFolder: 'Digests',
  owner: 'companion',
  derived: true,
  otherSideMay: ['tags'],
  schema: z.object({
    date,
    generated: datetime,
    questions: z.number().int().nonnegative(),
    open_items: z.array(wikilink).default([]),
  }),
  fileName: (fm) => `${fm.date} Digest`,
});

/**
 * The digest's section for the owner, by language: what is written under it is kept when the digest is
 * made again and is no part of the note's hash.
 */
export const DIGEST_OWNER_HEADING = { en: '## My notes', ru: '## Мои заметки' } as const;

export const lease = defineKind({
  kind: 'lease',
  title: 'Companion lease',
  description: 'Which machine runs the companion for this vault, so a second machine syncing the vault does not ingest too.',
  folderSetting: 'folder_system',
  defaultFolder: 'AIOS',
  owner: 'companion',
  derived: true,
  otherSideMay: [],
  schema: z.object({
    host: nonEmpty,
    pid: z.number().int(),
    started: datetime,
    heartbeat: datetime,
    /** A heartbeat older than this many seconds means the holder is gone. */
    ttl_seconds: z.number().int().positive(),
  }),
  singleton: true,
  fileName: () => 'Companion lease',
});
