// The decision queue: a view of the open items in the queue's order, answered and deferred from the
// keyboard (keys from the plugin's data) or the mouse; answering writes only the owner's keys through
// FileManager.processFrontMatter.
import { ItemView, Modal, Notice, Setting, SuggestModal, type App, type Plugin, type WorkspaceLeaf } from 'obsidian';
import { decisionItem } from '../../contract/index.ts';
import type { Feature } from '../feature.ts';
import { MESSAGES, type QueueKeys } from '../messages.ts';
import { answerPatch, deferPatch, openQueue, optionsOf, type QueueRow } from '../queue-model.ts';
import { nextDay } from '../time.ts';
import type { VaultNotes } from './vault-notes.ts';

export const QUEUE_VIEW = 'aios-decision-queue';

export class QueueFeature implements Feature {
  constructor(
    private readonly plugin: Plugin,
    private readonly notes: VaultNotes,
    private readonly keys: () => QueueKeys,
  ) {}

  load(): void {
    this.plugin.registerView(QUEUE_VIEW, (leaf) => new QueueView(leaf, this.notes, this.keys));
    this.plugin.addCommand({ id: 'open-decision-queue', name: MESSAGES.openQueue, callback: () => void this.open() });
    this.plugin.addRibbonIcon('list-checks', MESSAGES.openQueue, () => void this.open());
  }

  unload(): void {}

  async open(): Promise<void> {
    const { workspace } = this.plugin.app;
    const existing = workspace.getLeavesOfType(QUEUE_VIEW)[0];
    const leaf = existing ?? workspace.getRightLeaf(false);
    if (!leaf) return;
    if (!existing) await leaf.setViewState({ type: QUEUE_VIEW, active: true });
    await workspace.revealLeaf(leaf);
    (leaf.view as QueueView).focus();
  }
}

export class QueueView extends ItemView {
  private rows: QueueRow[] = [];
  private selected = 0;
  private listEl!: HTMLElement;
  private unsubscribe: (() => void) | undefined;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly notes: VaultNotes,
    private readonly keys: () => QueueKeys,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return QUEUE_VIEW;
  }

  getDisplayText(): string {
    return MESSAGES.queueTitle;
  }

  override getIcon(): string {
    return 'list-checks';
  }

  override async onOpen(): Promise<void> {
    this.contentEl.addClass('aios-queue');
    this.contentEl.setAttr('tabindex', 0);
    this.registerDomEvent(this.contentEl, 'keydown', (e) => this.onKey(e));
    this.unsubscribe = this.notes.subscribe(() => this.render());
    this.render();
  }

  override async onClose(): Promise<void> {
    this.unsubscribe?.();
  }

  focus(): void {
    this.contentEl.focus();
  }

  render(): void {
    const root = this.contentEl;
    const selectedPath = this.rows[this.selected]?.path;
    root.empty();
    const today = this.notes.now().slice(0, 10);
    this.rows = openQueue(this.notes.store.inFolder(this.notes.folder(decisionItem)), today, this.notes.folder(decisionItem));
    // Keep the selection on the same item; when it left the queue (answered), on the one now in its place.
    const again = this.rows.findIndex((r) => r.path === selectedPath);
    this.selected = Math.max(0, Math.min(again >= 0 ? again : this.selected, this.rows.length - 1));
    root.createEl('h4', { text: this.rows.length ? MESSAGES.queueOpen(this.rows.length) : MESSAGES.queueEmpty });
    if (this.rows.length) root.createDiv({ cls: 'aios-queue-keys', text: MESSAGES.queueKeys(this.keys()) });
    this.listEl = root.createDiv({ cls: 'aios-queue-list' });
    this.rows.forEach((row, i) => this.renderRow(row, i));
  }

  private renderRow(row: QueueRow, i: number): void {
    const card = this.listEl.createDiv({ cls: `aios-queue-item aios-severity-${row.item.severity}`, attr: { 'data-path': row.path } });
    card.toggleClass('is-selected', i === this.selected);
    card.addEventListener('click', () => this.select(i));
    const title = card.createEl('a', { text: row.item.title, cls: 'aios-queue-title' });
    title.addEventListener('click', () => void this.app.workspace.openLinkText(row.path, '', false));
    card.createDiv({ text: row.item.why, cls: 'aios-queue-why' });
    if (row.item.deadline) card.createDiv({ text: MESSAGES.deadline(row.item.deadline), cls: 'aios-queue-deadline' });
    const buttons = card.createDiv({ cls: 'aios-queue-options' });
    for (const option of optionsOf(row.item)) {
      buttons.createEl('button', { text: option.text }).addEventListener('click', () => void this.patch(row, answerPatch(option.id, this.notes.now())));
    }
    buttons.createEl('button', { text: MESSAGES.deferADay, cls: 'mod-muted' }).addEventListener('click', () => void this.patch(row, deferPatch(nextDay(this.notes.now().slice(0, 10)))));
  }

  private select(i: number): void {
    if (!this.rows.length) return;
    this.selected = Math.max(0, Math.min(i, this.rows.length - 1));
    this.listEl.querySelectorAll('.aios-queue-item').forEach((el, j) => el.toggleClass('is-selected', j === this.selected));
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const k = this.keys();
    const row = this.rows[this.selected];
    const act: Record<string, () => void> = {
      [k.down]: () => this.select(this.selected + 1),
      ArrowDown: () => this.select(this.selected + 1),
      [k.up]: () => this.select(this.selected - 1),
      ArrowUp: () => this.select(this.selected - 1),
      [k.answer]: () => row && new AnswerModal(this.app, row, (id) => void this.patch(row, answerPatch(id, this.notes.now()))).open(),
      [k.defer]: () => row && new DeferModal(this.app, row, nextDay(this.notes.now().slice(0, 10)), (until, comment) => void this.patch(row, { ...deferPatch(until), ...(comment ? { comment } : {}) })).open(),
      [k.open]: () => row && void this.app.workspace.openLinkText(row.path, '', false),
    };
    const fn = act[e.key];
    if (!fn) return;
    e.preventDefault();
    fn();
  }

  private async patch(row: QueueRow, patch: Record<string, unknown>): Promise<void> {
    const file = this.notes.file(row.path);
    if (!file) return;
    try {
      await this.app.fileManager.processFrontMatter(file, (fm: Record<string, unknown>) => Object.assign(fm, patch));
    } catch (e) {
      new Notice(MESSAGES.couldNotUpdate(row.path, (e as Error).message));
    }
    this.focus();
  }
}

