// The built-in learner: a multinomial naive Bayes over mail features, needing no server. It learns from
// the owner's labelled mail and corrections one example at a time (a corrected label is unlearned and
// relearned exactly), and answers with a confidence calibrated by a temperature fitted on held-out folds,
// so "0.9" means right about nine times in ten.
//
// Each category's description (the categories note: "A bill to pay: invoice, pro forma, ...") counts as one
// more example of it, its words as subject and body words: the owner's own definition of the category,
// which on folds of unseen senders was worth 6 points with a full training set and 16-20 with ten labels.
//
// Two things stand beside the owner's model:
// - a seed model (companion/models/seed/, trained on the project's labelled mail by scripts/train-seed.ts)
//   answers for the default categories on a fresh install; its probabilities are pooled with the owner
//   model's, the owner's weight growing as n / (n + n0) with n the owner's labels (n0 = learner_min_examples:
//   half and half at 30 labels, 91% the owner's at 300);
// - sender memory: when the owner's last two labels for a sender address agree, that sender's next mail
//   gets that label, with the confidence the rule has earned on the owner's own history.
import { mailFeatures, senderAddress, type MailText } from './features.ts';

export interface Prediction {
  label: string;
  confidence: number;
  /** Every label's probability, best first. */
  ranking: { label: string; p: number }[];
  /** What answered: the owner's model, the seed, both mixed, or sender memory. */
  by: 'owner' | 'seed' | 'owner+seed' | 'sender';
}

export interface StoredExample extends MailText {
  label: string;
  /** Order in which the owner gave the label (a correction gets a new one): sender memory reads the last two. */
  seq?: number;
}

export interface LearnerState {
  version: 1;
  /** Feature and prior scheme the temperature was fitted for; an older one is refitted on load. */
  scheme?: string;
  alpha: number;
  temperature: number;
  nextSeq?: number;
  /** Examples by id: a new label for the same id replaces the old one (a correction). */
  examples: Record<string, StoredExample>;
}

/** A trained naive Bayes in a file: per feature, its count in each label (same order as `labels`). */
export interface SeedModel {
  version: 1;
  scheme: string;
  alpha: number;
  temperature: number;
  labels: string[];
  docs: number[];
  features: Record<string, number[]>;
  /** How it was made (training set, exclusions, held-out accuracy): for people, not for the code. */
  about?: Record<string, unknown>;
}

/** Bump when features or scoring change: stored temperatures and seeds of another scheme are refitted or ignored. */
export const SCHEME = 'nb-uniform-prior-bags/features-2';
const MAX_STORED_BODY = 2000;
const DEFAULT_ALPHA = 0.1;
/** Sender memory's confidence before the owner's history says otherwise: Beta(9, 1), a mean of 0.9. */
const MEMORY_PRIOR_HITS = 9;
const MEMORY_PRIOR_TRIALS = 10;
/** The owner's weight against the seed reaches one half at this many labels unless told otherwise. */
const DEFAULT_OWNER_HALF_WEIGHT = 30;

/**
 * Which bag of words a feature belongs to: Cyrillic words, other words and numbers, sender features.
 * Each label keeps one total per bag, so a label whose examples are mostly Russian does not make every
 * English word look rare in it: on mixed-language folds that was worth 8 points, in one language nothing lost.
 */
export function bagOf(feature: string): 0 | 1 | 2 {
  if (feature.startsWith('f:')) return 2;
  return /[а-яё]/.test(feature) ? 1 : 0;
}
const BAGS = 3;

/** Category descriptions as pseudo-examples: per label, its description's features (not counted as a document). */
export interface DescriptionCounts {
  key: string;
  counts: Map<string, Map<string, number>>;
  /** Per label, the descriptions' total in each bag. */
  totals: Map<string, number[]>;
  features: Set<string>;
}

