// The vault index kept between runs, in the state folder: what each note's front matter gave the last
// time it was read, keyed by its path and by its size, modification time, change time and inode. A
// start re-reads only the notes whose stat differs, that are new, or that it cannot trust; the rest
// comes from this file. Only what a note's bytes alone decide is kept (its kind and validated
// properties, or that it is no AIOS note): the folder check runs again at every start, and notes that
// failed are always read again, so moving a folder never needs the cache thrown away.
//
// Staleness: a note written again in the same timestamp tick with the same size keeps its stat. So a
// note is kept only when its modification and change times were already more than SETTLE_MS old when
// the build that read it began (its stat taken before or after the read, either way): it was not
// written during the build, and any later write or `utimes` gives a newer change time. The
// contract, the reading code and the parser versions are hashed into the file's key; a file with
// another key, another vault root, a bad line, a wrong count or a wrong checksum is ignored whole.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindSpec, type KindName } from '../../contract/index.ts';
import { TEMP_PREFIX, tempPathFor, tempWriter } from './atomic.ts';

/** The file name of the cache inside the state folder. */
export const INDEX_CACHE_FILE = 'index-cache.jsonl';
const FORMAT = 'aios-index-cache/1';
/** Timestamps this close to the start of a build may be shared by a later write: such notes are read next time too. */
export const SETTLE_MS = 2000;

export interface NoteStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * One note as the cache knows it: without a kind, a note the index holds nothing for (no AIOS kind, a
 * conflict copy). Its properties are an object when this process read the note; from the cache file
 * they are their names (shared by every note with the same ones) and the JSON text of their values
 * (a range of a long line), turned into an object only when someone reads them. A class, so that every
 * record has one shape (V8 reads 100,000 of them in one loop).
 */
export class CachedNote implements NoteStat {
  /** The build that last found the note as recorded (records no build found are dropped). */
  seen = 0;
  frontmatter: Record<string, unknown> | undefined = undefined;
  keys: readonly string[] | undefined = undefined;
  line: string | undefined = undefined;
  from = 0;
  to = 0;

  constructor(
    readonly size: number,
    readonly mtimeMs: number,
    readonly ctimeMs: number,
    readonly ino: number,
    readonly kind: KindName | undefined,
  ) {}

  /** The JSON text of the values, from the cache file. */
  values(): string | undefined {
    return this.line?.slice(this.from, this.to);
  }
}

/** Whether a note's times, taken at any moment of a build, vouch for what the build read (see the top of this file). */
export function settled(mtimeMs: number, ctimeMs: number, buildStart: number): boolean {
  return mtimeMs < buildStart - SETTLE_MS && ctimeMs < buildStart - SETTLE_MS;
}

/**
 * Whether a JSON round trip gives back exactly this value (no -0, NaN, Infinity, undefined, non-plain
 * objects, or nesting deeper than any note needs): what is not is never cached, its note read each time.
 */
