// The seed model shipped with the companion (seed-model.json beside this file, written by
// scripts/train-seed.ts from test/fixtures/labelled-mail): the learner's answer for the default
// categories before the owner has labelled anything. Read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEME, type SeedModel } from '../providers/learner.ts';

export const SEED_FILE = fileURLToPath(new URL('./seed-model.json', import.meta.url));

let cached: SeedModel | null | undefined;

/** The shipped seed, or undefined when it is missing or was trained for other features. */
export function shippedSeed(): SeedModel | undefined {
  if (cached === undefined) {
    cached = null;
    try {
      if (existsSync(SEED_FILE)) {
        const s = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as SeedModel;
        // A seed of another scheme would score features it never saw: better none than a wrong one.
        if (s.version === 1 && s.scheme === SCHEME && Array.isArray(s.labels)) cached = s;
      }
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
