// The owner's own notes about the business: profile, settings, rules tables, processes.
import * as z from 'zod/mini';
import { defineKind } from '../kind.ts';
import { currency, date, nonEmpty } from '../properties.ts';
import { safeFileName } from '../names.ts';

export const businessProfile = defineKind({
  kind: 'business_profile',
  title: 'Business profile',
  description: 'Who the business is, how its processes run, where its data lives and who decides.',
  folderSetting: 'folder_business',
  defaultFolder: 'Business',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    name: nonEmpty,
    legal_name: z.optional(z.string()),
    tax_id: z.optional(z.string()),
    country: z.optional(z.string()),
    base_currency: currency,
    owner_name: z.optional(z.string()),
    /** Account numbers or IBANs of the business's own accounts: transfers between them are not income or spending. */
    own_accounts: z._default(z.array(z.string()), []),
    fiscal_year_start: z.optional(z.string().check(z.regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD'))),
  }),
  fileName: () => 'Business profile',
});

export const settingsNote = defineKind({
  kind: 'settings',
  title: 'Settings',
  description: 'Flat settings of the companion and the plugin; every key can be overridden by AIOS_<KEY> in the environment.',
  folderSetting: 'folder_system',
  defaultFolder: 'AIOS',
  owner: 'owner',
  otherSideMay: [],
  // Keys are checked against the settings table in settings.ts, not here, so a typo is reported by name.
  schema: z.looseObject({}),
  singleton: true,
  fileName: () => 'Settings',
});

export const RULES_TYPES = ['categories', 'triage', 'csv_profiles', 'erp_profiles', 'matching', 'price_table', 'mail_accounts', 'free_mail_domains', 'routing', 'autonomy'] as const;

export const rules = defineKind({
  kind: 'rules',
  title: 'Rules',
  description: 'A list or table the owner keeps (categories, CSV profiles, price table, mail accounts): one Markdown table in the body.',
  folderSetting: 'folder_rules',
  defaultFolder: 'AIOS/Rules',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    rules_type: z.enum(RULES_TYPES),
    description: z.optional(z.string()),
  }),
  fileName: (fm) => safeFileName(fm.rules_type.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())),
});

export const process = defineKind({
  kind: 'process',
  title: 'Process',
  description: 'A business process written as a note: when it runs, what it does, who decides.',
  folderSetting: 'folder_processes',
  defaultFolder: 'Processes',
  owner: 'owner',
  otherSideMay: [],
  schema: z.object({
    name: nonEmpty,
    status: z._default(z.enum(['active', 'paused', 'draft']), 'active'),
    /** A cron expression in the owner's time zone, or an event such as `statement_imported`. */
    trigger: z.optional(z.string()),
    module: z.optional(z.string()),
    responsible: z.optional(z.string()),
    last_reviewed: z.optional(date),
  }),
  fileName: (fm) => safeFileName(fm.name),
});