export function jsonExact(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string': case 'boolean': return true;
    case 'number': return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 32) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonExact(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype || Object.hasOwn(v, '__proto__')) return false;
      for (const k of Object.keys(v)) if (!jsonExact((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default: return false;
  }
}

let keyMemo: string | null | undefined;

/**
 * The version of everything that decides what a note reads as: the contract's source (kinds, folders,
 * schemas), the code from the file to the entry, the YAML and schema libraries, Node. Undefined when a
 * source cannot be read (no cache then).
 */
export function cacheKey(): string | undefined {
  if (keyMemo !== undefined) return keyMemo ?? undefined;
  try {
    const h = createHash('sha256').update(`${FORMAT}\0${process.version}\0`);
    const here = dirname(fileURLToPath(import.meta.url));
    const repo = join(here, '../..');
    const contract = join(repo, 'contract');
    const files = [
      ...['vault-index.ts', 'index-cache.ts', 'frontmatter.ts', 'flat-yaml.ts'].map((f) => join(here, f)),
      ...readdirSync(contract, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .sort()
        .map((f) => join(contract, f)),
    ];
    for (const f of files) h.update(`${f.slice(repo.length)}\0`).update(readFileSync(f)).update('\0');
    const require = createRequire(import.meta.url);
    for (const p of ['yaml', 'zod', 'gray-matter']) h.update(`${p}@${(require(`${p}/package.json`) as { version: string }).version}\0`);
    keyMemo = h.digest('hex').slice(0, 32);
  } catch {
    keyMemo = null;
  }
  return keyMemo ?? undefined;
}

interface Header {
  format: string;
  key: string;
  root: string;
  written: number;
}

// The file, in lines, written as it goes: a header; `=` lines, each a list of property names (a keyset,
// numbered in order); blocks of note records (a JSON array each); `~` lines holding the values of many
// notes' properties side by side (ASCII JSON, so one byte a character in memory; a record names its
// keyset, its `~` line and its range there); a trailer with the count and a SHA-256 of all before it.
// Blocks are parsed at once; the `~` lines stay text until a note's properties are read.
const READ_CHUNK = 1 << 20;
const BLOCK_CHARS = 48 * 1024;
const VALUES_LINE_CHARS = 512 * 1024;

/** Records whose keyset and values are found at the end: four numbers a note (keyset, line, start, end). */
interface Pending {
  notes: CachedNote[];
  at: number[];
}

/** The notes of a cache file, or undefined when it is missing, of another version or vault, or damaged in any way. */
export function readIndexCache(file: string, key: string, root: string): Map<string, CachedNote> | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const notes = new Map<string, CachedNote>();
    const pending: Pending = { notes: [], at: [] };
    const valueLines: string[] = [];
    const keysets: string[][] = [];
    const hash = createHash('sha256');
    let buf = Buffer.allocUnsafe(READ_CHUNK);
    let have = 0;
    let eof = false;
    let header: Header | undefined;
    let trailer: { notes: number; sha256: string } | undefined;
    while (!eof) {
      if (have === buf.length) {
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, have);
        buf = grown;
      }
      const n = readSync(fd, buf, have, buf.length - have, null);
      eof = n === 0;
      have += n;
      let start = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < have; nl = buf.indexOf(10, start)) {
        if (trailer) return undefined; // bytes after the trailer
        const first = buf[start];
        if (!header) {
          header = JSON.parse(buf.toString('utf8', start, nl)) as Header;
          if (header.format !== FORMAT || header.key !== key || header.root !== root) return undefined;
        } else if (first === 0x7e) {
          // `~`: values, ASCII; kept as text (long strings, which V8 never copies from one generation to the next).
          valueLines.push(buf.toString('latin1', start + 1, nl));
        } else if (first === 0x3d) {
          const set: unknown = JSON.parse(buf.toString('utf8', start + 1, nl));
          if (!Array.isArray(set) || !set.every((k) => typeof k === 'string' && k !== '__proto__')) return undefined;
          keysets.push(set as string[]);
        } else if (first === 0x7b) {
          trailer = JSON.parse(buf.toString('utf8', start, nl)) as { notes: number; sha256: string };
          start = nl + 1;
          continue;
        } else {
          const block: unknown = JSON.parse(buf.toString('utf8', start, nl));
          if (!Array.isArray(block)) return undefined;
          for (const r of block) if (!addRecord(notes, pending, r)) return undefined;
        }
        hash.update(buf.subarray(start, nl + 1));
        start = nl + 1;
      }
      if (eof && start < have) return undefined; // a last line without its newline
      buf.copy(buf, 0, start, have);
      have -= start;
    }
    if (!header || !trailer || trailer.notes !== notes.size || trailer.sha256 !== hash.digest('hex')) return undefined;
    for (let i = 0; i < pending.notes.length; i++) {
      const keys = keysets[pending.at[i * 4]!];
      const text = valueLines[pending.at[i * 4 + 1]!];
      const from = pending.at[i * 4 + 2]!;
      const to = pending.at[i * 4 + 3]!;
      if (!keys || text === undefined || !(from >= 0 && from < to && to <= text.length)) return undefined;
      const note = pending.notes[i]!;
      note.keys = keys;
      note.line = text;
      note.from = from;
      note.to = to;
    }
    return notes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function addRecord(notes: Map<string, CachedNote>, pending: Pending, r: unknown): boolean {
  if (!Array.isArray(r) || (r.length !== 5 && r.length !== 10)) return false;
  const path: unknown = r[0];
  const size: unknown = r[1];
  const mtimeMs: unknown = r[2];
  const ctimeMs: unknown = r[3];
  const ino: unknown = r[4];
  if (typeof path !== 'string' || !path.endsWith('.md')) return false;
  if (typeof size !== 'number' || typeof mtimeMs !== 'number' || typeof ctimeMs !== 'number' || typeof ino !== 'number') return false;
  const before = notes.size;
  if (r.length === 5) {
    notes.set(path, new CachedNote(size, mtimeMs, ctimeMs, ino, undefined));
    return notes.size > before; // a path twice: damaged
  }
  const kind: unknown = r[5];
  const keyset: unknown = r[6];
  const line: unknown = r[7];
  const from: unknown = r[8];
  const to: unknown = r[9];
  if (typeof kind !== 'string' || !kindSpec(kind)) return false;
  if (typeof keyset !== 'number' || typeof line !== 'number' || typeof from !== 'number' || typeof to !== 'number') return false;
  const note = new CachedNote(size, mtimeMs, ctimeMs, ino, kind as KindName);
  notes.set(path, note);
  if (notes.size === before) return false;
  pending.notes.push(note);
  pending.at.push(keyset, line, from, to);
  return true;
}

