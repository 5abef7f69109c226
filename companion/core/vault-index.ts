// An in-memory index of the vault's notes by kind and by identifier (counterparty by address, domain,
// tax id, account, alias). Built once at start (synchronous reads are ~20x faster per small file than
// promises), then kept current from the vault's own writes and from file events of the folders that change.
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import {
  CONFLICT_KEY, KIND_KEY, accountKey, kindSpec, linkTarget, normaliseCompanyName, validateFrontmatter, type FieldError, type KindName, type KindSpec,
} from '../../contract/index.ts';
import type { Vault } from './vault.ts';
import { TEMP_PREFIX } from './atomic.ts';
import { parseFrontmatterHead } from './frontmatter.ts';
import { CachedNote, cacheKey, jsonExact, readIndexCache, settled, withLazyFrontmatter, writeIndexCache } from './index-cache.ts';
import { ParallelStats, sameStatAt, type StatTable } from './index-threads.ts';

export interface IndexEntry {
  path: string;
  kind: KindName;
  /** Base name without `.md`: what a wikilink to this note says. */
  name: string;
  frontmatter: Record<string, unknown>;
}

export interface IndexError {
  path: string;
  errors: FieldError[];
}

export interface CounterpartyQuery {
  email?: string;
  domain?: string;
  taxId?: string;
  account?: string;
  name?: string;
}

const IGNORED_DIRS = new Set(['.obsidian', '.trash', '.git', 'node_modules']);

function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return path.slice(slash + 1, -3);
}

const CHUNK = 16 * 1024;
/** A front matter block longer than this is reported, never parsed: no note's properties need more. */
export const MAX_FRONTMATTER_BYTES = 1024 * 1024;
let scratch = Buffer.alloc(CHUNK);

export interface Head {
  /** The text up to and including the closing `---` line, or '' when the note has no front matter. */
  text: string;
  /** The block is longer than MAX_FRONTMATTER_BYTES: `text` holds its first bytes only. */
  oversized: boolean;
}

/**
 * The text of a note up to the end of its front matter block: the index needs no body, and reading
 * only the head keeps a 100,000-note build fast and small. The block ends at a line of three dashes
 * alone (trailing blanks allowed), as in Obsidian: `----` or `--- text` does not end it. Linear in the
 * head's length (each byte is read and searched once) and bounded: a `---` line over a pasted
 * transcript costs at most the limit.
 */
export function readFrontmatterBlock(abs: string): Head {
  const fd = openSync(abs, 'r');
  try {
    let len = readSync(fd, scratch, 0, CHUNK, 0);
    if (len < 3 || scratch[0] !== 0x2d || scratch[1] !== 0x2d || scratch[2] !== 0x2d) return { text: '', oversized: false };
    let eof = false;
    let searchFrom = 3;
    for (;;) {
      const view = scratch.subarray(0, len);
      // Where to search from once more bytes are in: an unfinished candidate line, or the last bytes
      // (a delimiter may straddle the edge). Only new bytes are searched otherwise.
      let resume = Math.max(3, len - 3);
      for (let at = view.indexOf('\n---', searchFrom); at >= 0; at = view.indexOf('\n---', at + 1)) {
        const lineEnd = view.indexOf(0x0a, at + 4);
        if (!blankBetween(view, at + 4, lineEnd < 0 ? len : lineEnd)) continue;
        if (lineEnd >= 0) return { text: scratch.toString('utf8', 0, lineEnd + 1), oversized: false };
        if (eof) return { text: scratch.toString('utf8', 0, len), oversized: false };
        resume = at; // `---` and blanks so far: the rest of the line is not read yet
        break;
      }
      if (eof) return { text: scratch.toString('utf8', 0, len), oversized: false };
      if (len >= MAX_FRONTMATTER_BYTES) return oversizedHead(view);
      searchFrom = resume;
      if (len + CHUNK > scratch.length) {
        const grown = Buffer.alloc(Math.min(scratch.length * 2, MAX_FRONTMATTER_BYTES + CHUNK));
        scratch.copy(grown, 0, 0, len);
        scratch = grown;
      }
      const n = readSync(fd, scratch, len, CHUNK, len);
      if (n === 0) eof = true;
      len += n;
    }
  } finally {
    closeSync(fd);
    // One huge head must not keep its buffer for the rest of the build.
    if (scratch.length > 4 * CHUNK) scratch = Buffer.alloc(CHUNK);
  }
}

