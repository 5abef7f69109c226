// Settings live in the vault's settings note, so the companion reads the same values; this tab edits
// that note's frontmatter with processFrontMatter.
import { PluginSettingTab, Setting, TFile, type App, type Plugin } from 'obsidian';
import { SETTINGS, parseSetting, settingsNote, type SettingKey } from '../../contract/index.ts';

export class AiosSettingTab extends PluginSettingTab {
  constructor(app: App, plugin: Plugin) {
    super(app, plugin);
  }

  /** The settings note at its known path: a note elsewhere claiming to be the settings is not. */
  private settingsFile(): TFile | undefined {
    const file = this.app.vault.getAbstractFileByPath(`${settingsNote.defaultFolder}/${settingsNote.fileName({})}.md`);
    return file instanceof TFile && this.app.metadataCache.getFileCache(file)?.frontmatter?.aios_kind === 'settings' ? file : undefined;
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const file = this.settingsFile();
    if (!file) {
      containerEl.createEl('p', { text: 'No settings note found. Run "aios init" on this vault to create one.' });
      return;
    }
    const current = this.app.metadataCache.getFileCache(file)?.frontmatter ?? {};
    containerEl.createEl('p', { text: `Stored in ${file.path}. Environment variables (AIOS_<KEY>) override these on the companion's machine.` });
    for (const key of Object.keys(SETTINGS) as SettingKey[]) {
      const spec = SETTINGS[key];
      new Setting(containerEl)
        .setName(key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()))
        .setDesc(spec.description)
        .addText((text) =>
          text
            .setPlaceholder(String(spec.default))
            .setValue(current[key] === undefined || current[key] === null ? '' : String(current[key]))
            .onChange(async (raw) => {
              await this.app.fileManager.processFrontMatter(file, (fm: Record<string, unknown>) => {
                if (raw.trim() === '') delete fm[key];
                else {
                  try {
                    fm[key] = parseSetting(key, raw.trim());
                  } catch {
                    // Leave the stored value alone until the input is valid.
                  }
                }
              });
            }),
        );
    }
  }
}
