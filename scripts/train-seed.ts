// `npm run train-seed`: trains the learner's seed model from the project's labelled mail
// (test/fixtures/labelled-mail: mail.jsonl and real/) into companion/models/seed/seed-model.json.
// The demo's counterparties are left out by default, so the demo shows what a fresh install does with
// mail from senders it never saw (`--exclude a.example,b.example` replaces the list, `--exclude ''` clears it).
// test/models/learner-seed.test.ts checks the committed file is exactly what this script writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTables, tableRecords } from '../contract/markdown-table.ts';
import { loadLabelledMail, loadWrittenMail, type LabelledMail } from '../test/models/labelled.ts';
import { mailFeatures, senderAddress } from '../companion/models/providers/features.ts';
import { MailLearner, NaiveBayes, SCHEME, descriptionCounts, fitTemperature, type SeedModel } from '../companion/models/providers/learner.ts';
import { SEED_FILE } from '../companion/models/seed/seed.ts';
import { DEFAULT_CATEGORIES, categoriesFromRows } from '../companion/models/categories.ts';

/** Domains of the demo's counterparties (demo/mail): never in the shipped seed. */
export const DEMO_COUNTERPARTIES = ['bumaga-opt.example', 'greenleaf.example', 'nordlicht.example', 'polygraf-service.example'];
const ALPHA = 0.1;
/** Folds for the seed's temperature and its held-out figure: senders are split across them, never within. */
const FOLDS = 5;

/** The default categories' descriptions, as a fresh vault's categories note has them (the router passes the owner's). */
export function templateDescriptions(): Record<string, string> {
  const note = readFileSync(fileURLToPath(new URL('../vault-template/AIOS/Rules/Categories.md', import.meta.url)), 'utf8');
  return categoriesFromRows(parseTables(note).flatMap(tableRecords)).descriptions;
}

/** The sender's domain (or the whole address when it has none): a sender's mail is never split across folds. */
export function senderKey(m: Pick<LabelledMail, 'from' | 'id'>): string {
  const addr = senderAddress(m.from);
  return addr ? addr.slice(addr.lastIndexOf('@') + 1) : `id:${m.id}`;
}

