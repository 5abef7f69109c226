// Keeps the index current from file events of the given folders (not the whole vault: chokidar holds
// one inotify watch per file, 0.6-0.75 GiB for 100k notes). Renames arrive as unlink + add.
import chokidar, { type FSWatcher } from 'chokidar';
import type { Vault } from './vault.ts';
import type { VaultIndex } from './vault-index.ts';

export async function watchIndex(vault: Vault, index: VaultIndex, folders: readonly string[]): Promise<FSWatcher> {
  const watcher = chokidar.watch(folders.map((f) => vault.abs(f)), { ignoreInitial: true, ignored: (p) => /\/\.[^/]*$/.test(p) });
  const rel = (abs: string) => vault.rel(abs);
  watcher
    .on('add', (p) => index.noteChanged(rel(p)))
    .on('change', (p) => index.noteChanged(rel(p)))
    .on('unlink', (p) => index.noteRemoved(rel(p)))
    .on('unlinkDir', (p) => {
      const prefix = `${rel(p)}/`;
      for (const path of index.paths()) if (path.startsWith(prefix)) index.noteRemoved(path);
    });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}
