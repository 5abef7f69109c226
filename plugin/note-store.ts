// The notes the plugin shows, kept by path and updated note by note as the metadata cache reports
// changes: a change costs a prefix check and a map update, never a scan of the vault.
export interface StoredNote {
  path: string;
  frontmatter: Record<string, unknown>;
}

export class NoteStore {
  private readonly notes = new Map<string, StoredNote>();
  private prefixes: string[] = [];
  private paths = new Set<string>();

  /** What the store keeps: notes under these folders, and these single notes. */
  watch(folders: readonly string[], singles: readonly string[]): void {
    this.prefixes = folders.map((f) => `${f.replace(/\/+$/, '')}/`);
    this.paths = new Set(singles);
    for (const p of [...this.notes.keys()]) if (!this.watches(p)) this.notes.delete(p);
  }

  watches(path: string): boolean {
    if (this.paths.has(path)) return true;
    for (const p of this.prefixes) if (path.startsWith(p)) return true;
    return false;
  }

  /** Sets or removes a note; true when the store changed. */
  set(path: string, frontmatter: Record<string, unknown> | undefined): boolean {
    if (!this.watches(path)) return false;
    if (!frontmatter) return this.notes.delete(path);
    this.notes.set(path, { path, frontmatter });
    return true;
  }

  delete(path: string): boolean {
    return this.notes.delete(path);
  }

  get(path: string): StoredNote | undefined {
    return this.notes.get(path);
  }

  /** Notes under a folder (one of the watched ones). */
  inFolder(folder: string): StoredNote[] {
    const prefix = `${folder.replace(/\/+$/, '')}/`;
    return [...this.notes.values()].filter((n) => n.path.startsWith(prefix));
  }

  get size(): number {
    return this.notes.size;
  }
}
