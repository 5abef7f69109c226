// Workspace, leaves and views: a main area and a right sidebar in the page, views made by the factories
// plugins register, the active file, and onLayoutReady.
import type * as O from 'obsidian';
import type { Like } from './like.ts';
import { Component, Events } from './events.ts';
import type { App } from './app.ts';
import type { TFile } from './vault.ts';

export abstract class View extends Component implements Like<O.View, 'icon' | 'navigation' | 'containerEl' | 'getViewType' | 'getDisplayText' | 'getIcon', View> {
  app: App;
  icon = '';
  navigation = false;
  containerEl: HTMLElement;

  constructor(readonly leaf: WorkspaceLeaf) {
    super();
    this.app = leaf.app;
    this.containerEl = createDiv({ cls: 'view-content-container' });
  }

  abstract getViewType(): string;
  abstract getDisplayText(): string;
  getIcon(): string {
    return this.icon;
  }
  protected async onOpen(): Promise<void> {}
  protected async onClose(): Promise<void> {}

  /** What the leaf calls (Obsidian's view lifecycle: load, then onOpen; onClose, then unload). */
  async open(): Promise<void> {
    this.load();
    await this.onOpen();
  }
  async close(): Promise<void> {
    await this.onClose();
    this.unload();
  }
}

export abstract class ItemView extends View implements Like<O.ItemView, 'contentEl', ItemView> {
  contentEl: HTMLElement;
  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.containerEl.createDiv({ cls: 'view-header' }).createDiv({ cls: 'view-header-title' });
    this.contentEl = this.containerEl.createDiv({ cls: 'view-content' });
  }
  addAction(_icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const el = this.containerEl.querySelector('.view-header')!.createEl('a', { cls: 'view-action', attr: { 'aria-label': title } });
    el.addEventListener('click', callback);
    return el;
  }
}

/** The view the double opens a note in: its text, so a screenshot shows which note is open. */
class NoteView extends ItemView {
  file: TFile | null = null;
  getViewType(): string {
    return 'markdown';
  }
  getDisplayText(): string {
    return this.file?.basename ?? '';
  }
  async show(file: TFile): Promise<void> {
    this.file = file;
    this.contentEl.empty();
    this.contentEl.createEl('pre', { cls: 'markdown-source-view', text: await this.app.vault.cachedRead(file as unknown as O.TFile) });
  }
}

export class WorkspaceLeaf extends Events implements Like<O.WorkspaceLeaf, 'getViewState' | 'setViewState' | 'getDisplayText' | 'detach', WorkspaceLeaf> {
  view: View | null = null;
  readonly containerEl: HTMLElement;

  constructor(
    readonly app: App,
    parentEl: HTMLElement,
  ) {
    super();
    this.containerEl = parentEl.createDiv({ cls: 'workspace-leaf' });
  }

  getViewState(): O.ViewState {
    return { type: this.view?.getViewType() ?? 'empty' };
  }

  getDisplayText(): string {
    return this.view?.getDisplayText() ?? '';
  }

  async setViewState(state: O.ViewState): Promise<void> {
    const factory = this.app.viewRegistry.get(state.type);
    if (!factory) throw new Error(`no view of type ${state.type}`);
    await this.open(factory(this as unknown as O.WorkspaceLeaf) as unknown as View);
    if (state.active) this.app.workspace.setActiveLeaf(this);
  }

  async open(view: View): Promise<View> {
    await this.view?.close();
    this.containerEl.empty();
    this.view = view;
    this.containerEl.appendChild(view.containerEl);
    await view.open();
    return view;
  }

  async openFile(file: TFile): Promise<void> {
    const view = this.view instanceof NoteView ? this.view : ((await this.open(new NoteView(this))) as NoteView);
    await view.show(file);
    this.app.workspace.setActiveLeaf(this);
    this.app.workspace.trigger('file-open', file);
  }

  detach(): void {
    void this.view?.close();
    this.view = null;
    this.containerEl.detach();
    this.app.workspace.leaves.delete(this);
  }
}

export class Workspace extends Events implements Like<O.Workspace, 'onLayoutReady' | 'getActiveFile' | 'layoutReady' | 'openLinkText' | 'detachLeavesOfType', Workspace> {
  readonly leaves = new Set<WorkspaceLeaf>();
  activeLeaf: WorkspaceLeaf | null = null;
  layoutReady = false;
  readonly containerEl: HTMLElement;
  private readonly mainEl: HTMLElement;
  private readonly rightEl: HTMLElement;
  private readyCallbacks: (() => unknown)[] = [];

  constructor(private readonly app: App) {
    super();
    this.containerEl = createDiv({ cls: 'workspace' });
    this.mainEl = this.containerEl.createDiv({ cls: 'workspace-split mod-root' });
    this.rightEl = this.containerEl.createDiv({ cls: 'workspace-split mod-right-split' });
  }

  onLayoutReady(callback: () => unknown): void {
    if (this.layoutReady) callback();
    else this.readyCallbacks.push(callback);
  }

  /** Marks the layout ready, as Obsidian does once the vault is indexed. */
  ready(): void {
    this.layoutReady = true;
    for (const cb of this.readyCallbacks.splice(0)) cb();
    this.trigger('layout-ready');
  }

  private leafIn(el: HTMLElement): WorkspaceLeaf {
    const leaf = new WorkspaceLeaf(this.app, el);
    this.leaves.add(leaf);
    return leaf;
  }

  getLeavesOfType(type: string): WorkspaceLeaf[] {
    return [...this.leaves].filter((l) => l.view?.getViewType() === type);
  }

  getRightLeaf(_split: boolean): WorkspaceLeaf {
    return this.leafIn(this.rightEl);
  }

  getLeaf(_newLeaf?: boolean | 'tab' | 'split' | 'window'): WorkspaceLeaf {
    const main = [...this.leaves].find((l) => this.mainEl.contains(l.containerEl));
    return main ?? this.leafIn(this.mainEl);
  }

  async revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    this.setActiveLeaf(leaf);
  }

  setActiveLeaf(leaf: WorkspaceLeaf): void {
    if (this.activeLeaf === leaf) return;
    this.activeLeaf = leaf;
    this.trigger('active-leaf-change', leaf);
  }

  detachLeavesOfType(type: string): void {
    for (const l of this.getLeavesOfType(type)) l.detach();
  }

  getActiveViewOfType<T>(type: abstract new (...args: never[]) => T): T | null {
    const v = this.activeLeaf?.view;
    return v instanceof (type as unknown as typeof View) ? (v as unknown as T) : null;
  }

  getActiveFile(): O.TFile | null {
    const v = this.activeLeaf?.view;
    return v instanceof NoteView ? (v.file as unknown as O.TFile | null) : null;
  }

  /** Opens a note by path or name, as a click on a link does. */
  async openLinkText(linktext: string, _sourcePath: string, _newLeaf?: boolean): Promise<void> {
    const target = linktext.replace(/^\[\[|\]\]$/g, '').replace(/\|.*$/, '');
    const files = this.app.vault.getMarkdownFiles();
    const file = files.find((f) => f.path === target || f.path === `${target}.md`) ?? files.find((f) => f.basename === target);
    if (!file) throw new Error(`no note ${linktext}`);
    await this.getLeaf().openFile(file as unknown as TFile);
  }
}