/** The item's options by their text and id; the answer is written as the id. */
class AnswerModal extends SuggestModal<{ id: string; text: string }> {
  constructor(
    app: App,
    private readonly row: QueueRow,
    private readonly choose: (id: string) => void,
  ) {
    super(app);
    this.setPlaceholder(MESSAGES.answerPlaceholder);
  }

  override onOpen(): void {
    this.setTitle(this.row.item.title);
  }

  getSuggestions(query: string): { id: string; text: string }[] {
    const q = query.trim().toLowerCase();
    return optionsOf(this.row.item).filter((o) => !q || o.text.toLowerCase().includes(q) || o.id.includes(q));
  }

  renderSuggestion(o: { id: string; text: string }, el: HTMLElement): void {
    el.createDiv({ text: o.text });
    el.createEl('small', { text: o.id, cls: 'aios-option-id' });
  }

  onChooseSuggestion(o: { id: string; text: string }): void {
    this.choose(o.id);
  }
}

/** Defer to a day (a date picker, tomorrow by default) with an optional comment; Enter confirms. */
class DeferModal extends Modal {
  constructor(
    app: App,
    private readonly row: QueueRow,
    private readonly until: string,
    private readonly submit: (until: string, comment: string) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(MESSAGES.deferTitle(this.row.item.title));
    let until = this.until;
    let comment = '';
    const done = () => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) return;
      this.close();
      this.submit(until, comment.trim());
    };
    const enter = (el: HTMLElement) =>
      el.addEventListener('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          done();
        }
      });
    new Setting(this.contentEl).setName(MESSAGES.deferUntil).addText((t) => {
      t.inputEl.type = 'date';
      t.setValue(until).onChange((v) => (until = v));
      enter(t.inputEl);
      window.setTimeout(() => t.inputEl.focus(), 0);
    });
    new Setting(this.contentEl).setName(MESSAGES.comment).addText((t) => {
      t.onChange((v) => (comment = v));
      enter(t.inputEl);
    });
    new Setting(this.contentEl).addButton((b) => b.setButtonText(MESSAGES.defer).setCta().onClick(done));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