export function excluded(m: Pick<LabelledMail, 'from' | 'id'>, exclude: readonly string[]): boolean {
  const addr = senderAddress(m.from);
  const domain = senderKey(m);
  return exclude.some((e) => {
    const x = e.toLowerCase().replace(/^@/, '');
    return x === addr || x === domain || domain.endsWith(`.${x}`);
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * k folds of indices with each sender's mail in one fold, senders shuffled by `seed` (0: by name) and
 * dealt largest first to the smallest fold.
 */
export function senderFolds(mails: readonly Pick<LabelledMail, 'from' | 'id'>[], k: number, seed = 0): number[][] {
  const bySender = new Map<string, number[]>();
  mails.forEach((m, i) => {
    const s = senderKey(m);
    const list = bySender.get(s) ?? [];
    list.push(i);
    bySender.set(s, list);
  });
  const senders = [...bySender.keys()].sort();
  if (seed !== 0) {
    const r = rng(seed);
    for (let i = senders.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [senders[i], senders[j]] = [senders[j]!, senders[i]!];
    }
  }
  // Stable sort: equal-sized senders keep the shuffled order.
  senders.sort((a, b) => bySender.get(b)!.length - bySender.get(a)!.length);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const s of senders) {
    let best = 0;
    for (let f = 1; f < k; f++) if (folds[f]!.length < folds[best]!.length) best = f;
    folds[best]!.push(...bySender.get(s)!);
  }
  return folds;
}

/**
 * What may train a model tested on `fold`: every other mail except the twins of the fold's mails (the
 * other rendering of the same hand-written mail, which has another sender but the same content).
 */
export function trainingFor(mails: readonly Pick<LabelledMail, 'group'>[], fold: readonly number[]): number[] {
  const held = new Set(fold);
  const groups = new Set(fold.map((i) => mails[i]!.group));
  const out: number[] = [];
  mails.forEach((m, i) => {
    if (!held.has(i) && !groups.has(m.group)) out.push(i);
  });
  return out;
}

/** The learner's features without the sender's domain: the fixtures' companies are nobody's real senders. */
function seedFeatures(m: LabelledMail): Map<string, number> {
  const f = mailFeatures(m);
  for (const k of [...f.keys()]) if (k.startsWith('f:dom:') || k.startsWith('f:org:')) f.delete(k);
  return f;
}

export interface SeedOptions {
  exclude?: readonly string[];
  /**
   * Features seen in fewer training mails than this are dropped. 1 (keep all) by default: dropping words
   * seen once cost 3-6 points on held-out English senders, and the file stays under 300 KB without it.
   */
  minDocs?: number;
}

/** Trains a seed model on `mails` (the default categories only), its temperature fitted on sender folds. */
export function trainSeed(all: readonly LabelledMail[], opts: SeedOptions = {}): SeedModel {
  const exclude = opts.exclude ?? DEMO_COUNTERPARTIES;
  const minDocs = opts.minDocs ?? 1;
  const labels: string[] = [...DEFAULT_CATEGORIES].filter((c) => all.some((m) => m.category === c));
  const mails = all.filter((m) => labels.includes(m.category) && !excluded(m, exclude));
  const examples = mails.map((m) => ({ features: seedFeatures(m), label: m.category }));
  const df = new Map<string, number>();
  for (const e of examples) for (const f of e.features.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const kept = examples.map((e) => ({ features: new Map([...e.features].filter(([f]) => df.get(f)! >= minDocs)), label: e.label }));
  const nb = new NaiveBayes(ALPHA);
  for (const e of kept) nb.add(e.features, e.label);
  const counts = nb.countsFor(labels);
  const features: Record<string, number[]> = {};
  for (const f of [...counts.keys()].sort()) features[f] = counts.get(f)!;
  const splits = senderFolds(mails, FOLDS).map((test) => ({ test, train: trainingFor(mails, test) }));
  // Calibrated as it is used: with the default categories' descriptions beside the counts.
  const temperature = fitTemperature(kept, ALPHA, FOLDS, splits, descriptionCounts(templateDescriptions()));
  const excludedBy: Record<string, number> = {};
  for (const d of exclude) excludedBy[d] = all.filter((m) => excluded(m, [d])).length;
  return {
    version: 1,
    scheme: SCHEME,
    alpha: ALPHA,
    temperature,
    labels,
    docs: labels.map((l) => nb.countOf(l)),
    features,
    about: {
      trained_on: `${mails.length} mails of test/fixtures/labelled-mail (${mails.filter((m) => m.lang === 'ru').length} ru, ${mails.filter((m) => m.lang !== 'ru').length} en), features seen in >= ${minDocs} mails, sender domains left out`,
      excluded_senders: excludedBy,
    },
  };
}

export interface HeldOut {
  en: number;
  ru: number;
  n: { en: number; ru: number };
}

/**
 * The seed's accuracy on senders it never saw: for each of `FOLDS` sender folds, a seed trained on the
 * other folds (minus the twins of the fold's mails) answers the fold's mail with no owner labels at all.
 */
export function seedHeldOut(all: readonly LabelledMail[], opts: SeedOptions & { seed?: number } = {}): HeldOut {
  const exclude = opts.exclude ?? DEMO_COUNTERPARTIES;
  const mails = all.filter((m) => !excluded(m, exclude));
  const right = { en: 0, ru: 0 };
  const n = { en: 0, ru: 0 };
  const descriptions = templateDescriptions();
  for (const fold of senderFolds(mails, FOLDS, opts.seed ?? 0)) {
    const train = trainingFor(mails, fold).map((i) => mails[i]!);
    const learner = new MailLearner(undefined, trainSeed(train, { ...opts, exclude: [] }));
    for (const i of fold) {
      const m = mails[i]!;
      const lang = m.lang === 'ru' ? 'ru' : 'en';
      n[lang]++;
      if (learner.predict(m, undefined, { descriptions })?.label === m.category) right[lang]++;
    }
  }
  return { en: right.en / n.en, ru: right.ru / n.ru, n };
}

/** The file as committed: one feature a line, so a retrained seed reads as a diff. */
export function formatSeed(seed: SeedModel): string {
  const { features, ...head } = seed;
  const lines = Object.entries(features).map(([f, c]) => `    ${JSON.stringify(f)}: ${JSON.stringify(c)}`);
  const headJson = JSON.stringify(head, null, 2);
  return `${headJson.slice(0, -2)},\n  "features": {\n${lines.join(',\n')}\n  }\n}\n`;
}

export async function buildSeedFile(exclude: readonly string[] = DEMO_COUNTERPARTIES): Promise<{ text: string; seed: SeedModel; heldOut: HeldOut }> {
  // The seed also learns the kinds of mail added for it alone (seed-extra.jsonl: cold offers, authority
  // letters, deliveries, changed bank details...), which the learner's measured set leaves out.
  const mails = [...(await loadLabelledMail()), ...loadWrittenMail('seed-extra.jsonl')];
  const heldOut = seedHeldOut(mails, { exclude });
  const seed = trainSeed(mails, { exclude });
  const r = (x: number) => Math.round(x * 1000) / 1000;
  seed.about = { ...seed.about, held_out_senders_accuracy: { en: r(heldOut.en), ru: r(heldOut.ru), mails: heldOut.n } };
  return { text: formatSeed(seed), seed, heldOut };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--exclude');
  const exclude = i >= 0 ? (process.argv[i + 1] ?? '').split(',').map((s) => s.trim()).filter(Boolean) : DEMO_COUNTERPARTIES;
  const { text, seed, heldOut } = await buildSeedFile(exclude);
  writeFileSync(SEED_FILE, text);
  console.log(`seed model: ${Object.keys(seed.features).length} features, ${seed.labels.length} labels, temperature ${seed.temperature}, ${(text.length / 1024).toFixed(0)} KB -> ${SEED_FILE}`);
  console.log(`left out: ${JSON.stringify(seed.about?.excluded_senders)}`);
  console.log(`accuracy on held-out senders: en ${(heldOut.en * 100).toFixed(1)}% (${heldOut.n.en} mails), ru ${(heldOut.ru * 100).toFixed(1)}% (${heldOut.n.ru} mails)`);
}