/** JSON with every non-ASCII character escaped: parsed back to the same value, and one byte a character in memory. */
function asciiJson(v: unknown): string {
  const s = JSON.stringify(v);
  return /[^\x00-\x7f]/.test(s) ? s.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

/**
 * Writes the cache as it goes, into a temp file beside it, then renames it over the old one: a reader
 * sees the old file or the new one. Not fsynced: a file torn by a power cut fails its checksum and
 * costs one full build. Never throws.
 */
export function writeIndexCache(file: string, key: string, root: string, notes: ReadonlyMap<string, CachedNote>): boolean {
  let tmp: string | undefined;
  let fd: number | undefined;
  try {
    sweepOldTemps(file);
    tmp = tempPathFor(file);
    fd = openSync(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let pending: string[] = [];
    let pendingChars = 0;
    const out = (text: string, flush = false) => {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars < READ_CHUNK && !flush) return;
      const bytes = Buffer.from(pending.join(''), 'utf8');
      hash.update(bytes);
      writeSync(fd!, bytes);
      pending = [];
      pendingChars = 0;
    };
    out(`${JSON.stringify({ format: FORMAT, key, root, written: Date.now() } satisfies Header)}\n`);
    // Notes of a folder share their keys: the last keyset is tried first, then the ones seen, by content.
    const byText = new Map<string, number>();
    let lastKeys: readonly string[] = [];
    let lastId = -1;
    const keysetOf = (keys: readonly string[]) => {
      if (keys === lastKeys || (keys.length === lastKeys.length && keys.every((k, i) => k === lastKeys[i]))) return lastId;
      const text = JSON.stringify(keys);
      let id = byText.get(text);
      if (id === undefined) {
        byText.set(text, (id = byText.size));
        out(`=${text}\n`);
      }
      lastKeys = keys;
      lastId = id;
      return id;
    };
    let block: string[] = [];
    let blockChars = 0;
    let line: string[] = [];
    let lineChars = 0;
    let lineNo = 0;
    for (const [path, n] of notes) {
      let r: string;
      if (!n.kind) r = JSON.stringify([path, n.size, n.mtimeMs, n.ctimeMs, n.ino]);
      else {
        const keys = n.keys ?? Object.keys(n.frontmatter!);
        const values = n.values() ?? asciiJson(keys.map((k) => n.frontmatter![k]));
        const keyset = keysetOf(keys);
        if (lineChars + values.length > VALUES_LINE_CHARS && line.length > 0) {
          out(`~${line.join('')}\n`);
          line = [];
          lineChars = 0;
          lineNo++;
        }
        r = JSON.stringify([path, n.size, n.mtimeMs, n.ctimeMs, n.ino, n.kind, keyset, lineNo, lineChars, lineChars + values.length]);
        line.push(values);
        lineChars += values.length;
      }
      if (blockChars + r.length > BLOCK_CHARS && block.length > 0) {
        out(`[${block.join(',')}]\n`);
        block = [];
        blockChars = 0;
      }
      block.push(r);
      blockChars += r.length + 1;
    }
    if (block.length > 0) out(`[${block.join(',')}]\n`);
    if (line.length > 0) out(`~${line.join('')}\n`);
    out('', true);
    writeSync(fd, `${JSON.stringify({ notes: notes.size, sha256: hash.digest('hex') })}\n`);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
    return true;
  } catch {
    if (fd !== undefined) closeSync(fd);
    if (tmp) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created
      }
    }
    return false;
  }
}

