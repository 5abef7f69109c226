// The decision queue as the plugin shows it: pure, tested without Obsidian.
import { validateFrontmatter, type Frontmatter } from '../contract/index.ts';

export interface QueueRow {
  path: string;
  item: Frontmatter<'decision_item'>;
}

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Open items, and deferred ones whose date has come, most severe and soonest first. */
export function openQueue(notes: { path: string; frontmatter: Record<string, unknown> | undefined }[], today: string): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const n of notes) {
    if (n.frontmatter?.aios_kind !== 'decision_item') continue;
    const v = validateFrontmatter(n.frontmatter);
    if (!v.ok) continue;
    const item = v.data as unknown as Frontmatter<'decision_item'>;
    const due = item.status === 'open' || (item.status === 'deferred' && (item.deferred_until ?? '') <= today);
    if (due) rows.push({ path: n.path, item });
  }
  return rows.sort(
    (a, b) =>
      SEVERITY_ORDER[a.item.severity] - SEVERITY_ORDER[b.item.severity] ||
      (a.item.deadline ?? '9999').localeCompare(b.item.deadline ?? '9999') ||
      a.item.created.localeCompare(b.item.created),
  );
}

/** The owner's keys to set when answering; only keys the contract lets the owner change. */
export function answerPatch(answer: string, now: string, comment?: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'decided', answer, decided_at: now, ...(comment ? { comment } : {}) };
}

export function deferPatch(until: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'deferred', deferred_until: until };
}
