// The vault contract: every note kind, where it lives, how it is named, what its frontmatter holds
// and who may change what. Imported by the plugin and the companion alike; no Node, no Obsidian here.
import type * as z from 'zod/mini';
import type { KindSpec } from './kind.ts';
import { businessProfile, process, rules, settingsNote } from './kinds/business.ts';
import { contract, counterparty, invoice, proposal } from './kinds/relations.ts';
import { decisionItem, decisionRecord } from './kinds/decisions.ts';
import { chatLog, mailMessage } from './kinds/messages.ts';
import { accountLedger, bankStatement, cashPosition, counterpartyBalance, exchangeRates, invoiceRecord, learnedRules, reconciliationAct, reconciliationReport } from './kinds/finance.ts';
import { costReport, digest, importReport, lease, request, runLog } from './kinds/system.ts';
import { SETTINGS, type SettingKey } from './settings.ts';
import { joinVaultPath } from './names.ts';

export * from './kind.ts';
export * from './properties.ts';
export * from './money.ts';
export * from './names.ts';
export * from './settings.ts';
export * from './markdown-table.ts';
export * from './ledger.ts';
export * from './queue.ts';
export * from './cron.ts';
export * from './dates.ts';
export { businessProfile, process, rules, settingsNote, contract, counterparty, invoice, proposal, decisionItem, decisionRecord };
export { chatLog, mailMessage, accountLedger, bankStatement, cashPosition, exchangeRates, reconciliationReport };
export { invoiceRecord, counterpartyBalance, reconciliationAct, learnedRules };
export { costReport, digest, importReport, lease, request, runLog };
export { DIGEST_OWNER_HEADING, REQUEST_ACTIONS, REQUEST_STATUSES } from './kinds/system.ts';
export { SEVERITIES, OPTION_ID_RE, answeredOption, type Severity } from './kinds/decisions.ts';
export { CONTRACT_PERIODS, IDENTIFIER_RE, accountKey, contractDeadline, identifiersInText, identifiersOf, nameIdentifier, validIban } from './kinds/relations.ts';
export { RULES_TYPES } from './kinds/business.ts';
export { MAIL_STATUSES, PRIORITIES, TRIAGED_BY, TRIAGE_KEYS } from './kinds/messages.ts';
export { INVOICE_RECORD_STATUSES, INVOICE_SOURCES, STATEMENT_FORMATS } from './kinds/finance.ts';

/** Every kind, in the order the "How this vault works" note lists them. */
export const KINDS = [
  businessProfile, settingsNote, rules, process,
  counterparty, contract, invoice, proposal,
  decisionItem, decisionRecord,
  mailMessage, chatLog,
  bankStatement, accountLedger, cashPosition, exchangeRates, invoiceRecord, reconciliationReport, reconciliationAct, counterpartyBalance, learnedRules,
  importReport, runLog, costReport, digest, lease, request,
] as const satisfies readonly KindSpec[];

export type AnyKind = (typeof KINDS)[number];
export type KindName = AnyKind['kind'];
export type KindByName<K extends KindName> = Extract<AnyKind, { kind: K }>;
export type Frontmatter<K extends KindName> = z.infer<KindByName<K>['schema']>;

/** Keys every note may carry besides its kind's own. */
export const COMMON_KEYS = ['aios_kind', 'tags', 'aliases', 'cssclasses', 'aios_hash', 'aios_wrote', 'aios_id', 'aios_conflict_of'] as const;
/** Where the companion keeps the hash of what it wrote, for compare-and-swap. */
export const HASH_KEY = 'aios_hash';
/**
 * What the companion last wrote into each key the owner may change (`status=1f2e,category=-`): it may
 * revise its own guess in such a key only while the key still holds that value.
 */
export const WROTE_KEY = 'aios_wrote';
export const KIND_KEY = 'aios_kind';
/** A stable id the companion gives notes it creates, so renaming a note changes no finding. */
export const ID_KEY = 'aios_id';
/** On a conflict copy: the note it is a copy of. The index reads no conflict copy as its kind. */
export const CONFLICT_KEY = 'aios_conflict_of';

const BY_NAME = new Map<string, AnyKind>(KINDS.map((k) => [k.kind, k]));

export function kindSpec<K extends KindName>(name: K): KindByName<K>;
export function kindSpec(name: string): AnyKind | undefined;
export function kindSpec(name: string): AnyKind | undefined {
  return BY_NAME.get(name);
}

export type SettingsLookup = (key: SettingKey) => string | number | boolean;

/** The folder of a kind under the given settings (the default when the setting is unset or empty). */
export function folderOf(spec: KindSpec, settings?: SettingsLookup): string {
  const configured = settings?.(spec.folderSetting as SettingKey);
  return typeof configured === 'string' && configured !== '' ? joinVaultPath(configured) : spec.defaultFolder;
}

/** The vault-relative path of the note with this frontmatter. */
export function notePath<K extends KindName>(name: K, fm: Frontmatter<K>, settings?: SettingsLookup): string {
  const spec = kindSpec(name) as KindSpec;
  return `${joinVaultPath(folderOf(spec, settings), spec.fileName(fm))}.md`;
}

export interface FieldError {
  /** Property name, or `(frontmatter)` when the block itself is wrong. */
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; kind: AnyKind; data: T } | { ok: false; kind?: AnyKind; errors: FieldError[] };

/** Validates a parsed frontmatter object against its kind's schema. Unknown extra keys are the owner's and allowed. */
export function validateFrontmatter(data: Record<string, unknown>): Validation<Record<string, unknown>> {
  const kindName = data[KIND_KEY];
  if (typeof kindName !== 'string') return { ok: false, errors: [{ field: KIND_KEY, message: 'missing: every AIOS note names its kind' }] };
  const spec = BY_NAME.get(kindName);
  if (!spec) return { ok: false, errors: [{ field: KIND_KEY, message: `unknown kind "${kindName}"` }] };
  const errors: FieldError[] = [];
  if (data.tags !== undefined && !(Array.isArray(data.tags) && data.tags.every((t) => typeof t === 'string'))) {
    errors.push({ field: 'tags', message: 'expected a list of tags' });
  }
  // Kind schemas are not strict: the common keys and the owner's own extra properties pass through unchecked.
  const r = (spec.schema as z.ZodMiniType).safeParse(data);
  if (!r.success) {
    for (const issue of r.error.issues) errors.push({ field: issue.path.map(String).join('.') || '(frontmatter)', message: issue.message });
  }
  if (errors.length > 0) return { ok: false, kind: spec, errors };
  return { ok: true, kind: spec, data: { ...data, ...(r.success ? (r.data as Record<string, unknown>) : {}) } };
}

/**
 * The settings note's values, checked key by key. Not part of validateFrontmatter: one bad value costs
 * that key only (the companion falls back for it), never the whole note.
 */
export function settingsProblems(data: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(data)) {
    if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
    const spec = (SETTINGS as Record<string, { schema: z.ZodMiniType } | undefined>)[key];
    if (!spec) {
      errors.push({ field: key, message: 'unknown setting' });
      continue;
    }
    if (value === null || value === '') continue;
    const r = spec.schema.safeParse(value);
    if (!r.success) errors.push({ field: key, message: r.error.issues.map((i) => i.message).join('; ') });
  }
  return errors;
}