/** Temp files of this cache whose writer died (a crash, a stopped worker thread). */
function sweepOldTemps(file: string): void {
  const dir = dirname(file);
  const suffix = `-${basename(file)}`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(TEMP_PREFIX) && name.endsWith(suffix) && tempWriter(name) === 'gone') {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // taken by another sweep
      }
    }
  }
}

// ---- Properties parsed on first use ----------------------------------------------------------------
// Turning 100,000 notes' properties into objects costs more than everything else a cached start does
// (and most runs read few of them: a status, a job over one folder). An entry from the cache keeps its
// note's record until `frontmatter` is first read; from then on it is a plain property.

const RAW = Symbol('aios.cachedNote');

/** An object with these keys, all null: copying it gives a new object with V8's fast layout (see flat-yaml.ts). */
const templates = new WeakMap<readonly string[], Record<string, unknown>>();

/** The properties a cache record stands for. */
export function frontmatterOf(note: CachedNote): Record<string, unknown> {
  if (note.frontmatter) return note.frontmatter;
  const keys = note.keys!;
  let template = templates.get(keys);
  if (!template) templates.set(keys, (template = JSON.parse(`{${keys.map((k) => `${JSON.stringify(k)}:null`).join(',')}}`) as Record<string, unknown>));
  const values = JSON.parse(note.values()!) as unknown[];
  if (!Array.isArray(values) || values.length !== keys.length) throw new Error('index cache: properties do not match their names');
  const out = { ...template };
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i];
  return out;
}

function settle(entry: object, value: unknown): void {
  Object.defineProperty(entry, 'frontmatter', { value, writable: true, enumerable: true, configurable: true });
  delete (entry as { [RAW]?: CachedNote })[RAW];
}

const LAZY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { [RAW]: CachedNote }) {
    const value = frontmatterOf(this[RAW]);
    settle(this, value);
    return value;
  },
  set(this: object, value: unknown) {
    settle(this, value);
  },
};

/** Gives `entry` a `frontmatter` property made from `note` when first read (hidden until then: equal to a plain entry). */
export function withLazyFrontmatter<T extends object>(entry: T, note: CachedNote): T & { frontmatter: Record<string, unknown> } {
  Object.defineProperty(entry, RAW, { value: note, writable: true, configurable: true, enumerable: false });
  return Object.defineProperty(entry, 'frontmatter', LAZY) as T & { frontmatter: Record<string, unknown> };
}
