// Settings resolution. Precedence: environment, then the secrets file, then the settings note, then the
// contract's default; `aios status --json` shows where each value came from. A value that cannot be read
// costs that key only: it falls back to the last good value of the note (or the default), except for a
// setting that widens what leaves the machine, which falls back to its safe side. Every fallback is a
// problem `aios status` lists and every command prints until it is fixed.
import { SETTINGS, COMMON_KEYS, envNamesFor, isSettingKey, parseSetting, parseTables, tableRecords, type SettingKey, type SettingSpec, type SettingValue } from '../../contract/index.ts';
import type { Frontmatter } from '../../contract/index.ts';
import type { Settings } from './job.ts';
import type { VaultIndex } from './vault-index.ts';
import type { Vault } from './vault.ts';
import { systemTimezone } from './clock.ts';

export type SettingSource = 'environment' | 'secrets file' | 'settings note' | 'last good value' | 'safe fallback' | 'business profile' | 'default';

export interface ResolvedSettings extends Settings {
  source(key: SettingKey): SettingSource;
  /** One line per value that could not be used: where, the key, the value, why, and what is used instead. */
  readonly problems: string[];
  /** Path of the settings note, when there is one. */
  readonly notePath: string | undefined;
  /** The note's values that were good this time: the caller keeps them as the last good values. */
  readonly goodNoteValues: Partial<Record<SettingKey, SettingValue>>;
}

/** Where a note's last good values are kept between runs (the state folder). */
export interface LastGood {
  read(): Partial<Record<SettingKey, SettingValue>>;
  write(values: Partial<Record<SettingKey, SettingValue>>): void;
}

const shown = (v: unknown) => JSON.stringify(v);

/** Settings that say where cloud calls go: one that cannot be read turns the cloud off until fixed. */
const CLOUD_ROUTE: readonly SettingKey[] = ['openai_base_url'];

/** Countries whose businesses write in Russian (ISO 3166 alpha-2): their language defaults to `ru`. */
const RUSSIAN_SPEAKING = new Set(['RU', 'BY', 'KZ', 'KG']);