/** A stable key of what the descriptions say, so unchanged descriptions are not counted again. */
export function descriptionsKey(descriptions: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(descriptions).filter(([, d]) => d.trim() !== '').sort(([a], [b]) => a.localeCompare(b)));
}

export function descriptionCounts(descriptions: Readonly<Record<string, string>> | undefined): DescriptionCounts | undefined {
  if (!descriptions) return undefined;
  const entries = Object.entries(descriptions).filter(([, d]) => d.trim() !== '');
  if (entries.length === 0) return undefined;
  const out: DescriptionCounts = { key: descriptionsKey(descriptions), counts: new Map(), totals: new Map(), features: new Set() };
  for (const [label, text] of entries) {
    // A description is a definition, not a mail: its words may turn up in a subject as well as in a body.
    const f = mailFeatures({ subject: text, body: '' });
    const totals = new Array<number>(BAGS).fill(0);
    for (const [k, c] of f) {
      totals[bagOf(k)]! += c;
      out.features.add(k);
    }
    out.counts.set(label, f);
    out.totals.set(label, totals);
  }
  return out;
}

export class NaiveBayes {
  private readonly docs = new Map<string, number>();
  private readonly featureCounts = new Map<string, Map<string, number>>();
  /** Per label, its feature total in each bag. */
  private readonly totals = new Map<string, number[]>();
  /** In how many examples each feature occurs (it is known while above zero). */
  private readonly vocab = new Map<string, number>();
  /** Distinct known features in each bag. */
  private readonly bagSize = new Array<number>(BAGS).fill(0);
  private nDocs = 0;

  /**
   * Class priors are uniform: which categories the owner happened to label most says little about the
   * next mail, and on folds of unseen senders the uniform prior beat the counted one in both languages.
   */
  constructor(
    readonly alpha = DEFAULT_ALPHA,
    public temperature = 1,
  ) {}

  static fromSeed(seed: SeedModel): NaiveBayes {
    const nb = new NaiveBayes(seed.alpha, seed.temperature);
    seed.labels.forEach((l, i) => {
      nb.docs.set(l, seed.docs[i] ?? 0);
      nb.featureCounts.set(l, new Map());
      nb.totals.set(l, new Array<number>(BAGS).fill(0));
    });
    nb.nDocs = seed.docs.reduce((a, b) => a + b, 0);
    for (const [f, counts] of Object.entries(seed.features)) {
      const bag = bagOf(f);
      nb.vocab.set(f, 1);
      nb.bagSize[bag]!++;
      counts.forEach((c, i) => {
        const l = seed.labels[i]!;
        if (c > 0) nb.featureCounts.get(l)!.set(f, c);
        nb.totals.get(l)![bag]! += c;
      });
    }
    return nb;
  }

  get size(): number {
    return this.nDocs;
  }

  labels(): string[] {
    return [...this.docs.entries()].filter(([, n]) => n > 0).map(([l]) => l).sort();
  }

  countOf(label: string): number {
    return this.docs.get(label) ?? 0;
  }

  add(features: Map<string, number>, label: string, sign: 1 | -1 = 1): void {
    this.docs.set(label, (this.docs.get(label) ?? 0) + sign);
    this.nDocs += sign;
    let fc = this.featureCounts.get(label);
    if (!fc) this.featureCounts.set(label, (fc = new Map()));
    let totals = this.totals.get(label);
    if (!totals) this.totals.set(label, (totals = new Array<number>(BAGS).fill(0)));
    for (const [f, c] of features) {
      const bag = bagOf(f);
      const v = (fc.get(f) ?? 0) + sign * c;
      if (v <= 1e-9) fc.delete(f);
      else fc.set(f, v);
      const before = this.vocab.get(f) ?? 0;
      const n = before + sign;
      if (n <= 0) this.vocab.delete(f);
      else this.vocab.set(f, n);
      if (before <= 0 && n > 0) this.bagSize[bag]!++;
      else if (before > 0 && n <= 0) this.bagSize[bag]!--;
      totals[bag] = Math.max(0, totals[bag]! + sign * c);
    }
  }

