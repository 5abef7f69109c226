// Regenerates vault-template/AIOS/How this vault works.md from the contract.
import { writeFileSync } from 'node:fs';
import { renderContractNote } from '../companion/core/contract-doc.ts';

writeFileSync(new URL('../vault-template/AIOS/How this vault works.md', import.meta.url), renderContractNote());
