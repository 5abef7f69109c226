// The double under Node: a DOM from linkedom, and the vault over a real folder on disk (writes are
// atomic, as Obsidian's are). Tests import this before they start an app.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parseHTML } from 'linkedom';
import { installDomHelpers } from './dom.ts';
import type { DiskAdapter, FileStat } from './vault.ts';
import { App } from './app.ts';

let installed = false;
/** Installs a DOM (document, element classes, events) as globals, once per process. */
export function installNodeDom(): void {
  if (installed) return;
  installed = true;
  const win = parseHTML('<!doctype html><html><head></head><body></body></html>') as unknown as Window & typeof globalThis;
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of ['window', 'document', 'Node', 'Element', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLButtonElement', 'Event', 'CustomEvent', 'KeyboardEvent', 'MouseEvent', 'DocumentFragment']) {
    if (name === 'window') g.window = win;
    else if ((win as unknown as Record<string, unknown>)[name] !== undefined) g[name] = (win as unknown as Record<string, unknown>)[name];
  }
  // linkedom has no keyboard or mouse events: the fields the plugin reads, on its Event.
  const Base = win.Event as unknown as typeof Event;
  if (g.KeyboardEvent === undefined) {
    g.KeyboardEvent = class extends Base {
      key: string;
      ctrlKey: boolean;
      metaKey: boolean;
      shiftKey: boolean;
      altKey: boolean;
      constructor(type: string, init: KeyboardEventInit = {}) {
        super(type, { bubbles: init.bubbles ?? true, cancelable: init.cancelable ?? true });
        this.key = init.key ?? '';
        this.ctrlKey = init.ctrlKey ?? false;
        this.metaKey = init.metaKey ?? false;
        this.shiftKey = init.shiftKey ?? false;
        this.altKey = init.altKey ?? false;
      }
    };
  }
  if (g.MouseEvent === undefined) g.MouseEvent = class extends Base {};
  installDomHelpers({ document: win.document, Node: win.Node, Element: win.Element, HTMLElement: win.HTMLElement });
}

export function nodeAdapter(root: string): DiskAdapter {
  const abs = (p: string) => join(root, ...p.split('/'));
  const statOf = (path: string): FileStat => {
    const s = statSync(abs(path));
    return { path, size: s.size, mtime: s.mtimeMs };
  };
  return {
    async list() {
      const out: FileStat[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.name.startsWith('.')) continue;
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile()) out.push(statOf(relative(root, p).split(sep).join('/')));
        }
      };
      walk(root);
      return out;
    },
    async read(path) {
      return readFileSync(abs(path), 'utf8');
    },
    async write(path, data) {
      mkdirSync(dirname(abs(path)), { recursive: true });
      const tmp = join(dirname(abs(path)), `.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
      writeFileSync(tmp, data);
      renameSync(tmp, abs(path));
      return statOf(path);
    },
    async remove(path) {
      rmSync(abs(path), { force: true });
    },
    async rename(from, to) {
      mkdirSync(dirname(abs(to)), { recursive: true });
      renameSync(abs(from), abs(to));
    },
  };
}

/** An app over a vault folder on disk, with the DOM in place. */
export function nodeApp(vaultDir: string): App {
  installNodeDom();
  return new App(nodeAdapter(vaultDir), vaultDir.split(sep).pop());
}
