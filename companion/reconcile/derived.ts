// Derived notes of the reconciliation (reports, balances, acts) written unless they say what they say
// already, their timestamp aside; new ones are created together, their fsyncs in one batch.
import { HASH_KEY, KIND_KEY, kindSpec, type Frontmatter, type KindName } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import { companionHash, joinOwnerSection, splitOwnerSection } from '../core/frontmatter.ts';
import { linkNotes, stageCompanionNote, type StagedNote } from '../core/note-batch.ts';

/** A pass's derived notes: `put` each, then `done` once. A first run makes hundreds. */
export class DerivedNotes {
  private readonly staged: { kind: KindName; fm: Record<string, unknown>; body: string; note: StagedNote }[] = [];
  private readonly seen = new Set<string>();
  written = 0;

  constructor(private readonly ctx: JobContext) {}

  /** Returns the note's path (a new note is in place once `done` returns). */
  put<K extends KindName>(kind: K, fm: Frontmatter<K>, body: string, stamp: string): string {
    const { ctx } = this;
    const path = ctx.vault.pathFor(kind, fm);
    this.seen.add(path);
    // The index holds the note's hash of what the companion wrote: the same hash over the new text (with
    // the old stamp) means nothing to write, and nobody edited it since; no file is read to know that.
    const cur = ctx.index.get(path)?.frontmatter;
    if (cur && typeof cur[HASH_KEY] === 'string') {
      const spec = kindSpec(kind);
      const next = { [KIND_KEY]: kind, ...(fm as Record<string, unknown>), [stamp]: cur[stamp] };
      const generated = splitOwnerSection(joinOwnerSection(splitOwnerSection(body).generated, undefined, spec.derived === true)).generated;
      if (companionHash(spec, next, generated) === cur[HASH_KEY]) return path;
    }
    if (!ctx.vault.exists(path)) {
      this.staged.push({ kind, fm: fm as Record<string, unknown>, body, note: stageCompanionNote(ctx, kind, fm, body, path) });
      return path;
    }
    ctx.vault.writeCompanionNote(kind, fm, body, { path });
    this.written++;
    return path;
  }

  /** Whether a note of this path was put in this pass. */
  has(path: string): boolean {
    return this.seen.has(path);
  }

  async done(): Promise<number> {
    const outcomes = await linkNotes(this.ctx, this.staged.map((s) => s.note));
    outcomes.forEach((o, i) => {
      const s = this.staged[i]!;
      // Made meanwhile by someone else: written the usual way, which keeps what they wrote.
      if (o === 'exists') this.ctx.vault.writeCompanionNote(s.kind, s.fm as Frontmatter<KindName>, s.body, { path: s.note.path });
      this.written++;
    });
    return this.written;
  }
}
