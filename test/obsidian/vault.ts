// The vault side of the double: files over a disk adapter (a real folder on disk under Node, the same
// folder through a loopback server in Chromium, or memory for benchmarks), the metadata cache that
// parses frontmatter the way Obsidian does, and FileManager.processFrontMatter, which re-serialises
// the whole block as Obsidian does (quoting and layout of untouched keys may change, comments go).
import type * as O from 'obsidian';
import type { Like } from './like.ts';
import { parse, stringify } from 'yaml';
import { Events } from './events.ts';

export interface FileStat {
  path: string;
  size: number;
  mtime: number;
}

/** Where the files are. Paths are vault-relative with `/`; folders starting with `.` are not listed. */
export interface DiskAdapter {
  list(): Promise<FileStat[]>;
  read(path: string): Promise<string>;
  /** Writes atomically and returns the new stat. */
  write(path: string, data: string): Promise<FileStat>;
  remove(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export abstract class TAbstractFile implements Like<O.TAbstractFile, 'path' | 'name', TAbstractFile> {
  parent: TFolder | null = null;
  constructor(
    readonly vault: Vault,
    public path: string,
  ) {}
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }
}

export class TFile extends TAbstractFile implements Like<O.TFile, 'path' | 'name' | 'basename' | 'extension' | 'stat', TFile> {
  stat = { ctime: 0, mtime: 0, size: 0 };
  get extension(): string {
    const i = this.name.lastIndexOf('.');
    return i > 0 ? this.name.slice(i + 1) : '';
  }
  get basename(): string {
    const i = this.name.lastIndexOf('.');
    return i > 0 ? this.name.slice(0, i) : this.name;
  }
}

export class TFolder extends TAbstractFile implements Like<O.TFolder, 'path' | 'name' | 'isRoot', TFolder> {
  children: TAbstractFile[] = [];
  isRoot(): boolean {
    return this.path === '/';
  }
}

/** Splits a note into its frontmatter text and the rest, as Obsidian reads them. */
export function splitFrontmatter(text: string): { yaml: string | undefined; body: string; endLine: number } {
  const m = /^---\r?\n([\s\S]*?\r?\n)?---[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return { yaml: undefined, body: text, endLine: -1 };
  return { yaml: m[1] ?? '', body: text.slice(m[0].length), endLine: m[0].split('\n').length - 2 };
}

export function parseFrontmatter(text: string): Record<string, unknown> | undefined {
  const { yaml } = splitFrontmatter(text);
  if (yaml === undefined) return undefined;
  try {
    const v: unknown = parse(yaml);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // Obsidian shows no properties for a block it cannot parse.
  }
}

export function stringifyYaml(obj: unknown): string {
  return stringify(obj, { lineWidth: 0 });
}

export class Vault extends Events implements Like<O.Vault, 'getMarkdownFiles' | 'getFiles' | 'getAbstractFileByPath' | 'getFileByPath' | 'getFolderByPath' | 'read' | 'cachedRead' | 'getName' | 'getRoot' | 'create' | 'createFolder' | 'modify' | 'process' | 'delete' | 'trash', Vault> {
  private readonly files = new Map<string, TAbstractFile>();
  private readonly contents = new Map<string, string>();
  private readonly root: TFolder;
  /** Set by the app: the cache is updated before the vault's own events, as in Obsidian. */
  metadataCache!: MetadataCache;

  constructor(
    readonly adapter: DiskAdapter,
    private readonly vaultName = 'vault',
  ) {
    super();
    this.root = new TFolder(this, '/');
  }

  getName(): string {
    return this.vaultName;
  }

  getRoot(): O.TFolder {
    return this.root as unknown as O.TFolder;
  }

  /** Reads the whole vault once, as Obsidian does at start-up (the metadata cache is filled too). */
  async load(): Promise<void> {
    for (const stat of await this.adapter.list()) await this.addFromDisk(stat, false);
  }

  /**
   * Picks up changes made on disk by others (the companion): new, changed and removed files fire the
   * same events as in Obsidian. Chromium polls it; Node tests call it after the companion ran.
   */
  async sync(): Promise<void> {
    const seen = new Set<string>();
    for (const stat of await this.adapter.list()) {
      seen.add(stat.path);
      const f = this.files.get(stat.path);
      if (!(f instanceof TFile)) await this.addFromDisk(stat, true);
      else if (f.stat.mtime !== stat.mtime || f.stat.size !== stat.size) {
        const text = await this.adapter.read(stat.path);
        f.stat = { ...f.stat, mtime: stat.mtime, size: stat.size };
        if (text !== this.contents.get(stat.path)) this.changed(f, text);
      }
    }
    for (const [path, f] of [...this.files]) if (f instanceof TFile && !seen.has(path)) this.removed(f);
  }

  private async addFromDisk(stat: FileStat, notify: boolean): Promise<void> {
    const file = this.attach(new TFile(this, stat.path));
    file.stat = { ctime: stat.mtime, mtime: stat.mtime, size: stat.size };
    const text = file.extension === 'md' ? await this.adapter.read(stat.path) : '';
    this.contents.set(stat.path, text);
    this.metadataCache.fill(file, text, notify);
    if (notify) this.trigger('create', file);
  }

  private attach<T extends TAbstractFile>(file: T): T {
    const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    const parent = dir ? this.folder(dir) : this.root;
    file.parent = parent;
    parent.children.push(file);
    this.files.set(file.path, file);
    return file;
  }

  private folder(path: string): TFolder {
    const f = this.files.get(path);
    if (f instanceof TFolder) return f;
    return this.attach(new TFolder(this, path));
  }

  private changed(file: TFile, text: string): void {
    this.contents.set(file.path, text);
    this.metadataCache.fill(file, text, true);
    this.trigger('modify', file);
  }

  private removed(file: TFile): void {
    this.files.delete(file.path);
    this.contents.delete(file.path);
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    const prev = this.metadataCache.drop(file);
    this.trigger('delete', file);
    this.metadataCache.trigger('deleted', file, prev);
  }

  getMarkdownFiles(): O.TFile[] {
    return this.getFiles().filter((f) => f.extension === 'md');
  }

  getFiles(): O.TFile[] {
    return [...this.files.values()].filter((f): f is TFile => f instanceof TFile) as unknown as O.TFile[];
  }

  getAbstractFileByPath(path: string): O.TAbstractFile | null {
    return (this.files.get(path) ?? null) as unknown as O.TAbstractFile | null;
  }

  getFileByPath(path: string): O.TFile | null {
    const f = this.files.get(path);
    return f instanceof TFile ? (f as unknown as O.TFile) : null;
  }

  getFolderByPath(path: string): O.TFolder | null {
    const f = path === '/' || path === '' ? this.root : this.files.get(path);
    return f instanceof TFolder ? (f as unknown as O.TFolder) : null;
  }

  async read(file: O.TFile): Promise<string> {
    return this.adapter.read(file.path);
  }

  async cachedRead(file: O.TFile): Promise<string> {
    return this.contents.get(file.path) ?? this.read(file);
  }

  async create(path: string, data: string): Promise<O.TFile> {
    if (this.files.has(path)) throw new Error('File already exists.');
    const stat = await this.adapter.write(path, data);
    const file = this.attach(new TFile(this, path));
    file.stat = { ctime: stat.mtime, mtime: stat.mtime, size: stat.size };
    this.contents.set(path, data);
    this.metadataCache.fill(file, data, true);
    this.trigger('create', file);
    return file as unknown as O.TFile;
  }

  async createFolder(path: string): Promise<O.TFolder> {
    return this.folder(path) as unknown as O.TFolder;
  }

  async modify(file: O.TFile, data: string): Promise<void> {
    const f = this.files.get(file.path);
    if (!(f instanceof TFile)) throw new Error(`${file.path}: no such file`);
    const stat = await this.adapter.write(file.path, data);
    f.stat = { ...f.stat, mtime: stat.mtime, size: stat.size };
    this.changed(f, data);
  }

  async process(file: O.TFile, fn: (data: string) => string): Promise<string> {
    const next = fn(await this.read(file));
    await this.modify(file, next);
    return next;
  }

  async delete(file: O.TAbstractFile): Promise<void> {
    const f = this.files.get(file.path);
    if (!(f instanceof TFile)) return;
    await this.adapter.remove(file.path);
    this.removed(f);
  }

  async trash(file: O.TAbstractFile): Promise<void> {
    await this.delete(file);
  }
}

export class MetadataCache extends Events implements Like<O.MetadataCache, 'getFileCache' | 'getCache', MetadataCache> {
  private readonly caches = new Map<string, O.CachedMetadata>();

  /** Parses a file's frontmatter into the cache; `notify` fires 'changed' as Obsidian does after a parse. */
  fill(file: TFile, text: string, notify: boolean): void {
    if (file.extension !== 'md') return;
    const fm = parseFrontmatter(text);
    const { endLine } = splitFrontmatter(text);
    const cache: O.CachedMetadata = fm
      ? { frontmatter: fm as O.FrontMatterCache, frontmatterPosition: { start: { line: 0, col: 0, offset: 0 }, end: { line: endLine, col: 3, offset: 0 } } }
      : {};
    this.caches.set(file.path, cache);
    if (notify) this.trigger('changed', file, text, cache);
  }

  drop(file: TFile): O.CachedMetadata | null {
    const prev = this.caches.get(file.path) ?? null;
    this.caches.delete(file.path);
    return prev;
  }

  getFileCache(file: O.TFile): O.CachedMetadata | null {
    return this.caches.get(file.path) ?? null;
  }

  getCache(path: string): O.CachedMetadata | null {
    return this.caches.get(path) ?? null;
  }
}

export class FileManager implements Like<O.FileManager, 'processFrontMatter', FileManager> {
  constructor(private readonly vault: Vault) {}

  async processFrontMatter(file: O.TFile, fn: (frontmatter: Record<string, unknown>) => void): Promise<void> {
    await this.vault.process(file, (text) => {
      const { yaml, body } = splitFrontmatter(text);
      const fm = (yaml === undefined ? {} : (parse(yaml) as Record<string, unknown> | null)) ?? {};
      fn(fm);
      const block = Object.keys(fm).length ? `---\n${stringifyYaml(fm)}---\n` : '';
      return block + body;
    });
  }
}
