// The AIOS plugin: what the owner sees inside Obsidian. It shares only the vault contract with the
// companion; everything it changes goes through the Vault and FileManager APIs.
import { Plugin } from 'obsidian';
import { decisionItem } from '../contract/index.ts';
import { QUEUE_VIEW, QueueView } from './obsidian/queue-view.ts';
import { AiosSettingTab } from './obsidian/settings-tab.ts';

export default class AiosPlugin extends Plugin {
  override async onload(): Promise<void> {
    this.registerView(QUEUE_VIEW, (leaf) => new QueueView(leaf));
    this.addCommand({ id: 'open-decision-queue', name: 'Open decision queue', callback: () => void this.openQueue() });
    this.addRibbonIcon('list-checks', 'Open decision queue', () => void this.openQueue());
    this.addSettingTab(new AiosSettingTab(this.app, this));
    const status = this.addStatusBarItem();
    const update = () => {
      const open = this.app.vault.getMarkdownFiles().filter((f) => {
        const fm = this.app.metadataCache.getFileCache(f)?.frontmatter;
        return fm?.aios_kind === 'decision_item' && fm.status === 'open' && f.path.startsWith(`${decisionItem.defaultFolder}/`);
      }).length;
      status.setText(open ? `AIOS: ${open} open` : 'AIOS: nothing open');
    };
    this.app.workspace.onLayoutReady(() => {
      update();
      this.registerEvent(this.app.metadataCache.on('changed', update));
    });
  }

  private async openQueue(): Promise<void> {
    const existing = this.app.workspace.getLeavesOfType(QUEUE_VIEW)[0];
    const leaf = existing ?? this.app.workspace.getRightLeaf(false);
    if (!leaf) return;
    if (!existing) await leaf.setViewState({ type: QUEUE_VIEW, active: true });
    await this.app.workspace.revealLeaf(leaf);
  }
}
