// The mail categories from the rules note `categories` (category | description).
import type { Settings } from '../core/job.ts';

export const DEFAULT_CATEGORIES = ['invoice', 'payment_notice', 'contract', 'claim', 'client_request', 'newsletter', 'notification', 'other'] as const;

export interface Categories {
  labels: string[];
  descriptions: Record<string, string>;
}

export function categoriesFromRows(rows: readonly Record<string, string>[]): Categories {
  const labels: string[] = [];
  const descriptions: Record<string, string> = {};
  for (const r of rows) {
    const name = (r.category ?? r.name ?? '').trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name) || labels.includes(name)) continue;
    labels.push(name);
    if (r.description) descriptions[name] = r.description.trim();
  }
  return labels.length > 0 ? { labels, descriptions } : { labels: [...DEFAULT_CATEGORIES], descriptions: {} };
}

export function categoriesFromSettings(settings: Settings): Categories {
  return categoriesFromRows(settings.rules('categories'));
}
