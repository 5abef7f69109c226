// One message catalogue per language: the companion writes the owner's texts from these, in the
// language the settings name.
import { en, type Catalogue } from './en.ts';
import { ru } from './ru.ts';
import type { JobContext } from '../job.ts';

export type Language = 'en' | 'ru';
export type { Catalogue };

const CATALOGUES: Record<Language, Catalogue> = { en, ru };

export function catalogue(language: string): Catalogue {
  return CATALOGUES[language as Language] ?? en;
}

/** The catalogue of the language a job's settings name. */
export function catalogueFor(ctx: Pick<JobContext, 'settings'>): Catalogue {
  return catalogue(ctx.settings.string('language'));
}
