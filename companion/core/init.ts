// `aios init`: a vault from the template. On an existing folder it adds what is missing and touches
// nothing that exists (files are created with create-only writes).
import { readdirSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS, folderOf } from '../../contract/index.ts';
import { atomicCreate } from './atomic.ts';

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../vault-template');

export interface InitResult {
  created: string[];
  kept: string[];
}

export function initVault(target: string, template = TEMPLATE_DIR): InitResult {
  const result: InitResult = { created: [], kept: [] };
  mkdirSync(target, { recursive: true });
  const walk = (rel: string) => {
    for (const e of readdirSync(join(template, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!existsSync(join(target, childRel))) mkdirSync(join(target, childRel), { recursive: true });
        walk(childRel);
      } else if (e.isFile()) {
        if (atomicCreate(join(target, childRel), readFileSync(join(template, childRel)))) result.created.push(childRel);
        else result.kept.push(childRel);
      }
    }
  };
  walk('');
  for (const k of KINDS) mkdirSync(join(target, folderOf(k)), { recursive: true });
  return result;
}
