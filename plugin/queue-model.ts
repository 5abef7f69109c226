// The decision queue as the plugin shows it: pure, tested without Obsidian.
import { decisionItem, rankQueue, validateFrontmatter, type Frontmatter } from '../contract/index.ts';

export interface QueueRow {
  path: string;
  item: Frontmatter<'decision_item'>;
}

/**
 * Open items, and deferred ones whose date has come, most severe and soonest first. Only notes in the
 * queue folder count: a note elsewhere that claims to be a decision (a mailed attachment) is not one.
 */
export function openQueue(notes: { path: string; frontmatter: Record<string, unknown> | undefined }[], today: string, queueFolder = decisionItem.defaultFolder): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const n of notes) {
    if (n.frontmatter?.aios_kind !== 'decision_item' || !n.path.startsWith(`${queueFolder}/`)) continue;
    const v = validateFrontmatter(n.frontmatter);
    if (!v.ok) continue;
    rows.push({ path: n.path, item: v.data as unknown as Frontmatter<'decision_item'> });
  }
  return rankQueue(rows, (r) => r.item, today);
}

/** The options of an item as (id, text) pairs; the answer is written as the id, so a reworded text still acts. */
export function optionsOf(item: Pick<Frontmatter<'decision_item'>, 'options' | 'option_ids'>): { id: string; text: string }[] {
  return item.options.map((text, i) => ({ id: item.option_ids[i] ?? text, text }));
}

/** The owner's keys to set when answering; only keys the contract lets the owner change. */
export function answerPatch(optionId: string, now: string, comment?: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'decided', answer: optionId, decided_at: now, ...(comment ? { comment } : {}) };
}

export function deferPatch(until: string): Partial<Frontmatter<'decision_item'>> {
  return { status: 'deferred', deferred_until: until };
}
