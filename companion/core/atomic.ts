// Durable file writes: temp file in the same folder, fsync, then link (create-only) or rename
// (replace), then fsync the folder. A crash at any point leaves the old file or the new one whole.
import { closeSync, createWriteStream, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { crashPoint } from './crash-points.ts';

/** Temp files start with this so the index and the import folder skip them, and a sweep can remove leftovers. */
export const TEMP_PREFIX = '.aios-tmp-';

function tempPathFor(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(path)}`.slice(0, 200));
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeTemp(path: string, data: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  return tmp;
}

/** Replaces (or creates) `path` atomically and durably. */
export function atomicReplace(path: string, data: string | Uint8Array): void {
  const tmp = writeTemp(path, data);
  crashPoint('vault.before-rename');
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  crashPoint('vault.after-rename');
  fsyncDir(dirname(path));
}

/** Creates `path` only if nothing is there: returns false, writing nothing, when it exists. */
export function atomicCreate(path: string, data: string | Uint8Array): boolean {
  const tmp = writeTemp(path, data);
  crashPoint('vault.before-rename');
  try {
    // link() fails with EEXIST instead of replacing: create-only and whole at once.
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
  crashPoint('vault.after-rename');
  fsyncDir(dirname(path));
  return true;
}

/** Streams `source` into a new file at `path` (create-only); returns false when `path` exists. */
export async function atomicCreateFromStream(path: string, source: Readable): Promise<boolean> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  try {
    await pipeline(source, out);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  fsyncDir(dirname(path));
  return true;
}

/** Moves a file within one file system; the destination must not exist. */
export function moveNoClobber(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  linkSync(from, to);
  unlinkSync(from);
  fsyncDir(dirname(to));
  fsyncDir(dirname(from));
}

