// The settings tab's model: the contract's settings table grouped and searchable, and a typed input
// read back into a value, or the reason it is not one.
import { SETTINGS, SETTING_GROUPS, parseSetting, type SettingGroup, type SettingKey, type SettingSpec } from '../contract/index.ts';

export interface SettingRow {
  key: SettingKey;
  spec: SettingSpec;
  name: string;
}

/** `mail_first_sync_days` → `Mail first sync days`. */
export function settingName(key: string): string {
  return key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** The settings by group, in the table's order, filtered by a search over key, name and description. */
export function settingGroups(query = ''): { group: SettingGroup; rows: SettingRow[] }[] {
  const q = query.trim().toLowerCase();
  const rows = (Object.keys(SETTINGS) as SettingKey[])
    .map((key): SettingRow => ({ key, spec: SETTINGS[key], name: settingName(key) }))
    .filter((r) => !q || r.key.includes(q.replace(/\s+/g, '_')) || r.name.toLowerCase().includes(q) || r.spec.description.toLowerCase().includes(q));
  return SETTING_GROUPS.map((group) => ({ group, rows: rows.filter((r) => r.spec.group === group) })).filter((g) => g.rows.length > 0);
}

export type Parsed = { ok: true; value: string | number | boolean | undefined } | { ok: false; error: string };

/** An input read for a key: empty means "back to the default" (the key is removed from the note). */
export function parseInput(key: SettingKey, raw: string | boolean): Parsed {
  if (raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: parseSetting(key, typeof raw === 'string' ? raw.trim() : raw) };
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^setting [a-z0-9_]+: /, '') };
  }
}