/** Only spaces, tabs and a carriage return between `from` and `to`: the rest of a closing `---` line. */
function blankBetween(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0x20 && b[i] !== 0x09 && b[i] !== 0x0d) return false;
  return true;
}

/**
 * An unclosed or over-long block: its first bytes, and its `aios_kind` line wherever it is in what was
 * read, so a note claiming a kind is reported (and counted unreadable) even behind long properties.
 */
function oversizedHead(view: Buffer): Head {
  let text = view.toString('utf8', 0, Math.min(view.length, 4096));
  if (!/^aios_kind:/m.test(text)) {
    const at = view.indexOf('\naios_kind:');
    if (at >= 0) {
      const lineEnd = view.indexOf(0x0a, at + 1);
      text += view.toString('utf8', at, Math.min(lineEnd < 0 ? view.length : lineEnd, at + 200));
    }
  }
  return { text, oversized: true };
}

const norm = (s: string) => s.trim().toLowerCase();

/** `mail.acme.example`, then `acme.example`: a sender at a subdomain belongs to the domain's owner. */
export function domainAndParents(domain: string): string[] {
  const labels = norm(domain).replace(/\.$/, '').split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i + 2 <= labels.length; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** A note the index could not take: unreadable, invalid, or claiming a kind outside its folder. */
export interface Unreadable {
  path: string;
  /** The kind its front matter names, when that much could be read. */
  claimedKind?: string;
  /** Its head as text (front matter, bounded): privacy searches it for identifiers, failing closed. */
  head: string;
}

export interface BuildStats {
  /** Markdown notes the walk found. */
  notes: number;
  /** Of them, taken from the cache without reading. */
  reused: number;
  read: number;
  /** Where the cache came from: this process's previous build, the file, nothing usable, or no cache asked for. */
  cache: 'memory' | 'file' | 'none' | 'off';
  wrote: boolean;
}

export class VaultIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly failures = new Map<string, { errors: FieldError[]; unreadable: Unreadable }>();
  private readonly byKindMap = new Map<KindName, Map<string, IndexEntry>>();
  /** Counterparty look-ups, rebuilt lazily after a counterparty changes. */
  private cpMaps: Map<string, Map<string, IndexEntry>> | undefined;
  /** Link look-up by lower-cased base name and path, rebuilt lazily after any note is added or removed. */
  private linkMap: Map<string, IndexEntry[]> | undefined;
  private readonly keyCache = new Map<string, Map<string, IndexEntry>>();
  /** Temp files seen by the last build: what a crash between write and rename left behind. */
  readonly leftoverTemps: string[] = [];

  /** The notes read at the last build whose stat vouches for them: the next build in this process starts from these. */
  private known: Map<string, CachedNote> | undefined;
  private generation = 0;
  private readonly cacheFile: string | undefined;
  private readonly now: () => number;
  /** How the last build went: notes taken from the cache, notes read, and whether the cache file was written. */
  lastBuild: BuildStats = { notes: 0, reused: 0, read: 0, cache: 'off', wrote: false };

  constructor(
    private readonly vault: Vault,
    /** `cacheFile`: keep the index between runs in this file (the state folder's `index-cache.jsonl`); `now`: the clock (tests). */
    options: { cacheFile?: string; now?: () => number } = {},
  ) {
    this.cacheFile = options.cacheFile;
    this.now = options.now ?? Date.now;
    vault.onWrite((rel) => this.noteChanged(rel));
  }

  /** Reads every Markdown note of the vault (with a cache file: only the notes changed since it was written). */
  build(): this {
    this.entries.clear();
    this.failures.clear();
    this.byKindMap.clear();
    this.keyCache.clear();
    this.cpMaps = undefined;
    this.linkMap = undefined;
    this.leftoverTemps.length = 0;
    if (this.cacheFile) return this.buildWithCache(this.cacheFile);
    let notes = 0;
    this.walk((rel) => {
      notes++;
      this.load(rel, readFrontmatterBlock(`${this.vault.root}/${rel}`));
    });
    this.lastBuild = { notes, reused: 0, read: notes, cache: 'off', wrote: false };
    return this;
  }

  /** Every Markdown note the index reads, in a stable order; temp files go to leftoverTemps on the way. */
  private walk(note: (rel: string) => void): void {
    const templates = this.vault.setting('templates_folder');
    const walk = (dirAbs: string, rel: string) => {
      for (const e of readdirSync(dirAbs, { withFileTypes: true })) {
        if (e.name.startsWith(TEMP_PREFIX)) this.leftoverTemps.push(rel ? `${rel}/${e.name}` : e.name);
        if (e.name.startsWith('.') || IGNORED_DIRS.has(e.name)) continue;
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (childRel === templates) continue;
        // Plain concatenation: path.join's normalising cost 0.2 s over 100,000 notes.
        if (e.isDirectory()) walk(`${dirAbs}/${e.name}`, childRel);
        else if (e.isFile() && e.name.endsWith('.md')) note(childRel);
      }
    };
    walk(this.vault.root, '');
  }

  /**
   * A build that starts from the cache: every note's stat (taken by a helper thread meanwhile) is
   * compared with the one recorded; a note is taken from the cache when they agree and its kind may
   * live where it is under the folder settings of now, and read otherwise. What was read is recorded
   * when its stat can vouch for it (see index-cache.ts); notes that fail are never recorded, so they
   * are read at every start and report exactly as a cold build does.
   */
  private buildWithCache(file: string): this {
    const started = this.now();
    const rels: string[] = [];
    this.walk((rel) => rels.push(rel));
    const root = this.vault.root;
    const stats = new ParallelStats(root, rels);
    const key = cacheKey();
    let prev = this.known;
    let source: BuildStats['cache'] = prev ? 'memory' : 'none';
    if (!prev && key) {
      prev = readIndexCache(file, key, root);
      source = prev ? 'file' : 'none';
    }
    // The records are updated in place: kept when used, replaced when read again, dropped when gone.
    const notes = prev ?? new Map<string, CachedNote>();
    const generation = ++this.generation;
    let reused = 0;
    let changed = 0;
    if (prev) {
      const places = new Map<KindName, KindPlace>();
      const t = stats.take();
      for (let i = 0; i < rels.length; i++) {
        const rel = rels[i]!;
        const old = prev.get(rel);
        if (old && sameStatAt(old, t, i)) {
          old.seen = generation;
          if (!old.kind) {
            reused++;
            continue;
          }
          let place = places.get(old.kind);
          if (!place) places.set(old.kind, (place = kindPlace(kindSpec(old.kind), (k) => this.vault.folder(k))));
          if (placeMatches(place, rel)) {
            this.install(rel, old);
            reused++;
            continue;
          }
          // Outside its kind's folder now: read so load() reports it, and keep the record for when it fits again.
          this.load(rel, readFrontmatterBlock(`${root}/${rel}`));
          continue;
        }
        this.load(rel, readFrontmatterBlock(`${root}/${rel}`));
        if (this.record(notes, rel, t, i, started, generation) || old) changed++;
      }
      for (const [rel, n] of notes) {
        if (n.seen === generation) continue;
        notes.delete(rel);
        changed++;
      }
    } else {
      for (const rel of rels) this.load(rel, readFrontmatterBlock(`${root}/${rel}`));
      // Stats taken after the reads vouch as well: a note settled before the build began was not written since.
      const t = stats.take();
      for (let i = 0; i < rels.length; i++) this.record(notes, rels[i]!, t, i, started, generation);
    }
    this.known = notes;
    this.lastBuild = { notes: rels.length, reused, read: rels.length - reused, cache: source, wrote: false };
    if (key) {
      // Rewritten when missing or unusable, or once 2% of the notes differ from it: below that, reading
      // the few changed notes at each start is cheaper than writing the whole file again.
      const due = source === 'none' ? notes.size > 0 : changed > 0 && changed * 50 >= notes.size;
      if (due) this.lastBuild.wrote = writeIndexCache(file, key, root, notes);
    }
    return this;
  }

  /** Records what a read gave, when the note's stat (`t[4i..4i+3]`) can vouch for it and it did not fail; drops an old record otherwise. */
  private record(notes: Map<string, CachedNote>, rel: string, t: StatTable, i: number, started: number, generation: number): boolean {
    const e = this.entries.get(rel);
    const size = t[i * 4]!;
    const mtimeMs = t[i * 4 + 1]!;
    const ctimeMs = t[i * 4 + 2]!;
    if (size < 0 || !settled(mtimeMs, ctimeMs, started) || this.failures.has(rel) || (e && !jsonExact(e.frontmatter))) {
      notes.delete(rel);
      return false;
    }
    const note = new CachedNote(size, mtimeMs, ctimeMs, t[i * 4 + 3]!, e?.kind);
    note.frontmatter = e?.frontmatter;
    note.seen = generation;
    notes.set(rel, note);
    return true;
  }

  /**
   * What load() does with a valid note in its folder, from what the cache holds of it. Only in a build,
   * after the maps were cleared: nothing to forget, no look-up to invalidate.
   */
  private install(rel: string, note: CachedNote): void {
    const kind = note.kind!;
    const entry: IndexEntry = note.frontmatter
      ? { path: rel, kind, name: baseName(rel), frontmatter: note.frontmatter }
      : withLazyFrontmatter({ path: rel, kind, name: baseName(rel) }, note);
    this.entries.set(rel, entry);
    let m = this.byKindMap.get(kind);
    if (!m) this.byKindMap.set(kind, (m = new Map()));
    m.set(rel, entry);
  }

  private fail(rel: string, errors: FieldError[], head: string, claimedKind?: unknown): void {
    const kind = typeof claimedKind === 'string' ? claimedKind : /^aios_kind:\s*["']?([a-z_]+)/m.exec(head)?.[1];
    this.failures.set(rel, { errors, unreadable: { path: rel, head, ...(kind ? { claimedKind: kind } : {}) } });
  }

  private load(rel: string, head: Head): void {
    this.forget(rel);
    if (head.oversized) {
      // Only a note that says it is ours is worth a report; an owner's long note under a rule is just a note.
      if (/^aios_kind:/m.test(head.text)) this.fail(rel, [{ field: '(frontmatter)', message: `front matter longer than ${MAX_FRONTMATTER_BYTES / 1024 / 1024} MB: not read` }], head.text);
      return;
    }
    let fm: Record<string, unknown>;
    try {
      fm = parseFrontmatterHead(head.text);
    } catch (e) {
      // Only a note that says it is ours is worth a report: the owner's own notes may hold any YAML.
      if (/^aios_kind:/m.test(head.text)) this.fail(rel, [{ field: '(frontmatter)', message: (e as Error).message.split('\n')[0]! }], head.text);
      return;
    }
    // The owner's own note, or a conflict copy (kept for the owner, never read as the kind it copies).
    if (fm[KIND_KEY] === undefined || fm[CONFLICT_KEY] !== undefined) return;
    const v = validateFrontmatter(fm);
    if (!v.ok) {
      this.fail(rel, v.errors, head.text, fm[KIND_KEY]);
      return;
    }
    // A kind is read only from its own folder: a mailed or copied note claiming to be a counterparty,
    // a decision or the settings elsewhere is not one.
    const where = kindPlace(v.kind, (k) => this.vault.folder(k));
    if (!placeMatches(where, rel)) {
      this.fail(rel, [{ field: KIND_KEY, message: `${v.kind.kind} notes are read only from ${where.exact ?? `${where.folder}/`}: this one is ignored` }], head.text, v.kind.kind);
      return;
    }
    const entry: IndexEntry = { path: rel, kind: v.kind.kind, name: baseName(rel), frontmatter: v.data };
    this.entries.set(rel, entry);
    let m = this.byKindMap.get(entry.kind);
    if (!m) this.byKindMap.set(entry.kind, (m = new Map()));
    m.set(rel, entry);
    this.touched(entry.kind);
  }

  private forget(rel: string): void {
    this.failures.delete(rel);
    const old = this.entries.get(rel);
    if (!old) return;
    this.entries.delete(rel);
    this.byKindMap.get(old.kind)?.delete(rel);
    this.touched(old.kind);
  }

  private touched(kind: KindName): void {
    if (kind === 'counterparty') this.cpMaps = undefined;
    this.linkMap = undefined;
    for (const k of this.keyCache.keys()) if (k.startsWith(`${kind}\0`)) this.keyCache.delete(k);
  }

  /** Re-reads one note after it was written, created or changed; forgets it when it is gone. */
  noteChanged(rel: string): void {
    if (!rel.endsWith('.md') || rel.split('/').some((p) => p.startsWith('.')) || rel.includes(TEMP_PREFIX)) return;
    if (rel.startsWith(`${this.vault.setting('templates_folder')}/`)) return;
    let head: Head;
    try {
      head = readFrontmatterBlock(this.vault.abs(rel));
    } catch {
      this.forget(rel);
      return;
    }
    this.load(rel, head);
  }

  noteRemoved(rel: string): void {
    this.forget(rel);
  }

  noteRenamed(from: string, to: string): void {
    this.forget(from);
    this.noteChanged(to);
  }

  paths(): string[] {
    return [...this.entries.keys(), ...this.failures.keys()];
  }

  get(path: string): IndexEntry | undefined {
    return this.entries.get(path);
  }

  get size(): number {
    return this.entries.size;
  }

  byKind(kind: KindName): IndexEntry[] {
    return [...(this.byKindMap.get(kind)?.values() ?? [])];
  }

  /** Notes that could not be read or do not match the contract, with the reasons. */
  errors(): IndexError[] {
    return [...this.failures].map(([path, f]) => ({ path, errors: f.errors })).sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The notes behind errors(), with their heads: what a fail-closed check (privacy) must assume the worst of. */
  unreadable(): Unreadable[] {
    return [...this.failures.values()].map((f) => f.unreadable);
  }

  /** The note of `kind` whose property `key` equals `value` (first by path when several do). */
  findByKey(kind: KindName, key: string, value: string | number): IndexEntry | undefined {
    const cacheKey = `${kind}\0${key}`;
    let m = this.keyCache.get(cacheKey);
    if (!m) {
      m = new Map();
      for (const e of [...(this.byKindMap.get(kind)?.values() ?? [])].sort((a, b) => a.path.localeCompare(b.path))) {
        const v = e.frontmatter[key];
        const values = Array.isArray(v) ? v : [v];
        for (const x of values) if ((typeof x === 'string' || typeof x === 'number') && !m.has(String(x))) m.set(String(x), e);
      }
      this.keyCache.set(cacheKey, m);
    }
    return m.get(String(value));
  }

  /**
   * The note a wikilink points to, resolved the way Obsidian resolves it: by base name or by path,
   * ignoring case; among several notes of one name, the shortest path wins.
   */
  resolveLink(link: string): IndexEntry | undefined {
    const target = linkTarget(link) ?? (link.includes('[[') ? undefined : link.replace(/\.md$/i, ''));
    if (!target) return undefined;
    const map = (this.linkMap ??= this.buildLinkMap());
    const t = target.toLowerCase();
    const byPath = map.get(`path:${t}`);
    if (byPath) return byPath[0];
    const byName = map.get(`name:${t.split('/').pop()!}`);
    if (!byName) return undefined;
    // `[[Sub/Note]]` with a partial path: the notes whose path ends with it.
    const hits = t.includes('/') ? byName.filter((e) => e.path.toLowerCase().endsWith(`${t}.md`)) : byName;
    return hits[0];
  }

  private buildLinkMap(): Map<string, IndexEntry[]> {
    const m = new Map<string, IndexEntry[]>();
    const add = (k: string, e: IndexEntry) => {
      const list = m.get(k);
      if (list) list.push(e);
      else m.set(k, [e]);
    };
    for (const e of this.entries.values()) {
      add(`name:${e.name.toLowerCase()}`, e);
      add(`path:${e.path.slice(0, -3).toLowerCase()}`, e);
    }
    for (const list of m.values()) list.sort((a, b) => a.path.length - b.path.length || a.path.localeCompare(b.path));
    return m;
  }

  /** Resolves a counterparty by tax id, account, e-mail address, domain (or a parent domain), then name or alias. */
  findCounterparty(q: CounterpartyQuery): IndexEntry | undefined {
    const maps = (this.cpMaps ??= this.buildCounterpartyMaps());
    const tries: [string, string[]][] = [
      ['tax_id', q.taxId?.trim() ? [q.taxId.trim()] : []],
      ['account', q.account ? [accountKey(q.account)] : []],
      ['email', q.email ? [norm(q.email)] : []],
      ['domain', q.domain ? domainAndParents(q.domain) : []],
      ['name', q.name ? [norm(q.name), normaliseCompanyName(q.name)] : []],
    ];
    for (const [map, keys] of tries) {
      for (const key of keys) {
        if (!key) continue;
        const hit = maps.get(map)!.get(key);
        if (hit) return hit;
      }
    }
    return undefined;
  }

  private buildCounterpartyMaps(): Map<string, Map<string, IndexEntry>> {
    const maps = new Map<string, Map<string, IndexEntry>>(['tax_id', 'account', 'email', 'domain', 'name'].map((k) => [k, new Map()]));
    const put = (map: string, key: unknown, e: IndexEntry, f: (s: string) => string = norm) => {
      if (typeof key !== 'string' || key.trim() === '') return;
      const m = maps.get(map)!;
      const k = f(key);
      if (k !== '' && !m.has(k)) m.set(k, e);
    };
    const names = (key: unknown, e: IndexEntry) => {
      put('name', key, e);
      put('name', key, e, normaliseCompanyName);
    };
    for (const e of this.byKind('counterparty').sort((a, b) => a.path.localeCompare(b.path))) {
      const fm = e.frontmatter;
      put('tax_id', fm.tax_id, e, (s) => s.trim());
      for (const a of (fm.accounts as string[] | undefined) ?? []) put('account', a, e, accountKey);
      for (const a of (fm.emails as string[] | undefined) ?? []) put('email', a, e);
      for (const d of (fm.domains as string[] | undefined) ?? []) put('domain', d, e);
      names(fm.name, e);
      names(e.name, e);
      for (const a of (fm.aliases as string[] | undefined) ?? []) names(a, e);
      for (const t of (fm.telegram as string[] | undefined) ?? []) put('name', t.replace(/^@/, ''), e);
    }
    return maps;
  }
}

/** Where notes of a kind may live: anywhere under its folder, or at one exact path. */
export interface KindPlace {
  folder: string;
  exact?: string;
}

export function kindPlace(spec: KindSpec, folderOfKind: (k: KindName) => string): KindPlace {
  const folder = folderOfKind(spec.kind as KindName);
  return spec.singleton ? { folder, exact: `${folder ? `${folder}/` : ''}${spec.fileName({} as never)}.md` } : { folder };
}

export function placeMatches(place: KindPlace, rel: string): boolean {
  if (place.exact) return rel === place.exact;
  return place.folder === '' || rel.startsWith(`${place.folder}/`);
}

/** True when the kind's notes are written by the owner (their folders are watched for edits). */
export function isOwnerKind(kind: KindName): boolean {
  return kindSpec(kind).owner === 'owner';
}
