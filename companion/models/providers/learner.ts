// The built-in learner: a multinomial naive Bayes over mail features, needing no server. It learns from
// the owner's labelled mail and corrections one example at a time (a corrected label is unlearned and
// relearned exactly), and answers with a confidence calibrated by a temperature fitted on held-out folds,
// so "0.9" means right about nine times in ten.
import { mailFeatures, type MailText } from './features.ts';

export interface Prediction {
  label: string;
  confidence: number;
  /** Every label's probability, best first. */
  ranking: { label: string; p: number }[];
}

export interface StoredExample extends MailText {
  label: string;
}

export interface LearnerState {
  version: 1;
  alpha: number;
  temperature: number;
  /** Examples by id: a new label for the same id replaces the old one (a correction). */
  examples: Record<string, StoredExample>;
}

const MAX_STORED_BODY = 2000;

export class NaiveBayes {
  private readonly docs = new Map<string, number>();
  private readonly featureCounts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly vocab = new Map<string, number>();
  private nDocs = 0;

  constructor(
    readonly alpha = 0.1,
    public temperature = 1,
  ) {}

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
    let total = 0;
    for (const [f, c] of features) {
      const v = (fc.get(f) ?? 0) + sign * c;
      if (v <= 1e-9) fc.delete(f);
      else fc.set(f, v);
      const n = (this.vocab.get(f) ?? 0) + sign;
      if (n <= 0) this.vocab.delete(f);
      else this.vocab.set(f, n);
      total += c;
    }
    this.totals.set(label, Math.max(0, (this.totals.get(label) ?? 0) + sign * total));
  }

  /** Log-scores per label (unnormalised), restricted to `allowed` when given. */
  scores(features: Map<string, number>, allowed?: readonly string[]): { label: string; s: number }[] {
    const labels = (allowed ?? this.labels()).filter((l) => (this.docs.get(l) ?? 0) > 0);
    const v = this.vocab.size + 1;
    return labels.map((label) => {
      const fc = this.featureCounts.get(label)!;
      const denom = Math.log((this.totals.get(label) ?? 0) + this.alpha * v);
      let s = Math.log((this.docs.get(label) ?? 0) / this.nDocs);
      for (const [f, c] of features) {
        if (!this.vocab.has(f)) continue; // unseen everywhere: says nothing
        s += c * (Math.log((fc.get(f) ?? 0) + this.alpha) - denom);
      }
      return { label, s };
    });
  }

  predictFeatures(features: Map<string, number>, allowed?: readonly string[], temperature = this.temperature): Prediction | undefined {
    const sc = this.scores(features, allowed);
    if (sc.length === 0) return undefined;
    const max = Math.max(...sc.map((x) => x.s));
    const exps = sc.map((x) => ({ label: x.label, e: Math.exp((x.s - max) / temperature) }));
    const z = exps.reduce((a, x) => a + x.e, 0);
    const ranking = exps.map((x) => ({ label: x.label, p: x.e / z })).sort((a, b) => b.p - a.p || a.label.localeCompare(b.label));
    return { label: ranking[0]!.label, confidence: ranking[0]!.p, ranking };
  }
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

/**
 * Fits the softmax temperature minimising the log-loss of held-out predictions (k-fold over the examples).
 * Naive Bayes is overconfident because it counts correlated words as independent; the temperature undoes that.
 */
export function fitTemperature(examples: readonly { features: Map<string, number>; label: string }[], alpha: number, k = 5): number {
  if (examples.length < 2 * k) return TEMPERATURES[Math.floor(TEMPERATURES.length / 2)]!;
  const folds = stratifiedFolds(examples.map((e) => e.label), k);
  const heldOut: { scores: { label: string; s: number }[]; label: string }[] = [];
  for (const fold of folds) {
    const inFold = new Set(fold);
    const nb = new NaiveBayes(alpha);
    examples.forEach((e, i) => {
      if (!inFold.has(i)) nb.add(e.features, e.label);
    });
    for (const i of fold) heldOut.push({ scores: nb.scores(examples[i]!.features), label: examples[i]!.label });
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

/** The learner with its examples: what is persisted in the state folder. */
export class MailLearner {
  private readonly nb: NaiveBayes;
  private readonly examples: Map<string, StoredExample>;
  private changedSinceFit = 0;

  constructor(state?: LearnerState) {
    this.nb = new NaiveBayes(state?.alpha ?? 0.1, state?.temperature ?? 5);
    this.examples = new Map(Object.entries(state?.examples ?? {}));
    for (const ex of this.examples.values()) this.nb.add(mailFeatures(ex), ex.label);
  }

  get size(): number {
    return this.nb.size;
  }

  get temperature(): number {
    return this.nb.temperature;
  }

  labels(): string[] {
    return this.nb.labels();
  }

  countOf(label: string): number {
    return this.nb.countOf(label);
  }

  /** Adds or corrects one example. Returns false when nothing changed. */
  learn(id: string, example: StoredExample): boolean {
    const stored: StoredExample = {
      label: example.label,
      body: example.body.length > MAX_STORED_BODY ? example.body.slice(0, MAX_STORED_BODY) : example.body,
      ...(example.subject !== undefined ? { subject: example.subject } : {}),
      ...(example.from !== undefined ? { from: example.from } : {}),
      ...(example.list ? { list: true } : {}),
    };
    const old = this.examples.get(id);
    if (old && old.label === stored.label && old.body === stored.body && old.subject === stored.subject && old.from === stored.from) return false;
    if (old) this.nb.add(mailFeatures(old), old.label, -1);
    this.nb.add(mailFeatures(stored), stored.label);
    this.examples.set(id, stored);
    this.changedSinceFit++;
    return true;
  }

  forget(id: string): boolean {
    const old = this.examples.get(id);
    if (!old) return false;
    this.nb.add(mailFeatures(old), old.label, -1);
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

  predict(mail: MailText, allowed?: readonly string[]): Prediction | undefined {
    return this.nb.predictFeatures(mailFeatures(mail), allowed);
  }

  toState(): LearnerState {
    return { version: 1, alpha: this.nb.alpha, temperature: this.nb.temperature, examples: Object.fromEntries(this.examples) };
  }
}
