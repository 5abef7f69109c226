// The learner's persistence in the models' state folder (outside the vault) and its training from the
// owner's labelled mail notes. A label counts as the owner's when the companion did not write it itself:
// a category the companion wrote into a note is in the note's `aios_wrote` record (and the ones it proposes
// elsewhere are recorded here), so its own guesses never train the learner, nor sender memory.
import type { StateDir } from '../core/state.ts';
import { parseWrote, valueDigest } from '../core/frontmatter.ts';
import { WROTE_KEY } from '../../contract/index.ts';
import { MailLearner, type LearnerState, type SeedModel } from './providers/learner.ts';
import { shippedSeed } from './seed/seed.ts';
import type { LabelledExample } from '../core/models.ts';

const FILE = 'learner.json';
const PREDICTIONS = 'learner-predictions.json';

export interface LearnerStoreOptions {
  /** The seed model; by default the one shipped in companion/models/seed/, `null` for none. */
  seed?: SeedModel | null;
}

export class LearnerStore {
  private learner: MailLearner | undefined;

  constructor(
    private readonly state: StateDir,
    private readonly opts: LearnerStoreOptions = {},
  ) {}

  get(): MailLearner {
    if (!this.learner) {
      const s = this.state.readJson<LearnerState | null>(FILE, null);
      const seed = this.opts.seed === null ? undefined : (this.opts.seed ?? shippedSeed());
      this.learner = new MailLearner(s?.version === 1 ? s : undefined, seed);
    }
    return this.learner;
  }

  save(): void {
    if (this.learner) this.state.writeJson(FILE, this.learner.toState());
  }

  /** Learns one owner label (or correction) and persists it. */
  learn(ex: LabelledExample, save = true): boolean {
    const l = this.get();
    const changed = l.learn(ex.id, {
      label: ex.label,
      body: ex.body,
      ...(ex.subject !== undefined ? { subject: ex.subject } : {}),
      ...(ex.from !== undefined ? { from: ex.from } : {}),
      ...(ex.list ? { list: true } : {}),
    });
    if (changed && save) {
      l.recalibrate();
      this.save();
    }
    return changed;
  }

  /** The category the companion itself wrote into a note: not an owner label. */
  recordPrediction(id: string, label: string): void {
    const p = this.state.readJson<Record<string, string>>(PREDICTIONS, {});
    p[id] = label;
    this.state.writeJson(PREDICTIONS, p);
  }

  predictions(): Record<string, string> {
    return this.state.readJson<Record<string, string>>(PREDICTIONS, {});
  }
}

export interface MailNoteLike {
  path: string;
  frontmatter: Record<string, unknown>;
}

/**
 * Takes the owner's labels from mail notes: every note whose `category` is one of `categories` and is not
 * the companion's own unchanged guess. Returns how many examples were added or corrected.
 */
export function syncOwnerLabels(
  store: LearnerStore,
  notes: readonly MailNoteLike[],
  readBody: (path: string) => string,
  categories: readonly string[],
): { learned: number; skipped: number } {
  const guesses = store.predictions();
  const allowed = new Set(categories);
  let learned = 0;
  let skipped = 0;
  for (const n of notes) {
    const cat = n.frontmatter.category;
    if (typeof cat !== 'string' || !allowed.has(cat)) continue;
    // Still exactly what the companion wrote (triage): its own guess, not the owner's word.
    const wrote = parseWrote(n.frontmatter[WROTE_KEY])?.get('category');
    if (guesses[n.path] === cat || (wrote !== undefined && wrote === valueDigest(cat))) {
      skipped++;
      continue;
    }
    const from = typeof n.frontmatter.from === 'string' ? n.frontmatter.from : undefined;
    const ex: LabelledExample = {
      id: n.path,
      label: cat,
      subject: typeof n.frontmatter.subject === 'string' ? n.frontmatter.subject : '',
      body: readBody(n.path),
      ...(from ? { from } : {}),
      list: n.frontmatter.list === true,
    };
    if (store.learn(ex, false)) learned++;
  }
  if (learned > 0) {
    store.get().recalibrate();
    store.save();
  }
  return { learned, skipped };
}
