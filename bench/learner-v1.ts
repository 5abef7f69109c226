// The learner as it was before the seed model, text cleaning and sender memory (commit b5ed24c):
// features, naive Bayes and temperature calibration copied verbatim (exports renamed with `V1`), kept only
// so bench/learner.bench.ts can compare the current learner against it on the same folds. Not used by the product.

export interface MailText {
  subject?: string;
  body: string;
  from?: string;
  list?: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;
/** Bodies are cut here: the signal is at the top, and a pasted 1 MB log must not slow the queue. */
const MAX_BODY = 3000;
const STEM = 6;

const STOP = new Set([
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'we', 'you', 'i', 'it', 'this', 'that', 'with', 'at', 'as', 'by', 'our', 'your',
  'и', 'в', 'во', 'не', 'на', 'с', 'со', 'по', 'к', 'а', 'но', 'что', 'это', 'мы', 'вы', 'я', 'о', 'об', 'за', 'из', 'у', 'же', 'ли', 'бы', 'от', 'до', 'для',
]);

function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().replace(/ё/g, 'е').matchAll(WORD)) {
    let w = m[0];
    if (/\d/.test(w)) {
      // Numbers carry their shape, not their value: 20-digit accounts, dates, amounts.
      w = `#${w.replace(/\p{L}+/gu, 'a').replace(/\d+/g, (d) => `d${Math.min(d.length, 12)}`)}`;
    }
    out.push(w);
  }
  return out;
}

interface FeatureOptions {
  stem: number;
  bigrams: boolean;
  charGrams: number;
  senderWeight: number;
  subject: boolean;
}

const DEFAULT_FEATURES: FeatureOptions = { stem: STEM, bigrams: false, charGrams: 0, senderWeight: 2, subject: true };

/** Adds the features of one text into `into` with a prefix (`s:` subject, `b:` body). Presence, not counts: */
/** a word repeated in a long mail says no more about its category than once. */
function addText(into: Map<string, number>, text: string, prefix: string, o: FeatureOptions): void {
  const ws = words(text);
  let prev = '';
  for (const w of ws) {
    if (STOP.has(w)) {
      prev = '';
      continue;
    }
    into.set(prefix + w, 1);
    if (w[0] !== '#') {
      if (w.length > o.stem + 1) into.set(`${prefix}~${w.slice(0, o.stem)}`, 1);
      if (o.charGrams > 0 && w.length > o.charGrams) {
        const padded = ` ${w} `;
        for (let i = 0; i + o.charGrams <= padded.length; i++) into.set(`${prefix}%${padded.slice(i, i + o.charGrams)}`, 1);
      }
    }
    if (o.bigrams && prev) into.set(`${prefix}${prev}_${w}`, 1);
    prev = w;
  }
}

function inc(m: Map<string, number>, k: string, by: number): void {
  m.set(k, by);
}

/** Sender features (the domain and its organisation part, the local part's words such as billing or noreply, the list flag), weighted double: who writes says as much as what they write. */
function addSender(into: Map<string, number>, from: string | undefined, list: boolean | undefined, w: number): void {
  if (list) inc(into, 'f:list', 2 * w);
  if (!from) return;
  const addr = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const at = addr.lastIndexOf('@');
  if (at < 0) return;
  const local = addr.slice(0, at).toLowerCase();
  const domain = addr.slice(at + 1).toLowerCase().trim();
  inc(into, `f:dom:${domain}`, w);
  const parts = domain.split('.');
  if (parts.length >= 2) inc(into, `f:org:${parts[parts.length - 2]}`, w);
  for (const p of local.split(/[^a-z0-9а-я]+/)) if (p && !/^\d+$/.test(p)) inc(into, `f:loc:${p}`, w);
}

export function v1MailFeatures(mail: MailText, o: FeatureOptions = DEFAULT_FEATURES): Map<string, number> {
  const f = new Map<string, number>();
  if (mail.subject && o.subject) addText(f, mail.subject, 's:', o);
  if (mail.subject) addText(f, mail.subject, 'b:', o);
  addText(f, mail.body.length > MAX_BODY ? mail.body.slice(0, MAX_BODY) : mail.body, 'b:', o);
  addSender(f, mail.from, mail.list, o.senderWeight);
  return f;
}


interface Prediction {
  label: string;
  confidence: number;
  /** Every label's probability, best first. */
  ranking: { label: string; p: number }[];
}

interface StoredExample extends MailText {
  label: string;
}

interface LearnerState {
  version: 1;
  alpha: number;
  temperature: number;
  /** Examples by id: a new label for the same id replaces the old one (a correction). */
  examples: Record<string, StoredExample>;
}

const MAX_STORED_BODY = 2000;

class NaiveBayes {
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
function stratifiedFolds(labels: readonly string[], k: number): number[][] {
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
function fitTemperature(examples: readonly { features: Map<string, number>; label: string }[], alpha: number, k = 5): number {
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
export class V1MailLearner {
  private readonly nb: NaiveBayes;
  private readonly examples: Map<string, StoredExample>;
  private changedSinceFit = 0;

  constructor(state?: LearnerState) {
    this.nb = new NaiveBayes(state?.alpha ?? 0.1, state?.temperature ?? 5);
    this.examples = new Map(Object.entries(state?.examples ?? {}));
    for (const ex of this.examples.values()) this.nb.add(v1MailFeatures(ex), ex.label);
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
    if (old) this.nb.add(v1MailFeatures(old), old.label, -1);
    this.nb.add(v1MailFeatures(stored), stored.label);
    this.examples.set(id, stored);
    this.changedSinceFit++;
    return true;
  }

  forget(id: string): boolean {
    const old = this.examples.get(id);
    if (!old) return false;
    this.nb.add(v1MailFeatures(old), old.label, -1);
    this.examples.delete(id);
    this.changedSinceFit++;
    return true;
  }

  /** Refits the confidence calibration when enough has changed (cheap: counting only). */
  recalibrate(force = false): boolean {
    if (!force && this.changedSinceFit < Math.max(10, this.examples.size * 0.1)) return false;
    const list = [...this.examples.values()].map((e) => ({ features: v1MailFeatures(e), label: e.label }));
    this.nb.temperature = fitTemperature(list, this.nb.alpha);
    this.changedSinceFit = 0;
    return true;
  }

  predict(mail: MailText, allowed?: readonly string[]): Prediction | undefined {
    return this.nb.predictFeatures(v1MailFeatures(mail), allowed);
  }

  toState(): LearnerState {
    return { version: 1, alpha: this.nb.alpha, temperature: this.nb.temperature, examples: Object.fromEntries(this.examples) };
  }
}
