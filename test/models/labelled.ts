// Loads the labelled set (test/fixtures/labelled-mail): the written mails and the real fixtures, parsed
// with mailparser like any .eml the product imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

export interface LabelledMail {
  id: string;
  /** Renderings of one hand-written mail share a group: k-fold keeps a group together. */
  group: string;
  category: string;
  lang: string;
  from: string;
  subject: string;
  body: string;
  list: boolean;
}

export const LABELLED_DIR = join(import.meta.dirname, '..', 'fixtures', 'labelled-mail');

/** `mail.jsonl`, the set the learner is measured on; `seed-extra.jsonl`, mail kinds added to train the seed only. */
export function loadWrittenMail(file = 'mail.jsonl'): LabelledMail[] {
  return readFileSync(join(LABELLED_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const r = JSON.parse(l) as Omit<LabelledMail, 'list'> & { list?: boolean };
      return { ...r, list: r.list === true };
    });
}

export async function loadRealMail(): Promise<LabelledMail[]> {
  const labels = JSON.parse(readFileSync(join(LABELLED_DIR, 'real', 'labels.json'), 'utf8')) as Record<string, string>;
  const out: LabelledMail[] = [];
  for (const [file, category] of Object.entries(labels)) {
    const parsed = await simpleParser(readFileSync(join(LABELLED_DIR, 'real', file)));
    out.push({
      id: `real:${file}`,
      group: `real:${file}`,
      category,
      lang: 'en',
      from: parsed.from?.value[0]?.address ?? '',
      subject: parsed.subject ?? '',
      body: parsed.text ?? '',
      list: parsed.headers.has('list-id') || parsed.headers.has('list-unsubscribe'),
    });
  }
  return out;
}

export async function loadLabelledMail(): Promise<LabelledMail[]> {
  return [...loadWrittenMail(), ...(await loadRealMail())];
}

/** k folds keeping each group together, stratified by category, deterministic. */
export function groupFolds(mails: readonly LabelledMail[], k: number): number[][] {
  const groups = new Map<string, number[]>();
  mails.forEach((m, i) => {
    const g = groups.get(m.group) ?? [];
    g.push(i);
    groups.set(m.group, g);
  });
  const byCategory = new Map<string, string[]>();
  for (const [g, idx] of groups) {
    const c = mails[idx[0]!]!.category;
    byCategory.set(c, [...(byCategory.get(c) ?? []), g]);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const c of [...byCategory.keys()].sort()) {
    for (const g of byCategory.get(c)!.sort()) {
      folds[next % k]!.push(...groups.get(g)!);
      next++;
    }
  }
  return folds;
}
