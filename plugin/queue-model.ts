// The decision queue as the plugin shows it: pure, tested without Obsidian.
import { rankQueue, validateFrontmatter, type Frontmatter } from '../contract/index.ts';

export interface QueueRow {
  path: string;
  item: Frontmatter<'decision_item'>;
}

/** Open items, and deferred ones whose date has come, most severe and soonest first. */
export function openQueue(notes: { path: string; frontmatter: Record<string, unknown> | undefined }[], today: string): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const n of notes) {
    if (n.frontmatter?.aios_kind !== 'decision_item') continue;
    const v = validateFrontmatter(n.frontmatter);
    if (!v.ok) continue;
    rows.push({ path: n.path, item: v.data as unknown as Frontmatter<'decision_item'> });
  }
  return rankQueue(rows, (r) => r.item, today);
}

/** The owner's keys to set when answering; only keys the contract lets the owner change. */
export function answerPatch(answer: string, now: string, comment?: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'decided', answer, decided_at: now, ...(comment ? { comment } : {}) };
}

export function deferPatch(until: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'deferred', deferred_until: until };
}
