// An in-memory index of the vault's notes by kind and by identifier (counterparty by address, domain,
// tax id, account, alias). Built once at start (synchronous reads are ~20x faster per small file than
// promises), then kept current from the vault's own writes and from file events of the folders that change.
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFLICT_KEY, KIND_KEY, kindSpec, linkTarget, normaliseCompanyName, validateFrontmatter, type FieldError, type KindName, type KindSpec,
} from '../../contract/index.ts';
import type { Vault } from './vault.ts';
import { TEMP_PREFIX } from './atomic.ts';
import { parseFrontmatterHead } from './frontmatter.ts';

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
 * only the head keeps a 100,000-note build fast and small. Linear in the head's length (each byte is
 * read and searched once) and bounded: a `---` line over a pasted transcript costs at most the limit.
 */
export function readFrontmatterBlock(abs: string): Head {
  const fd = openSync(abs, 'r');
  try {
    let n = readSync(fd, scratch, 0, CHUNK, 0);
    if (n < 3 || scratch[0] !== 0x2d || scratch[1] !== 0x2d || scratch[2] !== 0x2d) return { text: '', oversized: false };
    let len = n;
    let searchFrom = 3;
    for (;;) {
      const end = scratch.subarray(0, len).indexOf('\n---', searchFrom);
      if (end >= 0) {
        const lineEnd = scratch.subarray(0, len).indexOf('\n', end + 4);
        return { text: scratch.toString('utf8', 0, lineEnd >= 0 ? lineEnd + 1 : len), oversized: false };
      }
      if (n === 0) return { text: scratch.toString('utf8', 0, len), oversized: false };
      if (len >= MAX_FRONTMATTER_BYTES) return { text: scratch.toString('utf8', 0, Math.min(len, 4096)), oversized: true };
      // Only the new bytes are searched (less the delimiter's length, which may straddle the edge).
      searchFrom = Math.max(3, len - 4);
      if (len + CHUNK > scratch.length) {
        const grown = Buffer.alloc(Math.min(scratch.length * 2, MAX_FRONTMATTER_BYTES + CHUNK));
        scratch.copy(grown, 0, 0, len);
        scratch = grown;
      }
      n = readSync(fd, scratch, len, CHUNK, len);
      len += n;
    }
  } finally {
    closeSync(fd);
    // One huge head must not keep its buffer for the rest of the build.
    if (scratch.length > 4 * CHUNK) scratch = Buffer.alloc(CHUNK);
  }
}

const norm = (s: string) => s.trim().toLowerCase();
const normAccount = (s: string) => s.replace(/[\s.-]/g, '').toUpperCase();

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

  constructor(private readonly vault: Vault) {
    vault.onWrite((rel) => this.noteChanged(rel));
  }

  /** Reads every Markdown note of the vault. */
  build(): this {
    this.entries.clear();
    this.failures.clear();
    this.byKindMap.clear();
    this.keyCache.clear();
    this.cpMaps = undefined;
    this.linkMap = undefined;
    this.leftoverTemps.length = 0;
    const templates = this.vault.setting('templates_folder');
    const walk = (dirAbs: string, rel: string) => {
      for (const e of readdirSync(dirAbs, { withFileTypes: true })) {
        if (e.name.startsWith(TEMP_PREFIX)) this.leftoverTemps.push(rel ? `${rel}/${e.name}` : e.name);
        if (e.name.startsWith('.') || IGNORED_DIRS.has(e.name)) continue;
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (childRel === templates) continue;
        if (e.isDirectory()) walk(join(dirAbs, e.name), childRel);
        else if (e.isFile() && e.name.endsWith('.md')) this.load(childRel, readFrontmatterBlock(join(dirAbs, e.name)));
      }
    };
    walk(this.vault.root, '');
    return this;
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
      this.fail(rel, [{ field: '(frontmatter)', message: (e as Error).message.split('\n')[0]! }], head.text);
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
      ['account', q.account ? [normAccount(q.account)] : []],
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
      for (const a of (fm.accounts as string[] | undefined) ?? []) put('account', a, e, normAccount);
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
