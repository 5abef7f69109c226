// The test double of the `obsidian` module: what the plugin imports, resolved here under Node (see
// register.ts) and in Chromium (see browser.ts). Each class implements the real type definitions' members
// it offers (`implements Like<O.X, ...>`, like.ts), so a drift between the double and Obsidian fails the type check.
export { Component, Events } from './events.ts';
export { TAbstractFile, TFile, TFolder, Vault, MetadataCache, FileManager, splitFrontmatter } from './vault.ts';
export { stringifyYaml } from './vault.ts';
export { View, ItemView, WorkspaceLeaf, Workspace } from './workspace.ts';
export { Notice, Modal, SuggestModal, Setting, PluginSettingTab, TextComponent, ToggleComponent, DropdownComponent, ButtonComponent, SearchComponent, debounce, normalizePath, setIcon } from './ui.ts';
export { App, Plugin } from './app.ts';
import { parse } from 'yaml';

export function parseYaml(yaml: string): unknown {
  return parse(yaml);
}

export const Platform = { isMobile: false, isDesktop: true, isDesktopApp: false, isMobileApp: false };
