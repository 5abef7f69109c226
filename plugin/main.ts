// The AIOS plugin: what the owner sees inside Obsidian. It shares only the vault contract with the
// companion; everything it changes goes through the Vault and FileManager APIs. This file only wires
// the features; each is one file under obsidian/ with its load and unload.
import { Plugin } from 'obsidian';
import type { Feature } from './feature.ts';
import { DEFAULT_KEYS, type QueueKeys } from './messages.ts';
import { VaultNotes } from './obsidian/vault-notes.ts';
import { QueueFeature } from './obsidian/queue.ts';
import { StatusBar } from './obsidian/status-bar.ts';
import { Requests } from './obsidian/requests.ts';
import { SettingsFeature } from './obsidian/settings-tab.ts';

interface PluginData {
  keys?: Partial<QueueKeys>;
}

export default class AiosPlugin extends Plugin {
  private features: Feature[] = [];
  private keys: QueueKeys = DEFAULT_KEYS;
  /** Public so the benchmark can flush its debounced refresh. */
  notes!: VaultNotes;

  override async onload(): Promise<void> {
    const data = ((await this.loadData()) ?? {}) as PluginData;
    this.keys = { ...DEFAULT_KEYS, ...data.keys };
    const keys = {
      get: () => this.keys,
      set: async (k: QueueKeys) => {
        this.keys = k;
        await this.saveData({ ...data, keys: k } satisfies PluginData);
      },
    };
    this.notes = new VaultNotes(this);
    this.features = [this.notes, new QueueFeature(this, this.notes, keys.get), new StatusBar(this, this.notes), new Requests(this, this.notes), new SettingsFeature(this, this.notes, keys)];
    for (const f of this.features) await f.load();
  }

  override onunload(): void {
    for (const f of this.features.reverse()) f.unload();
    this.features = [];
  }
}
