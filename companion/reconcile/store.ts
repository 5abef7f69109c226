// Invoice records on disk: found invoices grouped into the record each belongs to, and the records
// written: a new one created with its body, a known one changed only in the keys whose value changed
// (many at once, owner-safe). Both the import job and the reconciliation pass go through here.
import { formatMoney, moneyFromNumber, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import { updateCompanionNotes } from '../core/note-batch.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import { byText } from '../core/bank.ts';
import { RESCANNED, RecordIndex, SOURCE_RANK, mergeFound, type Found, type RecordFm, type RecordView } from './records.ts';
import type { InvoiceSource } from './types.ts';

/** One record with the found invoices that belong to it this run. */
export interface Group {
  path: string;
  prev?: RecordFm;
  found: Found[];
}

export function existingRecords(ctx: Pick<JobContext, 'index'>): RecordView[] {
  // By path: the index lists notes in the order they were last written, and what is derived from the
  // records (tables, ties between equal candidates) must not depend on that.
  return ctx.index.byKind('invoice_record').sort((a, b) => byText(a.path, b.path)).map((e) => ({ path: e.path, fm: e.frontmatter as RecordFm }));
}

/** Puts each found invoice with the record it belongs to, a new record where none does. */
export function groupFound(ctx: Pick<JobContext, 'vault'>, records: readonly RecordView[], found: readonly Found[]): Map<string, Group> {
  const index = new RecordIndex(records);
  const byPath = new Map(records.map((r) => [r.path, r]));
  const groups = new Map<string, Group>();
  for (const f of found) {
    let hit = index.find(f);
    if (!hit) {
      const fm = draft(mergeFound(undefined, [f]));
      hit = { path: ctx.vault.pathFor('invoice_record', fm), fm };
      index.add(hit);
    }
    let g = groups.get(hit.path);
    if (!g) {
      const prev = byPath.get(hit.path)?.fm;
      groups.set(hit.path, (g = { path: hit.path, ...(prev ? { prev } : {}), found: [] }));
    }
    g.found.push(f);
  }
  return groups;
}

/** A merged record with the payment keys a new one starts with. */
function draft(m: ReturnType<typeof mergeFound>): RecordFm {
  return { ...m, amount_paid: m.amount_paid ?? 0, outstanding: m.outstanding ?? m.amount, status: m.status ?? 'open', payments: m.payments ?? [] } as RecordFm;
}

/**
 * The record a group makes: its figures from the best source. A record first made from a document read
 * once (an import) keeps that document's figures when what is found now (a mail, the owner's note)
 * ranks no higher.
 */
export function recordOf(g: Group): RecordFm {
  const merged = draft(mergeFound(g.prev, g.found));
  const prev = g.prev;
  if (!prev || RESCANNED.has(prev.source as InvoiceSource)) return merged;
  const best = Math.max(...g.found.map((f) => SOURCE_RANK[f.doc.source]));
  if (SOURCE_RANK[prev.source] < best) return merged;
  return { ...merged, ...pick(prev, FIGURES) };
}

const FIGURES = ['number', 'document', 'direction', 'issued', 'due', 'amount', 'vat', 'prepaid', 'currency', 'contract_number', 'refers_to', 'source', 'source_hash'] as const;

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function recordBody(t: Catalogue, fm: RecordFm): string {
  return [
    `# ${t['reconcile.record.title']({ number: fm.number, party: fm.counterparty_name ?? '', way: fm.direction, credit: fm.document === 'credit_note' })}`,
    '',
    t['reconcile.record.about']({ amount: `${formatMoney(moneyFromNumber(fm.amount))} ${fm.currency}` }),
    '',
  ].join('\n');
}

/** Equal as properties: scalars by value, lists element by element (the keys records have). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? null) === (b ?? null);
}

const WRITE_SLICE = 1000;

export interface WriteCounts {
  created: number;
  updated: number;
  removed: number;
}

/**
 * Writes records: `next` by path, `prev` as they stand (absent for new ones). A known record gets only
 * the keys whose value changed, so a second run with nothing new writes nothing.
 */
export async function writeRecords(ctx: Pick<JobContext, 'vault'>, t: Catalogue, next: ReadonlyMap<string, RecordFm>, prev: ReadonlyMap<string, RecordFm>): Promise<WriteCounts> {
  const counts: WriteCounts = { created: 0, updated: 0, removed: 0 };
  const patches: { path: string; patch: Record<string, unknown> }[] = [];
  for (const [path, fm] of next) {
    const old = prev.get(path);
    if (!old) {
      const r = ctx.vault.writeCompanionNote('invoice_record', fm as Frontmatter<'invoice_record'>, recordBody(t, fm), { path });
      if (r.outcome === 'created' || r.outcome === 'updated') counts.created++;
      continue;
    }
    const patch: Record<string, unknown> = {};
    const keys = new Set([...Object.keys(fm), ...Object.keys(old)].filter((k) => !k.startsWith('aios_') && k !== 'tags' && k !== 'comment'));
    for (const k of keys) {
      const v = (fm as Record<string, unknown>)[k];
      if (!same(v, (old as Record<string, unknown>)[k])) patch[k] = v;
    }
    if (Object.keys(patch).length) patches.push({ path, patch });
  }
  // In slices: a slice's notes are read once (the write plans from those bytes and replaces only them)
  // and held until written, so memory stays bounded however many records change.
  for (let i = 0; i < patches.length; i += WRITE_SLICE) {
    const slice = patches.slice(i, i + WRITE_SLICE).map((p) => ({ ...p, read: ctx.vault.readNote(p.path) }));
    counts.updated += (await updateCompanionNotes(ctx, slice)).filter((o) => o === 'updated').length;
  }
  return counts;
}
