// The decision queue's order, one for everyone who shows it (the plugin's views, the digest, `aios
// status`): due items only, most severe first, then the nearest deadline, then the oldest.
import type * as z from 'zod/mini';
import type { decisionItem } from './kinds/decisions.ts';

export const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

type Item = Pick<z.infer<typeof decisionItem.schema>, 'status' | 'severity' | 'deadline' | 'created' | 'deferred_until'>;

/** An item that waits for the owner today: open, or deferred to a day that has come. */
export function isDue(item: Pick<Item, 'status' | 'deferred_until'>, today: string): boolean {
  return item.status === 'open' || (item.status === 'deferred' && (item.deferred_until ?? '') <= today);
}

/** Compares two items for the queue's order. */
export function compareQueueItems(a: Item, b: Item): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') ||
    a.created.localeCompare(b.created)
  );
}

/** The due items of a list, in the queue's order. */
export function rankQueue<T>(rows: readonly T[], item: (row: T) => Item, today: string): T[] {
  return rows.filter((r) => isDue(item(r), today)).sort((a, b) => compareQueueItems(item(a), item(b)));
}
