// The notes the plugin shows, kept current from the metadata cache: only the folders that matter (the
// queue, requests) and the two known notes (settings, companion lease) are read, once at start and then
// note by note as they change; listeners hear of changes debounced, so a burst costs one refresh.
import { TFile, TFolder, debounce, type CachedMetadata, type Plugin, type TAbstractFile } from 'obsidian';
import { decisionItem, folderOf, lease, request, settingsNote, type KindSpec, type SettingKey, type SettingsLookup } from '../../contract/index.ts';
import type { Feature } from '../feature.ts';
import { NoteStore } from '../note-store.ts';
import { localDateTime } from '../time.ts';

/** The settings note at its known path: a note elsewhere claiming to be the settings is not. */
export const SETTINGS_PATH = `${settingsNote.defaultFolder}/${settingsNote.fileName({})}.md`;

export class VaultNotes implements Feature {
  readonly store = new NoteStore();
  /** The settings note's frontmatter ({} when there is none). */
  settings: Record<string, unknown> = {};
  private readonly listeners = new Set<() => void>();
  private readonly notify = debounce(() => {
    for (const l of this.listeners) l();
  }, 100);
  /** The kept folders and the lease note, as last read: a settings change that moves one rescans. */
  private kept = '';

  constructor(private readonly plugin: Plugin) {}

  load(): void {
    const { app } = this.plugin;
    app.workspace.onLayoutReady(() => {
      this.readSettings();
      this.rescan();
      this.plugin.registerEvent(app.metadataCache.on('changed', (file, _data, cache) => this.changed(file, cache)));
      this.plugin.registerEvent(app.vault.on('delete', (file) => this.removed(file.path)));
      this.plugin.registerEvent(
        app.vault.on('rename', (file, oldPath) => {
          this.removed(oldPath);
          if (file instanceof TFile) this.changed(file, app.metadataCache.getFileCache(file));
        }),
      );
      this.notify();
    });
  }

  unload(): void {
    this.notify.cancel();
    this.listeners.clear();
  }

  /** Calls `fn` (debounced) whenever a kept note changed; returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  readonly lookup: SettingsLookup = (key: SettingKey) => this.settings[key] as string | number | boolean;

  folder(spec: KindSpec): string {
    return folderOf(spec, this.lookup);
  }

  leasePath(): string {
    return `${this.folder(lease)}/${lease.fileName({} as never)}.md`;
  }

  /** Now, as a local datetime in the business time zone the companion writes in. */
  now(at = new Date()): string {
    const tz = typeof this.settings.timezone === 'string' ? this.settings.timezone : '';
    try {
      return localDateTime(at, tz);
    } catch {
      return localDateTime(at);
    }
  }

  file(path: string): TFile | undefined {
    const f = this.plugin.app.vault.getAbstractFileByPath(path);
    return f instanceof TFile ? f : undefined;
  }

  private readSettings(): void {
    const f = this.file(SETTINGS_PATH);
    const fm = f ? this.plugin.app.metadataCache.getFileCache(f)?.frontmatter : undefined;
    this.settings = fm?.aios_kind === settingsNote.kind ? { ...fm } : {};
  }

  private keptFolders(): string[] {
    return [this.folder(decisionItem), this.folder(request)];
  }

  /** Reads the kept folders afresh: at start, and when the settings move a folder. */
  private rescan(): void {
    const folders = this.keptFolders();
    this.kept = [...folders, this.leasePath()].join('\n');
    this.store.watch(folders, [this.leasePath()]);
    const { vault, metadataCache } = this.plugin.app;
    const walk = (f: TAbstractFile | null) => {
      if (f instanceof TFolder) for (const c of f.children) walk(c);
      else if (f instanceof TFile && f.extension === 'md') this.store.set(f.path, metadataCache.getFileCache(f)?.frontmatter);
    };
    for (const folder of folders) walk(vault.getAbstractFileByPath(folder));
    walk(vault.getAbstractFileByPath(this.leasePath()));
  }

  private changed(file: TFile, cache: CachedMetadata | null): void {
    if (file.path === SETTINGS_PATH) {
      this.readSettings();
      if ([...this.keptFolders(), this.leasePath()].join('\n') !== this.kept) this.rescan();
      this.notify();
      return;
    }
    if (this.store.set(file.path, cache?.frontmatter)) this.notify();
  }

  private removed(path: string): void {
    if (this.store.delete(path)) this.notify();
  }
}
