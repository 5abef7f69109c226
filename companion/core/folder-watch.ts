// Watches folders of the vault, sub-folders included, with one watch per folder (Node's fs.watch on each
// directory). chokidar and Node's recursive mode hold one watch per file on Linux: 0.25-0.75 GiB and
// seconds to start for 100,000 notes; per folder it is a few MB and well under a second. Events are
// coalesced per path and reported as the path's state after a short quiet time: present or gone.
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import type { Vault } from './vault.ts';
import type { VaultIndex } from './vault-index.ts';
import { TEMP_PREFIX } from './atomic.ts';

export interface FolderEvent {
  /** Vault-relative path of a file. */
  path: string;
  /** Present after the change (created or changed), or gone (deleted, renamed away). */
  present: boolean;
}

export interface FolderWatcher {
  close(): void;
  /** How many folders are watched (for the memory budget). */
  readonly folders: number;
}

const hidden = (name: string) => name.startsWith('.') || name.startsWith(TEMP_PREFIX);

export function watchFolders(vault: Vault, roots: readonly string[], onEvents: (events: FolderEvent[]) => void, opts: { quietMs?: number; depth?: number } = {}): FolderWatcher {
  const quietMs = opts.quietMs ?? 150;
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const events: FolderEvent[] = [];
    for (const rel of pending) {
      let st;
      try {
        st = statSync(vault.abs(rel), { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      if (st?.isDirectory()) {
        // A folder appeared (or was renamed in): watch it, and report what it already holds.
        const parent = rel.slice(0, rel.lastIndexOf('/'));
        const left = (depths.get(parent) ?? 0) - 1;
        if (left >= 0) for (const f of add(rel, left)) events.push({ path: f, present: true });
        continue;
      }
      if (!st && watchers.has(rel)) {
        for (const [dir, w] of watchers) {
          if (dir !== rel && !dir.startsWith(`${rel}/`)) continue;
          w.close();
          watchers.delete(dir);
          depths.delete(dir);
        }
        events.push({ path: `${rel}/`, present: false });
        continue;
      }
      events.push({ path: rel, present: st !== undefined });
    }
    pending.clear();
    if (events.length && !closed) onEvents(events);
  };

  /** Levels of sub-folders still watched below each watched folder. */
  const depths = new Map<string, number>();

  /** Watches a folder and its sub-folders to `depth` levels; returns the files found (for folders that appeared late). */
  const add = (rel: string, depth: number): string[] => {
    if (closed || watchers.has(rel)) return [];
    let w: FSWatcher;
    try {
      w = watch(vault.abs(rel), (_event, name) => {
        if (name === null) return;
        const n = String(name);
        if (hidden(n)) return;
        pending.add(`${rel}/${n}`);
        clearTimeout(timer);
        timer = setTimeout(flush, quietMs);
      });
    } catch {
      return []; // gone already, or not a folder
    }
    w.on('error', () => {
      w.close();
      watchers.delete(rel);
      depths.delete(rel);
    });
    watchers.set(rel, w);
    depths.set(rel, depth);
    const files: string[] = [];
    let entries;
    try {
      entries = readdirSync(vault.abs(rel), { withFileTypes: true });
    } catch {
      return files;
    }
    for (const e of entries) {
      if (hidden(e.name)) continue;
      if (e.isDirectory()) {
        if (depth > 0) files.push(...add(`${rel}/${e.name}`, depth - 1));
      } else files.push(`${rel}/${e.name}`);
    }
    return files;
  };

  const depth = opts.depth ?? 64;
  for (const root of [...new Set(roots)].sort()) add(root, depth);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
    get folders() {
      return watchers.size;
    },
  };
}

/** Keeps an index current from the files of these folders (what the service does, without its triggers). */
export function followIndex(vault: Vault, index: Pick<VaultIndex, 'noteChanged' | 'noteRemoved' | 'paths'>, folders: readonly string[], quietMs = 10): FolderWatcher {
  return watchFolders(vault, folders, (events) => {
    for (const ev of events) {
      if (ev.path.endsWith('/')) {
        for (const p of index.paths()) if (p.startsWith(ev.path)) index.noteRemoved(p);
      } else if (ev.present) index.noteChanged(ev.path);
      else index.noteRemoved(ev.path);
    }
  }, { quietMs });
}
