// The app: vault, metadata cache, file manager and workspace over one disk adapter, and what plugins
// register (views, commands, ribbon icons, status bar items, setting tabs), with a command palette
// opened by Ctrl/Cmd+P as in Obsidian.
import type * as O from 'obsidian';
import type { Like } from './like.ts';
import { Component } from './events.ts';
import { FileManager, MetadataCache, Vault, type DiskAdapter } from './vault.ts';
import { Workspace } from './workspace.ts';
import { Modal, SuggestModal, type PluginSettingTab } from './ui.ts';

export interface Command extends O.Command {
  plugin: string;
}

export class App {
  readonly vault: Vault;
  readonly metadataCache = new MetadataCache();
  readonly fileManager: FileManager;
  readonly workspace: Workspace;
  readonly viewRegistry = new Map<string, O.ViewCreator>();
  readonly commands = new Map<string, Command>();
  readonly settingTabs: PluginSettingTab[] = [];
  readonly plugins: Plugin[] = [];
  readonly ribbonEl: HTMLElement;
  readonly statusBarEl: HTMLElement;

  constructor(adapter: DiskAdapter, vaultName?: string) {
    this.vault = new Vault(adapter, vaultName);
    this.vault.metadataCache = this.metadataCache;
    this.fileManager = new FileManager(this.vault);
    this.workspace = new Workspace(this);
    const root = createDiv({ cls: 'app-container' });
    this.ribbonEl = root.createDiv({ cls: 'side-dock-ribbon' });
    root.appendChild(this.workspace.containerEl);
    this.statusBarEl = root.createDiv({ cls: 'status-bar' });
    document.body.appendChild(root);
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'p') {
        e.preventDefault();
        new CommandPalette(this).open();
      }
    });
  }

  /** Loads the vault, then the plugin, then marks the layout ready: Obsidian's start-up order. */
  async start(PluginClass: new (app: O.App, manifest: O.PluginManifest) => O.Plugin, manifest: O.PluginManifest): Promise<Plugin> {
    await this.vault.load();
    const plugin = new PluginClass(this as unknown as O.App, manifest) as unknown as Plugin;
    this.plugins.push(plugin);
    plugin.load();
    await plugin.ready;
    this.workspace.ready();
    return plugin;
  }

  /** Commands the palette offers now: a `checkCallback` decides whether its command applies. */
  availableCommands(): Command[] {
    return [...this.commands.values()].filter((c) => (c.checkCallback ? c.checkCallback(true) === true : c.callback !== undefined));
  }

  executeCommandById(id: string): boolean {
    const c = this.commands.get(id);
    if (!c) return false;
    if (c.checkCallback) return c.checkCallback(true) === true && (c.checkCallback(false), true);
    if (c.callback) {
      void c.callback();
      return true;
    }
    return false;
  }

  /** Opens a plugin's settings tab the way Settings > Community plugins > the plugin does. */
  openSettings(tab: PluginSettingTab): Modal {
    const m = new Modal(this);
    m.modalEl.addClass('mod-settings');
    m.contentEl.appendChild(tab.containerEl);
    m.setCloseCallback(() => tab.hide());
    m.open();
    tab.display();
    return m;
  }
}

class CommandPalette extends SuggestModal<Command> {
  constructor(private readonly appRef: App) {
    super(appRef);
    this.setPlaceholder('Select a command...');
  }
  getSuggestions(query: string): Command[] {
    const q = query.toLowerCase();
    return this.appRef.availableCommands().filter((c) => c.name.toLowerCase().includes(q));
  }
  renderSuggestion(c: Command, el: HTMLElement): void {
    el.setText(c.name);
  }
  onChooseSuggestion(c: Command): void {
    this.appRef.executeCommandById(c.id);
  }
}

export class Plugin extends Component implements Like<O.Plugin, 'manifest' | 'addCommand' | 'addRibbonIcon' | 'addStatusBarItem' | 'registerView' | 'loadData' | 'saveData', Plugin> {
  constructor(
    readonly app: App,
    readonly manifest: O.PluginManifest,
  ) {
    super();
  }

  /** Resolves when the plugin's onload (which may be async) has finished. */
  get ready(): Promise<void> {
    return Promise.resolve(this.loadResult).then(() => undefined);
  }

  addCommand(command: O.Command): O.Command {
    const full: Command = { ...command, id: `${this.manifest.id}:${command.id}`, name: `${this.manifest.name}: ${command.name}`, plugin: this.manifest.id };
    if (command.hotkeys?.length) throw new Error(`${full.id}: plugins must not set default hotkeys`);
    this.app.commands.set(full.id, full);
    this.register(() => this.app.commands.delete(full.id));
    return full;
  }

  addRibbonIcon(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const el = this.app.ribbonEl.createDiv({ cls: 'side-dock-ribbon-action', attr: { 'aria-label': title, 'data-icon': icon } });
    el.addEventListener('click', callback);
    this.register(() => el.detach());
    return el;
  }

  addStatusBarItem(): HTMLElement {
    const el = this.app.statusBarEl.createDiv({ cls: 'status-bar-item plugin-' + this.manifest.id });
    this.register(() => el.detach());
    return el;
  }

  addSettingTab(tab: O.PluginSettingTab): void {
    const t = tab as unknown as PluginSettingTab;
    this.app.settingTabs.push(t);
    this.register(() => this.app.settingTabs.splice(this.app.settingTabs.indexOf(t), 1));
  }

  registerView(type: string, viewCreator: O.ViewCreator): void {
    this.app.viewRegistry.set(type, viewCreator);
    this.register(() => {
      this.app.workspace.detachLeavesOfType(type);
      this.app.viewRegistry.delete(type);
    });
  }

  private dataPath(): string {
    return `.obsidian/plugins/${this.manifest.id}/data.json`;
  }

  async loadData(): Promise<unknown> {
    try {
      return JSON.parse(await this.app.vault.adapter.read(this.dataPath())) as unknown;
    } catch {
      return null;
    }
  }

  async saveData(data: unknown): Promise<void> {
    await this.app.vault.adapter.write(this.dataPath(), JSON.stringify(data, null, 2));
  }
}
