// The companion's only way into the vault. Reads never execute anything; writes are atomic; new
// notes are create-only; a companion note is regenerated only when its content hash shows nobody
// else changed it, and otherwise the new version goes to a conflict copy. Owner notes are never rewritten.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CONFLICT_KEY, HASH_KEY, KIND_KEY, SETTINGS, WROTE_KEY, folderOf, joinVaultPath, kindSpec, linkTo, notePath, validateFrontmatter,
  type Frontmatter, type KindName, type KindSpec, type SettingKey, type SettingsLookup,
} from '../../contract/index.ts';
import { atomicCreate, atomicCreateFromStream, atomicReplaceIf, moveNoClobber, TEMP_PREFIX } from './atomic.ts';
import {
  companionHash, companionKeys, companionStamp, formatWrote, joinOwnerSection, ownerChanged, parseNote, parseWrote, renderNote, splitOwnerSection, valueDigest,
} from './frontmatter.ts';

export class NoteError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${path}: ${field === '(file)' ? '' : `${field}: `}${problem}`);
  }
}

export interface Note {
  path: string;
  frontmatter: Record<string, unknown>;
  body: string;
  /** SHA-256 of the file's bytes, hex. */
  hash: string;
  /** The file's bytes as read: a write made from this reading replaces exactly these or nothing. */
  raw?: Buffer;
}

/** `skipped`: the owner edited the companion's part and the caller asked to leave such a note alone. */
/** How a write turns the note as it is now into what to write. */
type UpdatePlan = (cur: Note) => { fm: Record<string, unknown>; generated: string; keepBody: boolean; cur: Note; patched?: Set<string>; ownerAsked?: boolean; skipIfEdited?: boolean };

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'conflict' | 'skipped';

export class Vault {
  private readonly listeners: ((rel: string) => void)[] = [];
  private readonly ownerCopyListeners: ((path: string, copy: string) => void)[] = [];
  readonly root: string;

  constructor(
    root: string,
    private readonly settings?: SettingsLookup,
    /** Local datetime for conflict-copy names. */
    private readonly stamp: () => string = () => new Date().toISOString().slice(0, 19),
  ) {
    this.root = normalize(root);
  }

  /** Absolute path of a vault-relative path; refuses anything that would leave the vault. */
  abs(rel: string): string {
    if (rel.includes('\0') || isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
      throw new Error(`refused path outside the vault: ${JSON.stringify(rel)}`);
    }
    return join(this.root, rel);
  }

  rel(abs: string): string {
    const r = normalize(abs).slice(this.root.length + 1);
    return sep === '/' ? r : r.split(sep).join('/');
  }

  exists(rel: string): boolean {
    return existsSync(this.abs(rel));
  }

  /** A folder setting, or its default before settings are resolved. */
  setting(key: SettingKey): string {
    const v = this.settings?.(key);
    return typeof v === 'string' && v !== '' ? joinVaultPath(v) : String(SETTINGS[key].default);
  }

  folder(kind: KindName): string {
    return folderOf(kindSpec(kind), this.settings);
  }

  pathFor<K extends KindName>(kind: K, fm: Frontmatter<K>): string {
    return notePath(kind, fm, this.settings);
  }

  /** Called with the vault-relative path after every write, so the index follows at once. */
  onWrite(listener: (rel: string) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private written(rel: string): void {
    for (const l of this.listeners) l(rel);
  }

  readNote(rel: string): Note {
    let raw: Buffer;
    try {
      raw = readFileSync(this.abs(rel));
    } catch (e) {
      throw new NoteError(rel, '(file)', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return this.parse(rel, raw);
  }

  parse(rel: string, raw: Buffer): Note {
    try {
      const { frontmatter, body } = parseNote(raw.toString('utf8'));
      return { path: rel, frontmatter, body, hash: createHash('sha256').update(raw).digest('hex'), raw };
    } catch (e) {
      throw new NoteError(rel, '(frontmatter)', (e as Error).message.split('\n')[0]!);
    }
  }

  /** Reads a note and checks it against its kind; throws NoteError naming the first bad field. */
  readValidNote(rel: string): Note & { kind: KindName } {
    const note = this.readNote(rel);
    const v = validateFrontmatter(note.frontmatter);
    if (!v.ok) {
      const first = v.errors[0]!;
      throw new NoteError(rel, first.field, v.errors.map((e) => (e === first ? e.message : `${e.field}: ${e.message}`)).join('; '));
    }
    return { ...note, kind: v.kind.kind };
  }

  /** Creates a note if nothing is at `rel`; never replaces. */
  createNote(rel: string, frontmatter: Record<string, unknown>, body: string): 'created' | 'exists' {
    const created = atomicCreate(this.abs(rel), renderNote(frontmatter, body));
    if (created) this.written(rel);
    return created ? 'created' : 'exists';
  }

  /**
   * Writes a companion-owned note: creates it, or regenerates it. The owner's keys follow the owner-safe
   * rule (the companion replaces one only while it still holds what the companion last wrote), the
   * owner's own extra properties and owner section are kept, and the compare-and-swap happens right
   * before the rename, so an owner's save in between is never lost (the write is simply redone).
   * When the owner edited the companion's own part: a derived note keeps the owner's version as a
   * conflict copy and is regenerated; any other note keeps the owner's edit and puts the companion's new
   * version in a conflict copy, unless the companion only changes properties and the owner only the body.
   */
  writeCompanionNote<K extends KindName>(
    kind: K, frontmatter: Frontmatter<K>, body: string,
    /** `ownerAsked`: the owner asked for this change of the note as it is now (an answer's effect): their edits are its new baseline. */
    opts: { path?: string; ownerAsked?: boolean } = {},
  ): { path: string; outcome: WriteOutcome } {
    const { spec, path, fm, generated, text } = this.prepare(kind, frontmatter, body, opts.path);
    const abs = this.abs(path);
    // Create-only when nothing is there (a race with another writer falls through to the update path).
    if (!existsSync(abs) && atomicCreate(abs, text)) {
      this.written(path);
      return { path, outcome: 'created' };
    }
    return this.update(path, spec, (cur) => ({ fm, generated, keepBody: false, cur, ownerAsked: opts.ownerAsked === true }));
  }

  /** A new companion note as it would be created: checked against its kind, stamped, with its owner section. */
  renderNewCompanionNote<K extends KindName>(kind: K, frontmatter: Frontmatter<K>, body: string, path?: string): { path: string; text: string } {
    const r = this.prepare(kind, frontmatter, body, path);
    return { path: r.path, text: r.text };
  }

  private prepare<K extends KindName>(kind: K, frontmatter: Frontmatter<K>, body: string, pathOpt?: string) {
    const spec = kindSpec(kind);
    if (spec.owner !== 'companion') throw new Error(`${kind} notes are the owner's: the companion does not write them`);
    const path = pathOpt ?? this.pathFor(kind, frontmatter);
    const fm: Record<string, unknown> = { [KIND_KEY]: kind, ...(frontmatter as Record<string, unknown>) };
    delete fm[HASH_KEY];
    delete fm[WROTE_KEY];
    const check = validateFrontmatter(fm);
    if (!check.ok) throw new Error(`${path}: would write invalid ${kind}: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    const generated = splitOwnerSection(body).generated;
    const fresh = joinOwnerSection(generated, undefined, spec.derived === true);
    return { spec, path, fm, generated, text: renderNote({ ...fm, ...companionStamp(spec, fm, fresh) }, fresh) };
  }

  /**
   * Sets some of a companion note's properties, its body untouched (resolving a queue item, linking a
   * mail to its counterparty). Keys the owner may change follow the owner-safe rule.
   */
  updateCompanionKeys(path: string, patch: Record<string, unknown>, opts: { skipIfEdited?: boolean } = {}): { path: string; outcome: WriteOutcome } {
    const spec = this.companionSpecOf(path);
    return this.update(path, spec, this.keysPlan(path, spec, patch, opts));
  }

  /**
   * Writes the companion's answer into an owner's note: only the keys its kind lets the companion change
   * (a request's `status`, `answered_at`, `result`), the rest as the owner left it; replaced only if the
   * note is still what was read (an owner's save in between is read again, never lost).
   */
  answerOwnerNote(path: string, patch: Record<string, unknown>): 'updated' | 'unchanged' {
    const abs = this.abs(path);
    for (let attempt = 0; attempt < 5; attempt++) {
      const raw = readFileSync(abs);
      const cur = this.parse(path, raw);
      const spec = kindSpec(String(cur.frontmatter[KIND_KEY]));
      if (!spec || spec.owner !== 'owner') throw new Error(`${path}: not an owner's note of a kind the companion answers in`);
      const foreign = Object.keys(patch).filter((k) => !spec.otherSideMay.includes(k));
      if (foreign.length) throw new Error(`${path}: ${foreign.join(', ')} ${foreign.length > 1 ? 'are' : 'is'} the owner's to set, not the companion's`);
      if (Object.entries(patch).every(([k, v]) => valueDigest(cur.frontmatter[k]) === valueDigest(v))) return 'unchanged';
      const fm = { ...cur.frontmatter, ...patch };
      const check = validateFrontmatter(fm);
      if (!check.ok) throw new Error(`${path}: would write invalid ${spec.kind}: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
      if (atomicReplaceIf(abs, renderNote(fm, cur.body), raw)) {
        this.written(path);
        return 'updated';
      }
    }
    throw new Error(`${path}: changed on every attempt to answer in it; try again later`);
  }

  /**
   * What setting some keys of a companion note would write, without writing it: the new text and the
   * bytes it was made from (a write must replace exactly those), or the outcome when nothing is to be
   * written. For writing many notes at once (`updateCompanionNotes` in note-batch.ts).
   */
  planKeysUpdate(
    path: string, patch: Record<string, unknown>,
    /** `read`: the note as the caller just read it, to save reading it again (the write still replaces only those bytes). */
    opts: { skipIfEdited?: boolean; read?: Note } = {},
  ): { path: string; outcome: WriteOutcome } | { path: string; abs: string; raw: Buffer; text: string } | 'retry' {
    const spec = opts.read?.raw ? kindSpec(String(opts.read.frontmatter[KIND_KEY])) : this.companionSpecOf(path);
    if (!spec || spec.owner !== 'companion') throw new Error(`${path}: not a companion note: the companion does not write it`);
    const step = this.attempt(path, spec, this.keysPlan(path, spec, patch, opts), opts.read);
    return step === 'retry' || 'outcome' in step ? step : { path, abs: this.abs(path), raw: step.raw, text: step.text };
  }

  /** Tells the index and the listeners that a note written through a plan is in place. */
  noteWritten(path: string): void {
    this.written(path);
  }

  private companionSpecOf(path: string): KindSpec {
    let cur: Note;
    try {
      cur = this.readNote(path);
    } catch (e) {
      throw new Error(`${path}: cannot update: ${(e as Error).message}`);
    }
    const spec = kindSpec(String(cur.frontmatter[KIND_KEY]));
    if (!spec || spec.owner !== 'companion') throw new Error(`${path}: not a companion note: the companion does not write it`);
    return spec;
  }

  private keysPlan(path: string, spec: KindSpec, patch: Record<string, unknown>, opts: { skipIfEdited?: boolean }): UpdatePlan {
    return (now) => {
      const fm: Record<string, unknown> = {};
      for (const k of companionKeys(spec)) if (now.frontmatter[k] !== undefined) fm[k] = now.frontmatter[k];
      // The owner's keys as the companion last meant them, so an unpatched one is never "revised".
      for (const k of spec.otherSideMay) if (now.frontmatter[k] !== undefined) fm[k] = now.frontmatter[k];
      for (const [k, v] of Object.entries(patch)) fm[k] = v;
      const check = validateFrontmatter(fm);
      if (!check.ok) throw new Error(`${path}: would write invalid ${spec.kind}: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
      return { fm, generated: '', keepBody: true, cur: now, patched: new Set(Object.keys(patch)), skipIfEdited: opts.skipIfEdited === true };
    };
  }

  /** True when someone other than the companion changed the companion's part of this note since it wrote it. */
  editedByOwner(path: string): boolean {
    const cur = this.readNote(path);
    const spec = kindSpec(String(cur.frontmatter[KIND_KEY]));
    if (!spec) return true;
    return cur.frontmatter[HASH_KEY] !== companionHash(spec, cur.frontmatter, splitOwnerSection(cur.body).generated);
  }

  /** Called when the owner's edit of a derived note was kept as a conflict copy before regenerating it. */
  onOwnerCopy(listener: (path: string, copy: string) => void): void {
    this.ownerCopyListeners.push(listener);
  }

  private update(path: string, spec: KindSpec, plan: UpdatePlan): { path: string; outcome: WriteOutcome } {
    const abs = this.abs(path);
    for (let attempt = 0; attempt < 5; attempt++) {
      const step = this.attempt(path, spec, plan);
      if (step === 'retry') continue;
      if ('outcome' in step) return step;
      if (atomicReplaceIf(abs, step.text, step.raw)) {
        this.written(path);
        return { path, outcome: 'updated' };
      }
      // The file changed between the read and the rename (the owner saved): read it again and redo.
    }
    throw new Error(`${path}: changed on every attempt to update it; try again later`);
  }

  /** One read of the note and what to write instead of it; `retry` when the file is caught mid-save. */
  private attempt(path: string, spec: KindSpec, plan: UpdatePlan, given?: Note): { path: string; outcome: WriteOutcome } | { raw: Buffer; text: string } | 'retry' {
    const abs = this.abs(path);
    let raw: Buffer;
    let cur: Note;
    let read: Buffer | undefined;
    try {
      if (given?.raw) {
        raw = read = given.raw;
        cur = given;
      } else {
        raw = read = readFileSync(abs);
        cur = this.parse(path, raw);
      }
    } catch {
      if (read && !settled(abs, read)) return 'retry';
      // Unreadable or unparseable (the owner broke the block): theirs stands, ours goes beside it.
      const p = plan({ path, frontmatter: {}, body: '', hash: '' });
      return this.conflict(path, p.fm, joinOwnerSection(p.generated, undefined, spec.derived === true), spec);
    }
    const p = plan(cur);
    const curFm = cur.frontmatter;
    const { generated: curGenerated, owner: ownerSection } = splitOwnerSection(cur.body);
    const recorded = typeof curFm[HASH_KEY] === 'string' ? (curFm[HASH_KEY] as string) : '';
    const actual = companionHash(spec, curFm, curGenerated);
    const sameKind = curFm[KIND_KEY] === spec.kind;
    const fmEdited = !sameKind || recorded.slice(0, 16) !== actual.slice(0, 16);
    const bodyEdited = recorded.slice(16) !== actual.slice(16);
    const generated = p.keepBody ? curGenerated : p.generated;
    const next = companionHash(spec, p.fm, generated);
    let keepOwnerBody = false;
    if ((fmEdited || bodyEdited) && !(p.ownerAsked && sameKind)) {
      // What looks like an edit may be a save in place caught half written: decide on what stays.
      if (!settled(abs, raw)) return 'retry';
      if (spec.derived && sameKind) {
        // The note the owner opens must stay current: their version is kept beside it, once.
        const copy = this.saveOwnerCopy(path, raw);
        for (const l of this.ownerCopyListeners) l(path, copy);
      } else if (!fmEdited && (p.keepBody || next.slice(16) === recorded.slice(16))) {
        keepOwnerBody = true; // the owner changed the body, the companion only properties: both stand
      } else if (p.skipIfEdited) {
        return { path, outcome: 'skipped' };
      } else {
        return this.conflict(path, p.fm, joinOwnerSection(generated, undefined, spec.derived === true), spec);
      }
    }
    // Owner's keys: the companion's new value only where the key still holds what it last wrote.
    const wroteBefore = parseWrote(curFm[WROTE_KEY]);
    const wrote = new Map<string, string>();
    const merged: Record<string, unknown> = { ...p.fm };
    for (const k of spec.otherSideMay) {
      const last = wroteBefore?.get(k);
      const untouched = p.patched !== undefined && !p.patched.has(k);
      if (ownerChanged(curFm, k, wroteBefore) || untouched) {
        if (curFm[k] === undefined) delete merged[k];
        else merged[k] = curFm[k];
        // No record: `?` never matches a value, so the companion will not take the key over later.
        wrote.set(k, last ?? (valueDigest(curFm[k]) === '-' ? '-' : '?'));
      } else wrote.set(k, valueDigest(p.fm[k]));
    }
    // Properties that are not the kind's (the owner's own, tags, a stable id) stay as they are.
    const kindKeys = new Set([...companionKeys(spec), ...spec.otherSideMay, HASH_KEY, WROTE_KEY]);
    for (const [k, v] of Object.entries(curFm)) if (!kindKeys.has(k) && merged[k] === undefined) merged[k] = v;
    const hash = keepOwnerBody ? next.slice(0, 16) + recorded.slice(16) : next;
    const text = renderNote(
      { ...merged, [HASH_KEY]: hash, [WROTE_KEY]: formatWrote(wrote) },
      keepOwnerBody || p.keepBody ? cur.body : joinOwnerSection(generated, ownerSection, spec.derived === true),
    );
    if (Buffer.byteLength(text) === raw.length && Buffer.from(text).equals(raw)) return { path, outcome: 'unchanged' };
    return { raw, text };
  }

  /** The owner's edited version of a derived note, kept once as `<name> (edited <stamp>).md`. */
  private saveOwnerCopy(path: string, raw: Buffer): string {
    const base = path.slice(0, -3);
    const digest = createHash('sha256').update(raw).digest('hex').slice(0, 6);
    const copy = `${base} (your edit ${digest}).md`;
    let note: Note;
    try {
      note = this.parse(copy, raw);
    } catch {
      atomicCreate(this.abs(copy), raw);
      this.written(copy);
      return copy;
    }
    // Marked as a copy, so it is never read as the kind it copies.
    if (atomicCreate(this.abs(copy), renderNote({ ...note.frontmatter, [CONFLICT_KEY]: linkTo(base.split('/').pop()!) }, note.body))) this.written(copy);
    return copy;
  }

  private conflict(path: string, fm: Record<string, unknown>, body: string, spec: KindSpec): { path: string; outcome: WriteOutcome } {
    const stamp = this.stamp().replace(/[-:]/g, '').replace('T', ' ');
    const base = path.slice(0, -3);
    const text = renderNote({ ...fm, ...companionStamp(spec, fm, body), [CONFLICT_KEY]: linkTo(base.split('/').pop()!) }, body);
    let copy = `${base} (conflict ${stamp}).md`;
    for (let n = 2; !atomicCreate(this.abs(copy), text); n++) copy = `${base} (conflict ${stamp} ${n}).md`;
    this.written(copy);
    return { path: copy, outcome: 'conflict' };
  }

  /** Streams a file in (attachments); the name gets ` (2)`, ` (3)`... when taken. Returns the path used. */
  async writeFileFromStream(rel: string, source: Readable): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? rel : withSuffix(rel, ` (${n})`);
      if (this.exists(candidate)) continue;
      if (await atomicCreateFromStream(this.abs(candidate), source)) {
        this.written(candidate);
        return candidate;
      }
    }
  }

  /** Moves a file without replacing anything; returns the path used. */
  moveFile(fromRel: string, toRel: string): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? toRel : withSuffix(toRel, ` (${n})`);
      if (this.exists(candidate)) continue;
      moveNoClobber(this.abs(fromRel), this.abs(candidate));
      this.written(fromRel);
      this.written(candidate);
      return candidate;
    }
  }

  /** Deletes a file the companion is told to delete (an answer's effect); false when it was already gone. */
  removeFile(rel: string): boolean {
    try {
      unlinkSync(this.abs(rel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    this.written(rel);
    return true;
  }

  /** Files under a folder (vault-relative), skipping hidden entries and temp files. */
  list(folderRel: string, opts: { recursive?: boolean } = {}): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
      let entries;
      try {
        entries = readdirSync(this.abs(rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (opts.recursive) walk(child);
        } else if (e.isFile()) out.push(child);
      }
    };
    walk(folderRel);
    return out.sort();
  }

  size(rel: string): number {
    return statSync(this.abs(rel)).size;
  }
}

/** How long a file must keep its bytes before the companion takes them for the owner's edit. */
const SETTLE_MS = 50;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * True when the file still holds `raw` a moment later. Obsidian saves in place (truncate, then write):
 * a read in between sees an empty or cut note, which must not be kept as the owner's version or make
 * the companion's a conflict copy. Paid only when an edit or a broken note is seen.
 */
function settled(abs: string, raw: Buffer): boolean {
  Atomics.wait(sleeper, 0, 0, SETTLE_MS);
  try {
    return readFileSync(abs).equals(raw);
  } catch {
    return false;
  }
}

function withSuffix(rel: string, suffix: string): string {
  const ext = extname(rel);
  return join(dirname(rel), basename(rel, ext) + suffix + ext).split(sep).join('/');
}

export { TEMP_PREFIX };
