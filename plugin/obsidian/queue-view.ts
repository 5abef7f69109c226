// The decision queue inside Obsidian: open questions with their options; answering writes only the
// owner's keys through FileManager.processFrontMatter.
import { ItemView, Notice, TFile, type WorkspaceLeaf } from 'obsidian';
import { answerPatch, deferPatch, openQueue, optionsOf } from '../queue-model.ts';

export const QUEUE_VIEW = 'aios-decision-queue';

function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export class QueueView extends ItemView {
  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
  }

  getViewType(): string {
    return QUEUE_VIEW;
  }

  getDisplayText(): string {
    return 'Decision queue';
  }

  override getIcon(): string {
    return 'list-checks';
  }

  override async onOpen(): Promise<void> {
    // Frontmatter is read after the metadata cache has it, not on raw modify events.
    this.registerEvent(this.app.metadataCache.on('changed', () => this.render()));
    this.registerEvent(this.app.vault.on('delete', () => this.render()));
    this.render();
  }

  render(): void {
    const root = this.contentEl;
    root.empty();
    root.addClass('aios-queue');
    const today = localNow().slice(0, 10);
    const rows = openQueue(
      this.app.vault.getMarkdownFiles().map((f) => ({ path: f.path, frontmatter: this.app.metadataCache.getFileCache(f)?.frontmatter })),
      today,
    );
    root.createEl('h4', { text: rows.length ? `${rows.length} open` : 'Nothing needs you' });
    for (const row of rows) {
      const card = root.createDiv({ cls: `aios-queue-item aios-severity-${row.item.severity}` });
      const title = card.createEl('a', { text: row.item.title, cls: 'aios-queue-title' });
      title.addEventListener('click', () => void this.app.workspace.openLinkText(row.path, '', false));
      card.createDiv({ text: row.item.why, cls: 'aios-queue-why' });
      if (row.item.deadline) card.createDiv({ text: `Deadline ${row.item.deadline}`, cls: 'aios-queue-deadline' });
      const buttons = card.createDiv({ cls: 'aios-queue-options' });
      for (const option of optionsOf(row.item)) {
        buttons.createEl('button', { text: option.text }).addEventListener('click', () => void this.patch(row.path, answerPatch(option.id, localNow())));
      }
      const tomorrow = new Date(Date.now() + 86_400_000);
      const until = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
      buttons.createEl('button', { text: 'Defer a day', cls: 'mod-muted' }).addEventListener('click', () => void this.patch(row.path, deferPatch(until)));
    }
  }

  private async patch(path: string, patch: Record<string, unknown>): Promise<void> {
    const file = this.app.vault.getAbstractFileByPath(path);
    if (!(file instanceof TFile)) return;
    try {
      await this.app.fileManager.processFrontMatter(file, (fm: Record<string, unknown>) => Object.assign(fm, patch));
    } catch (e) {
      new Notice(`Could not update ${path}: ${(e as Error).message}`);
    }
  }
}
