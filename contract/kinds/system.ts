// What the companion reports about its own work: imports, runs, costs, digests, and who holds the vault;
// and what the owner asks it to run now.
import * as z from 'zod/mini';
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
    detected_format: z.optional(z.string()),
    created: datetime,
    status: z._default(z.enum(['open', 'resolved', 'ignored']), 'open'),
    comment: z.optional(z.string()),
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
    runs: z.number().check(z.int(), z.nonnegative()),
    failures: z.number().check(z.int(), z.nonnegative()),
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
    week: z.string().check(z.regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'expected an ISO week YYYY-Www')),
    period_start: date,
    period_end: date,
    calls: z.number().check(z.int(), z.nonnegative()),
    local_calls: z.number().check(z.int(), z.nonnegative()),
    local_share: z.number().check(z.gte(0), z.lte(1)),
    spend_usd: z.number().check(z.nonnegative()),
    budget_usd: z.number().check(z.nonnegative()),
    escalations: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    /** Autonomy: minutes of the owner's work the week's runs stood in for (by the autonomy rules note), and the questions that needed them. */
    autonomy_minutes: z.optional(z.number().check(z.nonnegative())),
    owner_items: z.optional(z.number().check(z.int(), z.nonnegative())),
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
    questions: z.number().check(z.int(), z.nonnegative()),
    open_items: z._default(z.array(wikilink), []),
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
    pid: z.number().check(z.int()),
    started: datetime,
    heartbeat: datetime,
    /** A heartbeat older than this many seconds means the holder is gone. */
    ttl_seconds: z.number().check(z.int(), z.positive()),
    /** Set when the holder stopped cleanly: no companion runs, whatever the heartbeat's age. */
    stopped: z.optional(datetime),
  }),
  singleton: true,
  fileName: () => 'Companion lease',
});

export const REQUEST_ACTIONS = ['sync_mail', 'digest', 'reconcile', 'import', 'bootstrap'] as const;
export const REQUEST_STATUSES = ['open', 'running', 'done', 'failed', 'expired'] as const;

export const request = defineKind({
  kind: 'request',
  title: 'Request',
  description: 'An action the owner asked the companion to run now (from the plugin): the companion runs it and answers in the note; a request not picked up in time expires.',
  folderSetting: 'folder_requests',
  defaultFolder: 'AIOS/Requests',
  // The plugin writes it on the owner's behalf; the companion answers in its own keys only.
  owner: 'owner',
  otherSideMay: ['status', 'answered_at', 'result'],
  schema: z.object({
    action: z.enum(REQUEST_ACTIONS),
    requested_at: datetime,
    /** The device that asked. */
    requested_by: z.optional(z.string()),
    /** `import`: the vault path of the file to import. */
    file: z.optional(z.string()),
    /** `reconcile`: the counterparty, and the period (`2026-11`, `2026-Q4`, `2026`, `from..to`). */
    counterparty: z.optional(wikilink),
    period: z.optional(z.string()),
    /** The companion's answer: `running` once picked up, then `done` or `failed`; `expired` when not picked up in time. */
    status: z._default(z.enum(REQUEST_STATUSES), 'open'),
    answered_at: z.optional(datetime),
    /** What it did, or why not. */
    result: z.optional(z.string()),
  }),
  fileName: (fm) => safeFileName(`${fm.requested_at.replace(/:/g, '-').replace('T', ' ')} ${fm.action}`),
});
