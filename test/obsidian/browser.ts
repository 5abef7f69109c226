// The double in Chromium: the page's own DOM, the vault through the loopback server's file API (the
// same folder on disk the companion writes), the built main.js loaded as Obsidian loads a plugin (a
// CommonJS module whose `require('obsidian')` is this double), and the vault polled for changes on disk.
import * as obsidian from './index.ts';
import { installDomHelpers } from './dom.ts';
import { App } from './app.ts';
import { notices } from './ui.ts';
import { handlerErrors } from './events.ts';
import type { DiskAdapter, FileStat } from './vault.ts';
import type * as O from 'obsidian';

installDomHelpers(window);
const token = new URLSearchParams(location.search).get('token') ?? '';

async function api(method: string, route: string, params: Record<string, string>, body?: string): Promise<Response> {
  const r = await fetch(`/api/${route}?${new URLSearchParams(params).toString()}`, { method, headers: { 'x-aios-token': token }, ...(body !== undefined ? { body } : {}) });
  if (!r.ok) throw new Error(`${route} ${params.path ?? ''}: ${r.status} ${await r.text()}`);
  return r;
}

const http: DiskAdapter = {
  list: async () => (await (await api('GET', 'list', {})).json()) as FileStat[],
  read: async (path) => (await api('GET', 'read', { path })).text(),
  write: async (path, data) => (await (await api('PUT', 'write', { path }, data)).json()) as FileStat,
  remove: async (path) => void (await api('DELETE', 'remove', { path })),
  rename: async (from, to) => void (await api('POST', 'rename', { from, to })),
};

/** A vault in memory for the benchmark: the server sends its notes once, in one response. */
async function memory(): Promise<DiskAdapter> {
  const files = new Map(Object.entries((await (await api('GET', 'bench-vault', {})).json()) as Record<string, string>));
  const stat = (path: string): FileStat => ({ path, size: files.get(path)!.length, mtime: 1 });
  return {
    list: async () => [...files.keys()].map(stat),
    read: async (path) => files.get(path) ?? '',
    write: async (path, data) => (files.set(path, data), stat(path)),
    remove: async (path) => void files.delete(path),
    rename: async (from, to) => void (files.set(to, files.get(from)!), files.delete(from)),
  };
}

async function boot(): Promise<void> {
  const bench = new URLSearchParams(location.search).has('bench');
  const app = new App(bench ? await memory() : http, 'vault');
  const code = await (await fetch(`/main.js?token=${token}`)).text();
  const module = { exports: {} as { default?: unknown } };
  const require = (name: string) => {
    if (name === 'obsidian') return obsidian;
    throw new Error(`main.js requires ${name}, which Obsidian does not provide`);
  };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  const PluginClass = module.exports.default as new (app: O.App, manifest: O.PluginManifest) => O.Plugin;
  const manifest = (await (await fetch(`/manifest.json?token=${token}`)).json()) as O.PluginManifest;
  const plugin = await app.start(PluginClass, manifest);
  const poll = Number(new URLSearchParams(location.search).get('poll') ?? '300');
  if (poll > 0) {
    const tick = () => void app.vault.sync().finally(() => setTimeout(tick, poll));
    setTimeout(tick, poll);
  }
  Object.assign(window, { aios: { app, plugin, notices, handlerErrors, ready: true } });
}

boot().catch((e: unknown) => {
  Object.assign(window, { aios: { error: String((e as Error).stack ?? e) } });
});
