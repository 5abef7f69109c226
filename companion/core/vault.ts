// The companion's only way into the vault. Reads never execute anything; writes are atomic; new
// notes are create-only; a companion note is regenerated only when its content hash shows nobody
// else changed it, and otherwise the new version goes to a conflict copy. Owner notes are never rewritten.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  HASH_KEY, KIND_KEY, SETTINGS, folderOf, joinVaultPath, kindSpec, notePath, validateFrontmatter,
  type Frontmatter, type KindName, type SettingsLookup,
} from '../../contract/index.ts';
import { atomicCreate, atomicCreateFromStream, atomicReplace, moveNoClobber, TEMP_PREFIX } from './atomic.ts';
import { contentHash, parseNote, renderNote } from './frontmatter.ts';

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
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

export class Vault {
  private readonly listeners: ((rel: string) => void)[] = [];
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
  setting(key: 'templates_folder' | 'import_folder' | 'attachments_folder'): string {
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
  onWrite(listener: (rel: string) => void): void {
    this.listeners.push(listener);
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
      return { path: rel, frontmatter, body, hash: createHash('sha256').update(raw).digest('hex') };
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
   * Writes a companion-owned note: creates it, or regenerates it when its content hash shows only the
   * owner's keys changed (those are kept). Anything else gets the new version as a conflict copy.
   */
  writeCompanionNote<K extends KindName>(kind: K, frontmatter: Frontmatter<K>, body: string, opts: { path?: string } = {}): { path: string; outcome: WriteOutcome } {
    const spec = kindSpec(kind);
    if (spec.owner !== 'companion') throw new Error(`${kind} notes are the owner's: the companion does not write them`);
    const path = opts.path ?? this.pathFor(kind, frontmatter);
    const fm: Record<string, unknown> = { [KIND_KEY]: kind, ...(frontmatter as Record<string, unknown>) };
    delete fm[HASH_KEY];
    const check = validateFrontmatter(fm);
    if (!check.ok) throw new Error(`${path}: would write invalid ${kind}: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    const ownerKeys = spec.otherSideMay;
    const hash = contentHash(fm, body, ownerKeys);
    const abs = this.abs(path);
    // Create-only when nothing is there (a race with another writer falls through to the update path).
    if (!existsSync(abs) && atomicCreate(abs, renderNote({ ...fm, [HASH_KEY]: hash }, body))) {
      this.written(path);
      return { path, outcome: 'created' };
    }
    let raw: Buffer;
    let current: Note;
    try {
      raw = readFileSync(abs);
      current = this.parse(path, raw);
    } catch {
      return this.conflict(path, fm, hash, body);
    }
    const cur = current.frontmatter;
    if (cur[KIND_KEY] !== kind || cur[HASH_KEY] !== contentHash(cur, current.body, ownerKeys)) {
      return this.conflict(path, fm, hash, body);
    }
    if (cur[HASH_KEY] === hash) return { path, outcome: 'unchanged' };
    const merged: Record<string, unknown> = { ...fm };
    for (const k of ownerKeys) if (cur[k] !== undefined && cur[k] !== null) merged[k] = cur[k];
    // Compare again right before replacing: the owner may have saved in between.
    if (!readFileSync(abs).equals(raw)) return this.conflict(path, fm, hash, body);
    atomicReplace(abs, renderNote({ ...merged, [HASH_KEY]: hash }, body));
    this.written(path);
    return { path, outcome: 'updated' };
  }

  private conflict(path: string, fm: Record<string, unknown>, hash: string, body: string): { path: string; outcome: WriteOutcome } {
    const stamp = this.stamp().replace(/[-:]/g, '').replace('T', ' ');
    const base = path.slice(0, -3);
    let copy = `${base} (conflict ${stamp}).md`;
    for (let n = 2; !atomicCreate(this.abs(copy), renderNote({ ...fm, [HASH_KEY]: hash }, body)); n++) {
      copy = `${base} (conflict ${stamp} ${n}).md`;
    }
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

function withSuffix(rel: string, suffix: string): string {
  const ext = extname(rel);
  return join(dirname(rel), basename(rel, ext) + suffix + ext).split(sep).join('/');
}

export { TEMP_PREFIX };
