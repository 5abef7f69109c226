// Regenerates what is written from the contract: vault-template/AIOS/How this vault works.md and the
// settings table in README.md (between the settings markers). Tests fail until this is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderContractNote, renderSettingsReference } from '../companion/core/contract-doc.ts';

writeFileSync(new URL('../vault-template/AIOS/How this vault works.md', import.meta.url), renderContractNote());
const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = '<!-- settings:start -->\n';
const end = '<!-- settings:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md: settings markers not found');
writeFileSync(readme, text.slice(0, a + start.length) + renderSettingsReference() + text.slice(b));
