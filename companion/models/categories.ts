// The mail categories from the rules note `categories` (category | description).
import type { Settings } from '../core/job.ts';

export const DEFAULT_CATEGORIES = ['invoice', 'payment_notice', 'contract', 'claim', 'client_request', 'newsletter', 'notification', 'other'] as const;

/** What a message must show for a category to be chosen: an amount it states, no deadline it sets. */
export type CategoryNeed = 'amount' | 'no_deadline';
const NEEDS: readonly CategoryNeed[] = ['amount', 'no_deadline'];

export interface Categories {
  labels: string[];
  descriptions: Record<string, string>;
  /** From the note's `Needs` column: a category is offered for a message only when it has what it needs. */
  needs: Record<string, CategoryNeed[]>;
}

export function categoriesFromRows(rows: readonly Record<string, string>[]): Categories {
  const labels: string[] = [];
  const descriptions: Record<string, string> = {};
  const needs: Record<string, CategoryNeed[]> = {};
  for (const r of rows) {
    const name = (r.category ?? r.name ?? '').trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name) || labels.includes(name)) continue;
    labels.push(name);
    if (r.description) descriptions[name] = r.description.trim();
    const n = (r.needs ?? '').split(',').map((x) => x.trim().toLowerCase().replace(/\s+/g, '_')).filter((x): x is CategoryNeed => (NEEDS as readonly string[]).includes(x));
    if (n.length) needs[name] = n;
  }
  return labels.length > 0 ? { labels, descriptions, needs } : { labels: [...DEFAULT_CATEGORIES], descriptions: {}, needs: {} };
}

export function categoriesFromSettings(settings: Settings): Categories {
  return categoriesFromRows(settings.rules('categories'));
}