  /** Per feature, its count in each of `labels`: what a seed file stores. */
  countsFor(labels: readonly string[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const f of this.vocab.keys()) out.set(f, labels.map((l) => this.featureCounts.get(l)?.get(f) ?? 0));
    return out;
  }

  /** Log-scores per label (unnormalised), restricted to `allowed` when given, with descriptions as extra counts. */
  scores(features: Map<string, number>, allowed?: readonly string[], desc?: DescriptionCounts): { label: string; s: number }[] {
    const labels = (allowed ?? this.labels()).filter((l) => (this.docs.get(l) ?? 0) > 0);
    const vocabSize = [...this.bagSize];
    if (desc) for (const f of desc.features) if (!this.vocab.has(f)) vocabSize[bagOf(f)]!++;
    // Features nobody has seen say nothing; the rest are looked up once, with their bag.
    const known: { f: string; c: number; bag: number }[] = [];
    for (const [f, c] of features) if (this.vocab.has(f) || desc?.features.has(f)) known.push({ f, c, bag: bagOf(f) });
    const logAlpha = Math.log(this.alpha);
    return labels.map((label) => {
      const fc = this.featureCounts.get(label)!;
      const dc = desc?.counts.get(label);
      const totals = this.totals.get(label)!;
      const dt = desc?.totals.get(label);
      const logDenom = totals.map((t, b) => Math.log(t + (dt?.[b] ?? 0) + this.alpha * (vocabSize[b]! + 1)));
      let s = 0;
      for (const { f, c, bag } of known) {
        const n = (fc.get(f) ?? 0) + (dc?.get(f) ?? 0);
        s += c * ((n === 0 ? logAlpha : Math.log(n + this.alpha)) - logDenom[bag]!);
      }
      return { label, s };
    });
  }

  predictFeatures(features: Map<string, number>, allowed?: readonly string[], desc?: DescriptionCounts, temperature = this.temperature): Omit<Prediction, 'by'> | undefined {
    return softmax(this.scores(features, allowed, desc), temperature);
  }
}

function softmax(sc: readonly { label: string; s: number }[], temperature: number): Omit<Prediction, 'by'> | undefined {
  if (sc.length === 0) return undefined;
  let max = -Infinity;
  for (const x of sc) if (x.s > max) max = x.s;
  const exps = sc.map((x) => ({ label: x.label, e: Math.exp((x.s - max) / temperature) }));
  const z = exps.reduce((a, x) => a + x.e, 0);
  return ranked(exps.map((x) => ({ label: x.label, p: x.e / z })));
}

function ranked(ps: { label: string; p: number }[]): Omit<Prediction, 'by'> {
  const ranking = ps.sort((a, b) => b.p - a.p || a.label.localeCompare(b.label));
  return { label: ranking[0]!.label, confidence: ranking[0]!.p, ranking };
}

/** Splits indices 0..n-1 into k folds, stratified by label, deterministically. */
export function stratifiedFolds(labels: readonly string[], k: number): number[][] {
  const folds: number[][] = Array.from({ length: k }, () => []);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    let arr = byLabel.get(l);
    if (!arr) byLabel.set(l, (arr = []));
    arr.push(i);
  });
  let next = 0;
  for (const l of [...byLabel.keys()].sort()) {
    for (const i of byLabel.get(l)!) {
      folds[next % k]!.push(i);
      next++;
    }
  }
  return folds;
}

const TEMPERATURES = [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100];
export const DEFAULT_TEMPERATURE = TEMPERATURES[Math.floor(TEMPERATURES.length / 2)]!;

/**
 * Fits the softmax temperature minimising the log-loss of held-out predictions: k-fold over the examples,
 * or the given splits (the seed's keep each sender on one side). Naive Bayes is overconfident because it
 * counts correlated words as independent; the temperature undoes that.
 */
