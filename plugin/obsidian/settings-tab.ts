// Settings live in the vault's settings note, so the companion reads the same values. The tab shows the
// contract's settings table grouped and searchable, with a typed control each; a value is written when
// the field is left (or a toggle or choice changes), only when it changed, and an invalid one is shown
// beside the field and not written. The queue's keys are the plugin's own data.
import { PluginSettingTab, Setting, type App, type Plugin } from 'obsidian';
import type { SettingKey } from '../../contract/index.ts';
import type { Feature } from '../feature.ts';
import { MESSAGES, type QueueKeys } from '../messages.ts';
import { parseInput, settingGroups, type SettingRow } from '../settings-model.ts';
import { SETTINGS_PATH, type VaultNotes } from './vault-notes.ts';

export class SettingsFeature implements Feature {
  constructor(
    private readonly plugin: Plugin,
    private readonly notes: VaultNotes,
    private readonly keys: { get(): QueueKeys; set(keys: QueueKeys): Promise<void> },
  ) {}

  load(): void {
    this.plugin.addSettingTab(new AiosSettingTab(this.plugin.app, this.plugin, this.notes, this.keys));
  }

  unload(): void {}
}

export class AiosSettingTab extends PluginSettingTab {
  private query = '';
  private listEl: HTMLElement | undefined;

  constructor(
    app: App,
    plugin: Plugin,
    private readonly notes: VaultNotes,
    private readonly keys: { get(): QueueKeys; set(keys: QueueKeys): Promise<void> },
  ) {
    super(app, plugin);
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    containerEl.addClass('aios-settings');
    const file = this.notes.file(SETTINGS_PATH);
    if (!file || this.app.metadataCache.getFileCache(file)?.frontmatter?.aios_kind !== 'settings') {
      containerEl.createEl('p', { text: MESSAGES.settingsNoNote });
    } else {
      containerEl.createEl('p', { text: MESSAGES.settingsStored(file.path), cls: 'setting-item-description' });
      new Setting(containerEl).addSearch((s) =>
        s
          .setPlaceholder(MESSAGES.settingsSearch)
          .setValue(this.query)
          .onChange((q) => {
            this.query = q;
            this.renderList();
          }),
      );
      this.listEl = containerEl.createDiv({ cls: 'aios-settings-list' });
      this.renderList();
    }
    this.renderKeys(containerEl);
  }

  private renderList(): void {
    const el = this.listEl;
    if (!el) return;
    el.empty();
    for (const { group, rows } of settingGroups(this.query)) {
      new Setting(el).setName(MESSAGES.settingsGroups[group] ?? group).setHeading();
      for (const row of rows) this.renderRow(el, row);
    }
  }

  private current(key: SettingKey): unknown {
    const file = this.notes.file(SETTINGS_PATH);
    return file ? this.app.metadataCache.getFileCache(file)?.frontmatter?.[key] : undefined;
  }

  private renderRow(el: HTMLElement, row: SettingRow): void {
    const { key, spec } = row;
    const setting = new Setting(el).setName(row.name).setDesc(`${spec.description} ${MESSAGES.settingsDefault(String(spec.default))}`);
    setting.settingEl.setAttr('data-key', key);
    const errorEl = setting.infoEl.createDiv({ cls: 'aios-setting-error' });
    const value = this.current(key);
    const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    const commit = async (raw: string | boolean) => {
      const parsed = parseInput(key, raw);
      errorEl.setText(parsed.ok ? '' : parsed.error);
      setting.settingEl.toggleClass('aios-setting-invalid', !parsed.ok);
      if (!parsed.ok) return;
      const now = this.current(key);
      if (parsed.value === now || (parsed.value === undefined && (now === undefined || now === null || now === ''))) return;
      await this.write(key, parsed.value);
    };
    switch (spec.control) {
      case 'toggle':
        setting.addToggle((t) => t.setValue(value === undefined || value === null || value === '' ? spec.default === true : value === true || value === 'true').onChange((v) => void commit(v)));
        break;
      case 'choice':
        setting.addDropdown((d) => {
          d.addOption('', `(${String(spec.default)})`);
          for (const c of spec.choices ?? []) d.addOption(c, c);
          d.setValue(shown).onChange((v) => void commit(v));
        });
        break;
      default:
        setting.addText((t) => {
          t.setPlaceholder(String(spec.default)).setValue(shown);
          if (spec.control === 'number') {
            t.inputEl.type = 'number';
            if (spec.min !== undefined) t.inputEl.min = String(spec.min);
          }
          t.inputEl.addEventListener('blur', () => void commit(t.getValue()));
          t.inputEl.addEventListener('keydown', (e: KeyboardEvent) => {
            if (e.key === 'Enter') t.inputEl.blur();
          });
        });
    }
  }

  private async write(key: SettingKey, value: string | number | boolean | undefined): Promise<void> {
    const file = this.notes.file(SETTINGS_PATH);
    if (!file) return;
    await this.app.fileManager.processFrontMatter(file, (fm: Record<string, unknown>) => {
      if (value === undefined) delete fm[key];
      else fm[key] = value;
    });
  }

  private renderKeys(containerEl: HTMLElement): void {
    new Setting(containerEl).setName(MESSAGES.settingsKeys).setHeading();
    const keys = this.keys.get();
    for (const name of Object.keys(keys) as (keyof QueueKeys)[]) {
      new Setting(containerEl).setName(MESSAGES.settingsKeyNames[name] ?? name).addText((t) => {
        t.setValue(keys[name]);
        t.inputEl.addEventListener('blur', () => {
          const v = t.getValue().trim();
          if (v && v !== this.keys.get()[name]) void this.keys.set({ ...this.keys.get(), [name]: v });
        });
      });
    }
  }
}

