// Renders the "How this vault works" note from the contract itself, so the human documentation can
// never drift from the schemas (a test compares it with the copy in vault-template/).
import * as z from 'zod/mini';
import { KINDS, SETTINGS, envNamesFor, renderTable, type SettingKey, type SettingSpec } from '../../contract/index.ts';

function describeType(schema: z.core.$ZodType): string {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as { properties?: Record<string, { type?: string | string[]; enum?: unknown[]; items?: { type?: string }; pattern?: string }> };
  return Object.entries(json.properties ?? {})
    .map(([k, p]) => {
      const t = p.enum ? p.enum.join('/') : p.type === 'array' ? `list of ${p.items?.type ?? 'text'}` : Array.isArray(p.type) ? p.type.join('|') : (p.type ?? 'any');
      return `\`${k}\` (${t})`;
    })
    .join(', ');
}

export function renderContractNote(): string {
  const lines = [
    '---',
    'tags:',
    '  - aios',
    '---',
    '# How this vault works',
    '',
    'This vault is the memory of the business and the contract between you, the Obsidian plugin and the companion service.',
    'Every note the system reads or writes names its kind in the `aios_kind` property; the kind says where the note lives,',
    'how it is named, which properties it has, and who writes it.',
    '',
    '- **Owner notes** are yours: the companion reads them and never rewrites them.',
    '- **Companion notes** are written by the companion. You may change the properties listed under "you may change"',
    '  (for example `status` and `answer` on a decision-queue item, `category` on a mail): once you changed one, your',
    '  value stands; while it still holds what the companion wrote, the companion may revise its own guess.',
    '  Properties of your own (any key the kind does not define) and anything you write below the',
    '  `%% aios:owner-notes ... %%` line are kept when the companion regenerates the note.',
    '  If you edit the companion\'s own part of a note it recomputes (the cash position, a run log), your version is kept',
    '  beside it as a copy, asked about once, and the note is brought up to date; in any other note your edit stands and',
    '  the companion\'s next version goes beside it as a conflict copy. Copies carry `aios_conflict_of` and are never read',
    '  as the kind they copy.',
    '- Each kind is read only from its own folder: a note that claims a kind anywhere else (a mailed attachment, a copy)',
    '  is not one. Mail attachments that are notes (`.md`, `.canvas`, `.base`) are stored with `.txt` added, so neither',
    '  Obsidian nor the companion reads them as notes.',
    '- A decision-queue item lists its options with stable ids (`option_ids`); answer with one (`answer: keep_all`). The',
    '  companion acts on the answer once, writes what it did under `resolution` and makes a decision record in',
    '  `Decisions/`, which is yours from then on.',
    '- Properties follow the Obsidian conventions: snake_case keys, dates as `YYYY-MM-DD`, local times as',
    '  `YYYY-MM-DDTHH:mm:ss`, links quoted (`counterparty: "[[Acme Ltd]]"`), `tags` as a list. Money is a plain number',
    '  without a currency symbol; the currency is its own property.',
    '- Folders are settings (`folder_*` in [[Settings]]); the table shows the defaults.',
    '- Files to import (bank statements, `.eml`/`.mbox` mail, Telegram exports) go into `Import/`. Imported files move to',
    '  `Import/Archive/YYYY-MM/`; files that cannot be imported move to `Import/Quarantine/` with a report saying why.',
    '- `Templates/` holds blanks for new notes; it is not read as data.',
    '- Views: the `.base` files in `AIOS/Views/` show the decision queue, proposals, mail and import reports without the plugin.',
    '',
    '## Note kinds',
    '',
  ];
  lines.push(renderTable(['kind', 'what it is', 'folder', 'written by', 'you may change'], KINDS.map((k) => [
    `\`${k.kind}\``,
    k.description,
    `\`${k.defaultFolder}/\``,
    k.owner === 'owner' ? 'you' : 'companion',
    k.owner === 'owner'
      ? k.otherSideMay.length ? `everything; the companion answers in ${k.otherSideMay.map((x) => `\`${x}\``).join(', ')}` : 'everything'
      : k.otherSideMay.length ? k.otherSideMay.map((x) => `\`${x}\``).join(', ') : 'nothing',
  ])));
  lines.push('## Properties of each kind', '');
  for (const k of KINDS) lines.push(`- **${k.title}** (\`${k.kind}\`): ${describeType(k.schema) || 'any settings key (see the settings table)'}`);
  lines.push('', '## Settings', '', 'Each can be set in [[Settings]] or overridden by `AIOS_<KEY>` in the environment.', '');
  lines.push(renderSettingsReference());
  return lines.join('\n');
}

/** The settings table, also kept in the README's configuration reference. */
export function renderSettingsReference(): string {
  return renderTable(
    ['key', 'environment', 'default', 'what it does'],
    Object.entries(SETTINGS).map(([key, spec]) => [
      `\`${key}\``,
      envNamesFor(key as SettingKey).map((e) => `\`${e}\``).join(', '),
      `\`${String((spec as SettingSpec).default)}\``,
      (spec as SettingSpec).description,
    ]),
  );
}