export function fitTemperature(
  examples: readonly { features: Map<string, number>; label: string }[],
  alpha: number,
  k = 5,
  splits?: readonly { train: readonly number[]; test: readonly number[] }[],
  desc?: DescriptionCounts,
): number {
  if (!splits && examples.length < 2 * k) return DEFAULT_TEMPERATURE;
  const heldOut: { scores: { label: string; s: number }[]; label: string }[] = [];
  const all = examples.map((_, i) => i);
  const kFold = () => stratifiedFolds(examples.map((e) => e.label), k).map((test) => {
    const held = new Set(test);
    return { test, train: all.filter((i) => !held.has(i)) };
  });
  for (const split of splits ?? kFold()) {
    const nb = new NaiveBayes(alpha);
    for (const i of split.train) nb.add(examples[i]!.features, examples[i]!.label);
    for (const i of split.test) heldOut.push({ scores: nb.scores(examples[i]!.features, undefined, desc), label: examples[i]!.label });
  }
  let best = 1;
  let bestLoss = Infinity;
  for (const t of TEMPERATURES) {
    let loss = 0;
    for (const h of heldOut) {
      if (h.scores.length === 0) continue;
      const max = Math.max(...h.scores.map((x) => x.s));
      let z = 0;
      let mine = -Infinity;
      for (const x of h.scores) {
        z += Math.exp((x.s - max) / t);
        if (x.label === h.label) mine = (x.s - max) / t;
      }
      loss -= Math.max(mine - Math.log(z), -20);
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
}

export interface PredictOptions {
  /** Owner labels at which the owner's model and the seed weigh the same (the router passes learner_min_examples). */
  ownerHalfWeight?: number;
  /** What each label means (the categories note): one more example of each label. */
  descriptions?: Readonly<Record<string, string>>;
}

/** The learner with its examples: what is persisted in the state folder. */
export class MailLearner {
  private readonly nb: NaiveBayes;
  private readonly seed: NaiveBayes | undefined;
  private readonly examples: Map<string, StoredExample>;
  /** Owner labels by sender address, oldest first. */
  private readonly bySender = new Map<string, { id: string; seq: number; label: string }[]>();
  private memoryRecord: { hits: number; trials: number } | undefined;
  private desc: { source: Readonly<Record<string, string>>; counts: DescriptionCounts | undefined } | undefined;
  private nextSeq: number;
  private changedSinceFit = 0;

  constructor(state?: LearnerState, seed?: SeedModel) {
    this.nb = new NaiveBayes(state?.alpha ?? DEFAULT_ALPHA, state?.temperature ?? DEFAULT_TEMPERATURE);
    this.seed = seed && seed.version === 1 && seed.scheme === SCHEME ? NaiveBayes.fromSeed(seed) : undefined;
    this.examples = new Map(Object.entries(state?.examples ?? {}).map(([id, ex]) => [id, { ...ex }]));
    let seq = 0;
    for (const [id, ex] of this.examples) {
      // Files from before sender memory have no order: the stored order stands in for it.
      if (ex.seq === undefined) ex.seq = seq;
      seq = Math.max(seq, ex.seq) + 1;
      this.nb.add(mailFeatures(ex), ex.label);
      this.remember(id, ex);
    }
    this.nextSeq = Math.max(state?.nextSeq ?? 0, seq);
    // A temperature fitted for other features or priors does not mean what it says any more.
    if (state && state.scheme !== SCHEME && this.examples.size > 0) this.recalibrate(true);
  }

  /** How many mails the owner labelled (the seed does not count). */
  get size(): number {
    return this.nb.size;
  }

  get temperature(): number {
    return this.nb.temperature;
  }

  get hasSeed(): boolean {
    return this.seed !== undefined;
  }

  /** How many labelled mails the seed was trained on (0 without one). */
  get seedSize(): number {
    return this.seed?.size ?? 0;
  }

  /** Labels the owner has examples of. */
  labels(): string[] {
    return this.nb.labels();
  }

  countOf(label: string): number {
    return this.nb.countOf(label);
  }

  /** True when the owner's examples or the seed can give this label. */
  knows(label: string): boolean {
    return this.nb.countOf(label) > 0 || (this.seed?.countOf(label) ?? 0) > 0;
  }

  /** Adds or corrects one example. Returns false when nothing changed. */
  learn(id: string, example: StoredExample): boolean {
    const stored: StoredExample = {
      label: example.label,
      body: example.body.length > MAX_STORED_BODY ? example.body.slice(0, MAX_STORED_BODY) : example.body,
      ...(example.subject !== undefined ? { subject: example.subject } : {}),
      ...(example.from !== undefined ? { from: example.from } : {}),
      ...(example.list ? { list: true } : {}),
      seq: this.nextSeq,
    };
    const old = this.examples.get(id);
    if (old && old.label === stored.label && old.body === stored.body && old.subject === stored.subject && old.from === stored.from && !!old.list === !!stored.list) return false;
    if (old) {
      this.nb.add(mailFeatures(old), old.label, -1);
      this.unremember(id, old);
    }
    this.nextSeq++;
    this.nb.add(mailFeatures(stored), stored.label);
    this.examples.set(id, stored);
    this.remember(id, stored);
    this.changedSinceFit++;
    return true;
  }

  forget(id: string): boolean {
    const old = this.examples.get(id);
    if (!old) return false;
    this.nb.add(mailFeatures(old), old.label, -1);
    this.unremember(id, old);
    this.examples.delete(id);
    this.changedSinceFit++;
    return true;
  }

  /** Refits the confidence calibration when enough has changed (cheap: counting only). */
  recalibrate(force = false): boolean {
    if (!force && this.changedSinceFit < Math.max(10, this.examples.size * 0.1)) return false;
    const list = [...this.examples.values()].map((e) => ({ features: mailFeatures(e), label: e.label }));
    this.nb.temperature = fitTemperature(list, this.nb.alpha);
    this.changedSinceFit = 0;
    return true;
  }

  predict(mail: MailText, allowed?: readonly string[], opts: PredictOptions = {}): Prediction | undefined {
    const features = mailFeatures(mail);
    const desc = this.descriptionsFor(opts.descriptions);
    const p = this.blend(features, allowed, opts.ownerHalfWeight ?? DEFAULT_OWNER_HALF_WEIGHT, desc);
    return this.recall(mail.from, allowed, p);
  }

  /** The sender memory's label for this sender, if the owner's last two labels for it agree. */
  senderLabel(from: string | undefined): string | undefined {
    const list = this.bySender.get(senderAddress(from));
    if (!list || list.length < 2) return undefined;
    const [a, b] = [list[list.length - 1]!, list[list.length - 2]!];
    return a.label === b.label ? a.label : undefined;
  }

  /** How often sender memory was right on the owner's own history, smoothed towards its prior. */
  senderMemoryConfidence(): number {
    this.memoryRecord ??= this.replayMemory();
    return (this.memoryRecord.hits + MEMORY_PRIOR_HITS) / (this.memoryRecord.trials + MEMORY_PRIOR_TRIALS);
  }

  toState(): LearnerState {
    return { version: 1, scheme: SCHEME, alpha: this.nb.alpha, temperature: this.nb.temperature, nextSeq: this.nextSeq, examples: Object.fromEntries(this.examples) };
  }

  /** The descriptions' counts, rebuilt only when the descriptions change. */
  private descriptionsFor(descriptions: Readonly<Record<string, string>> | undefined): DescriptionCounts | undefined {
    if (!descriptions) return undefined;
    if (this.desc?.source === descriptions) return this.desc.counts;
    const key = descriptionsKey(descriptions);
    if (this.desc?.counts?.key !== key) this.desc = { source: descriptions, counts: descriptionCounts(descriptions) };
    else this.desc = { source: descriptions, counts: this.desc.counts };
    return this.desc.counts;
  }

  /**
   * The owner's model and the seed, pooled log-linearly (p ∝ p_owner^w · p_seed^(1-w)) with w = n / (n + n0):
   * where both lean the same way the answer is surer than either, which kept the pooled confidence
   * calibrated on a simulated inbox (an arithmetic mean of the two came out 13 points underconfident).
   * A label only one of them knows (a category of the owner's own) takes that one's word for both.
   */
  private blend(features: Map<string, number>, allowed: readonly string[] | undefined, half: number, desc: DescriptionCounts | undefined): Prediction | undefined {
    const own = this.nb.predictFeatures(features, allowed, desc);
    const seed = this.seed?.predictFeatures(features, allowed, desc);
    if (!seed) return own && { ...own, by: 'owner' };
    if (!own) return { ...seed, by: 'seed' };
    const w = this.size / (this.size + Math.max(1, half));
    const po = new Map(own.ranking.map((r) => [r.label, r.p]));
    const ps = new Map(seed.ranking.map((r) => [r.label, r.p]));
    const pooled: { label: string; p: number }[] = [];
    let z = 0;
    for (const label of new Set([...po.keys(), ...ps.keys()])) {
      const a = po.get(label) ?? ps.get(label)!;
      const b = ps.get(label) ?? a;
      const p = Math.exp(w * Math.log(a + 1e-12) + (1 - w) * Math.log(b + 1e-12));
      pooled.push({ label, p });
      z += p;
    }
    return { ...ranked(pooled.map((x) => ({ label: x.label, p: x.p / z }))), by: 'owner+seed' };
  }

  /** Sender memory over the model's answer: the owner's last two labels for this address, when they agree. */
  private recall(from: string | undefined, allowed: readonly string[] | undefined, p: Prediction | undefined): Prediction | undefined {
    const label = this.senderLabel(from);
    if (!label || (allowed && !allowed.includes(label))) return p;
    const mine = p?.ranking.find((r) => r.label === label)?.p ?? 0;
    if (p && p.label === label && mine >= this.senderMemoryConfidence()) return p;
    const confidence = Math.max(mine, this.senderMemoryConfidence());
    // The rest of the ranking keeps its proportions in what is left.
    const rest = (p?.ranking ?? []).filter((r) => r.label !== label);
    const restSum = rest.reduce((a, r) => a + r.p, 0);
    const ranking = [{ label, p: confidence }, ...rest.map((r) => ({ label: r.label, p: restSum > 0 ? (r.p / restSum) * (1 - confidence) : 0 }))];
    return { label, confidence, ranking, by: 'sender' };
  }

  private remember(id: string, ex: StoredExample): void {
    const addr = senderAddress(ex.from);
    if (!addr) return;
    const list = this.bySender.get(addr) ?? [];
    list.push({ id, seq: ex.seq ?? 0, label: ex.label });
    list.sort((a, b) => a.seq - b.seq);
    this.bySender.set(addr, list);
    this.memoryRecord = undefined;
  }

  private unremember(id: string, ex: StoredExample): void {
    const addr = senderAddress(ex.from);
    const list = this.bySender.get(addr);
    if (!list) return;
    const rest = list.filter((e) => e.id !== id);
    if (rest.length > 0) this.bySender.set(addr, rest);
    else this.bySender.delete(addr);
    this.memoryRecord = undefined;
  }

  /** Every time the owner's last two labels for an address agreed, was their next label the same? */
  private replayMemory(): { hits: number; trials: number } {
    let hits = 0;
    let trials = 0;
    for (const list of this.bySender.values()) {
      for (let i = 2; i < list.length; i++) {
        if (list[i - 1]!.label !== list[i - 2]!.label) continue;
        trials++;
        if (list[i]!.label === list[i - 1]!.label) hits++;
      }
    }
    return { hits, trials };
  }
}
