// Settings resolution. Precedence: environment, then the secrets file, then the settings note, then the
// contract's default; `aios status --json` shows where each value came from.
import { SETTINGS, envNamesFor, isSettingKey, parseSetting, parseTables, tableRecords, type SettingKey, type SettingValue } from '../../contract/index.ts';
import type { Frontmatter } from '../../contract/index.ts';
import type { Settings } from './job.ts';
import type { VaultIndex } from './vault-index.ts';
import type { Vault } from './vault.ts';
import { systemTimezone } from './clock.ts';

export type SettingSource = 'environment' | 'secrets file' | 'settings note' | 'default';

export interface ResolvedSettings extends Settings {
  source(key: SettingKey): SettingSource;
  /** Problems found while resolving (a bad value in the note falls back to the default and is reported). */
  readonly problems: string[];
  /** Path of the settings note, when there is one. */
  readonly notePath: string | undefined;
}

export function resolveSettings(opts: {
  vault: Vault;
  index: VaultIndex;
  env?: NodeJS.ProcessEnv;
  secretsFile?: Record<string, string>;
  /** Explicit values (tests, the demo): they act as the settings note. */
  overrides?: Partial<Record<SettingKey, SettingValue>>;
}): ResolvedSettings {
  const env = opts.env ?? process.env;
  const note = opts.index.byKind('settings').sort((a, b) => a.path.localeCompare(b.path))[0];
  const noteValues: Record<string, unknown> = { ...(note?.frontmatter ?? {}), ...(opts.overrides ?? {}) };
  const values = new Map<SettingKey, { value: SettingValue; source: SettingSource }>();
  const problems: string[] = [];

  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const layers: [SettingSource, unknown][] = [
      ['environment', envNamesFor(key).map((n) => env[n]).find((v) => v !== undefined && v !== '')],
      ['secrets file', opts.secretsFile?.[key]],
      ['settings note', noteValues[key] === null || noteValues[key] === '' ? undefined : noteValues[key]],
    ];
    let resolved: { value: SettingValue; source: SettingSource } = { value: SETTINGS[key].default, source: 'default' };
    for (const [source, raw] of layers) {
      if (raw === undefined) continue;
      try {
        resolved = { value: parseSetting(key, raw), source };
        break;
      } catch (e) {
        problems.push(`${source === 'settings note' ? (note?.path ?? 'settings') : source}: ${(e as Error).message}`);
      }
    }
    values.set(key, resolved);
  }
  for (const key of Object.keys(noteValues)) {
    if (key !== 'aios_kind' && key !== 'tags' && key !== 'aios_hash' && !isSettingKey(key)) problems.push(`${note?.path ?? 'settings'}: ${key}: unknown setting`);
  }

  const get = (key: SettingKey) => values.get(key)!.value;
  return {
    notePath: note?.path,
    problems,
    get,
    source: (key) => values.get(key)!.source,
    string: (key) => String(get(key)),
    number: (key) => Number(get(key)),
    boolean: (key) => get(key) === true,
    timezone: () => String(get('timezone')) || systemTimezone(),
    rules: (type: Frontmatter<'rules'>['rules_type']) => {
      const notes = opts.index.byKind('rules').filter((e) => e.frontmatter.rules_type === type).sort((a, b) => a.path.localeCompare(b.path));
      const rows: Record<string, string>[] = [];
      for (const n of notes) {
        const table = parseTables(opts.vault.readNote(n.path).body)[0];
        if (table) rows.push(...tableRecords(table).filter((r) => Object.values(r).some((v) => v !== '')));
      }
      return rows;
    },
  };
}