export function resolveSettings(opts: {
  vault: Vault;
  index: VaultIndex;
  env?: NodeJS.ProcessEnv;
  secretsFile?: Record<string, string>;
  /** Explicit values (tests, the demo): they act as the settings note. */
  overrides?: Partial<Record<SettingKey, SettingValue>>;
  lastGood?: LastGood;
}): ResolvedSettings {
  const env = opts.env ?? process.env;
  const note = opts.index.byKind('settings')[0];
  const problems: string[] = [];
  const notePath = note?.path ?? `${opts.vault.folder('settings')}/Settings.md`;
  // A settings note that cannot be read at all: every key of it falls back, and says so. A file at its
  // place that is not read as the settings (its `---` lines or `aios_kind` lost) is no better: read as
  // "no settings", its `cloud_enabled: false` would silently become the default, true.
  const unreadable = note ? undefined : opts.index.errors().find((e) => e.path === notePath);
  const broken = unreadable ? unreadable.errors.map((e) => e.message).join('; ')
    : !note && opts.vault.exists(notePath) ? 'no front matter naming aios_kind: settings' : undefined;
  if (broken) problems.push(`${notePath}: cannot be read (${broken}); every setting falls back to its last good value or the safe side`);
  const noteValues: Record<string, unknown> = { ...(note?.frontmatter ?? {}), ...(opts.overrides ?? {}) };
  const lastGood = opts.lastGood?.read() ?? {};
  const values = new Map<SettingKey, { value: SettingValue; source: SettingSource }>();
  const good: Partial<Record<SettingKey, SettingValue>> = {};
  const unreadableRoute: { key: SettingKey; where: string }[] = [];

  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: SettingSpec = SETTINGS[key];
    const envName = envNamesFor(key).find((n) => env[n] !== undefined && env[n] !== '');
    const layers: [SettingSource, string, unknown][] = [
      ['environment', envName ?? '', envName ? env[envName] : undefined],
      ['secrets file', 'the secrets file', opts.secretsFile?.[key]],
      ['settings note', notePath, noteValues[key] === null || noteValues[key] === '' ? undefined : noteValues[key]],
    ];
    let resolved: { value: SettingValue; source: SettingSource } | undefined;
    let failed: { where: string; raw: unknown; why: string } | undefined;
    for (const [source, where, raw] of layers) {
      if (raw === undefined) continue;
      try {
        resolved = { value: parseSetting(key, raw), source };
        if (source === 'settings note') good[key] = resolved.value;
        break;
      } catch (e) {
        // The first bad layer decides: a lower layer must not silently stand in for a value the owner set.
        failed = { where, raw, why: (e as Error).message.replace(/^setting [a-z_0-9]+: /, '') };
        break;
      }
    }
    if (!resolved && (failed || broken)) {
      const fallback: { value: SettingValue; source: SettingSource } =
        spec.safe !== undefined ? { value: spec.safe, source: 'safe fallback' }
          : lastGood[key] !== undefined && safeParse(key, lastGood[key]) !== undefined ? { value: safeParse(key, lastGood[key])!, source: 'last good value' }
            : { value: spec.default, source: 'default' };
      if (failed) problems.push(`${failed.where}: ${key}: ${shown(failed.raw)} ${failed.why}; using ${shown(fallback.value)} (${fallback.source}) until it is fixed`);
      if (failed && CLOUD_ROUTE.includes(key)) unreadableRoute.push({ key, where: failed.where });
      resolved = fallback;
    }
    values.set(key, resolved ?? { value: spec.default, source: 'default' });
  }
  // Unset, the language follows the business: Russian for a business in a Russian-speaking country.
  if (values.get('language')!.source === 'default') {
    const country = String(opts.index.byKind('business_profile')[0]?.frontmatter.country ?? '').toUpperCase();
    if (RUSSIAN_SPEAKING.has(country)) values.set('language', { value: 'ru', source: 'business profile' });
  }
  // The provider's safe side is no cloud: its default (or an older value) is not where the owner meant to send.
  const route = unreadableRoute[0];
  if (route && values.get('cloud_enabled')!.value !== false) {
    values.set('cloud_enabled', { value: false, source: 'safe fallback' });
    problems.push(`${route.where}: cloud_enabled: using false (safe fallback) while ${unreadableRoute.map((r) => r.key).join(', ')} cannot be read`);
  }
  for (const key of Object.keys(noteValues)) {
    if (!(COMMON_KEYS as readonly string[]).includes(key) && !isSettingKey(key)) problems.push(`${notePath}: ${key}: unknown setting (ignored)`);
  }

  const get = (key: SettingKey) => values.get(key)!.value;
  return {
    notePath: note?.path,
    problems,
    goodNoteValues: good,
    get,
    source: (key) => values.get(key)!.source,
    string: (key) => String(get(key)),
    number: (key) => Number(get(key)),
    boolean: (key) => get(key) === true,
    timezone: () => String(get('timezone')) || systemTimezone(),
    rules: (type: Frontmatter<'rules'>['rules_type']) => {
      const all = opts.index.byKind('rules').filter((e) => e.frontmatter.rules_type === type).sort((a, b) => a.path.localeCompare(b.path));
      // The note at the type's own path is the table; another note of the type beside it is most often a
      // sync tool's copy of it ("Mail accounts (conflict).md"), whose rows would count twice.
      const own = opts.vault.pathFor('rules', { rules_type: type } as Frontmatter<'rules'>).toLowerCase();
      const notes = all.some((e) => e.path.toLowerCase() === own) ? all.filter((e) => e.path.toLowerCase() === own) : all;
      const rows: Record<string, string>[] = [];
      for (const n of notes) {
        const table = parseTables(opts.vault.readNote(n.path).body)[0];
        if (table) rows.push(...tableRecords(table).filter((r) => Object.values(r).some((v) => v !== '')));
      }
      return rows;
    },
  };
}

function safeParse(key: SettingKey, raw: unknown): SettingValue | undefined {
  try {
    return parseSetting(key, raw);
  } catch {
    return undefined;
  }
}
