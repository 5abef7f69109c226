// One capability of the plugin (the queue view, the status bar, the settings tab, requests): loaded and
// unloaded on its own, so main.ts only wires them (the way obsidian-outliner composes its features).
export interface Feature {
  load(): void | Promise<void>;
  unload(): void;
}
