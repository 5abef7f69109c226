// Durable file writes: temp file in the same folder, fsync, then link (create-only) or rename
// (replace), then fsync the folder. A crash at any point leaves the old file or the new one whole.
import { closeSync, createWriteStream, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { crashPoint } from './crash-points.ts';

/** Temp files start with this so the index and the import folder skip them, and a sweep can remove leftovers. */
export const TEMP_PREFIX = '.aios-tmp-';

// Who wrote a file or holds a lock: a pid alone is not enough, since after a crash and a reboot the pid
// of the dead writer often belongs to an unrelated process. On Linux the boot id and the process start
// time (field 22 of /proc/<pid>/stat) pin down one process; elsewhere there is no /proc and callers fall
// back to a heartbeat or an age.

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootIdCache: string | null | undefined;

/** This boot of the machine (Linux), or undefined where /proc is missing. */
export function bootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

/** The start time of a process in clock ticks since boot (Linux), or undefined when it cannot be read. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3] || undefined;
  } catch {
    return undefined;
  }
}

const shortHash = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);
const hostHash = () => shortHash(hostname(), 4);
// Without /proc another process's start cannot be read back: the tag is then unique but not checkable.
const identityHash = (pid: number) => {
  const boot = bootId();
  const start = processStart(pid);
  return boot && start ? shortHash(`${boot}\0${start}`, 6) : undefined;
};

let writerTagCache: string | undefined;

/** This process as a temp-file writer: `<pid base 36>.<host hash 4><boot and start-time hash 6>`. */
export function writerTag(): string {
  writerTagCache ??= `${process.pid.toString(36)}.${hostHash()}${identityHash(process.pid) ?? randomBytes(3).toString('hex')}`;
  return writerTagCache;
}

/**
 * Temp path beside `path`, named after its writer so that the start-up sweep can tell a live writer's
 * temp from a crashed one's. `unique` tells one process's temps apart (random by default).
 */
export function tempPathFor(path: string, unique: string = randomBytes(6).toString('hex')): string {
  return join(dirname(path), `${TEMP_PREFIX}${writerTag()}-${unique}-${basename(path)}`.slice(0, 200));
}

/**
 * Whether the writer of a temp file (told by its name) still runs: 'gone' (dead, or a process of an
 * earlier boot whose pid was reused), 'live', or 'unknown' (another host, no /proc to check a live pid,
 * or a name without a writer tag).
 */
export function tempWriter(name: string): 'live' | 'gone' | 'unknown' {
  const rest = name.startsWith(TEMP_PREFIX) ? name.slice(TEMP_PREFIX.length) : name;
  const m = /^([0-9a-z]{1,10})\.([0-9a-f]{4})([0-9a-f]{6})-/.exec(rest);
  if (!m || m[2] !== hostHash()) return 'unknown';
  const pid = parseInt(m[1]!, 36);
  if (!pidAlive(pid)) return 'gone';
  if (!bootId()) return 'unknown';
  const now = identityHash(pid);
  // Alive a moment ago but /proc has no entry now: it has just exited.
  if (!now) return pidAlive(pid) ? 'unknown' : 'gone';
  return now === m[3] ? 'live' : 'gone';
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


/**
 * Replaces `path` only if it still holds `expected` once the new text is durable in its temp file: the
 * compare happens right before the rename, so a save the owner made while the temp file was being
 * written is seen, and nothing is replaced. Returns false, writing nothing, when the file changed.
 *
 * Obsidian saves in place (open with truncate, then write). A save that opened the file before the
 * rename writes into the file the rename just replaced: that file is held open here and read again
 * after the rename, and a save found in it is put back (the caller then reads it and redoes its work).
 */
export function atomicReplaceIf(path: string, data: string | Uint8Array, expected: Buffer): boolean {
  const tmp = writeTemp(path, data);
  crashPoint('vault.before-rename');
  let fd: number | undefined;
  try {
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (fd === undefined || !readWhole(fd).equals(expected)) {
      unlinkSync(tmp);
      if (fd !== undefined) closeSync(fd);
      return false;
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed or gone
    }
    if (fd !== undefined) closeSync(fd);
    throw e;
  }
  try {
    crashPoint('vault.after-rename');
    fsyncDir(dirname(path));
    if (readWhole(fd).equals(expected)) return true;
    // Someone saved into the replaced file between the compare and the rename: theirs goes back.
    const theirs = settledContent(fd);
    atomicReplaceIf(path, theirs, Buffer.from(data));
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The whole content of an open file, from its start. */
function readWhole(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.max(64 * 1024, fstatSync(fd).size - pos));
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    pos += n;
  }
  return Buffer.concat(chunks);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** An open file's content once a save in progress has finished writing it (the same bytes twice, 50 ms apart). */
function settledContent(fd: number): Buffer {
  let last = readWhole(fd);
  for (let i = 0; i < 20; i++) {
    Atomics.wait(pause, 0, 0, 50);
    const now = readWhole(fd);
    if (now.equals(last)) return now;
    last = now;
  }
  return last;
}
