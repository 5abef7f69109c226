// New notes made durable in batches instead of one wait for the disk each. Every note keeps the
// guarantees of Vault.createNote (temp file in the same folder, fsync, create-only link, folder
// fsync), but its temp file is written and fsync'd in the background as soon as the note is rendered,
// so the disk works while the next messages are parsed and the journal commits many files together;
// the batch then links its notes into place and fsyncs each folder once. Measured here: 1.1 ms per
// note one by one; 0.2-0.3 ms per note in batches of 16-64. Attachments read whole with a small
// message go the same way (a file is a note here, less the index).
import { close as fsClose, fsync as fsFsync, linkSync, open as fsOpen, readFileSync, renameSync, unlink as fsUnlink, unlinkSync, write as fsWrite } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from './atomic.ts';
import { crashPoint } from './crash-points.ts';
import { renderNote } from './frontmatter.ts';
import type { JobContext } from './job.ts';
import type { Note, WriteOutcome } from './vault.ts';
import type { Frontmatter, KindName } from '../../contract/index.ts';

export interface NewNote {
  /** Vault-relative path. */
  path: string;
  frontmatter: Record<string, unknown>;
  body: string;
}

/** A note whose temp file is being written: linked into place by linkNotes, or removed by discardNotes. */
export interface StagedNote {
  path: string;
  abs: string;
  tmp: Promise<string>;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Creates a note's folder where missing, its creation made durable (each new folder's parent fsync'd). */
async function ensureFolder(dir: string, root: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; d.length >= first.length && d.startsWith(root); d = dirname(d)) await fsyncPath(dirname(d));
}

// Callback-style fs calls: each hand-off to libuv's pool costs the main thread less than with
// FileHandle promises, and a note takes four (open, write, fsync, close).
const openFd = (path: string) => new Promise<number>((res, rej) => fsOpen(path, 'wx', 0o644, (e, fd) => (e ? rej(e) : res(fd))));
const writeText = (fd: number, text: string) => new Promise<number>((res, rej) => fsWrite(fd, text, null, 'utf8', (e, n) => (e ? rej(e) : res(n))));
const writeBytes = (fd: number, buf: Uint8Array, from: number) =>
  new Promise<number>((res, rej) => fsWrite(fd, buf, from, buf.length - from, null, (e, n) => (e ? rej(e) : res(n))));
const fsyncFd = (fd: number) => new Promise<void>((res, rej) => fsFsync(fd, (e) => (e ? rej(e) : res())));
const closeFd = (fd: number) => new Promise<void>((res, rej) => fsClose(fd, (e) => (e ? rej(e) : res())));

/** Creates `path` (never replacing), writes all of `data` and fsyncs it; on failure nothing is left behind. */
async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const fd = await openFd(path);
  try {
    if (typeof data === 'string') {
      // A string goes to the disk without a Buffer of its own; a short write (rare) finishes from one.
      const n = await writeText(fd, data);
      const total = Buffer.byteLength(data, 'utf8');
      if (n < total) {
        const bytes = Buffer.from(data, 'utf8');
        for (let done = n; done < total; ) done += await writeBytes(fd, bytes, done);
      }
    } else for (let done = 0; done < data.length; ) done += await writeBytes(fd, data, done);
    await fsyncFd(fd);
  } catch (e) {
    await closeFd(fd).catch(() => undefined);
    await new Promise((r) => fsUnlink(path, r));
    throw e;
  }
  await closeFd(fd);
}

// Temp names come from the core's helper (hidden, prefixed, named after this process so the start-up
// sweep removes a crashed writer's leftovers at once); a counter keeps this process's temps apart.
let tempCount = 0;

function nextTempPath(abs: string): string {
  return tempPathFor(abs, (tempCount++).toString(36));
}

async function writeTemp(abs: string, text: string | Uint8Array, folder: Promise<void>, root: string): Promise<string> {
  await folder;
  for (let attempt = 0; ; attempt++) {
    const tmp = nextTempPath(abs);
    try {
      await writeDurably(tmp, text);
      return tmp;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 2 || (code !== 'ENOENT' && code !== 'EEXIST')) throw e;
      // The folder was there when first seen, but the owner may have removed it since; or a
      // leftover temp file of another process has the name (EEXIST): try again.
      if (code === 'ENOENT') await ensureFolder(dirname(abs), root);
    }
  }
}

/** Temp files being written; past the limit, preparing waits, so a slow disk cannot pile up rendered notes in memory. */
let writing = 0;
const MAX_WRITING = 32;
let roomWaiters: (() => void)[] = [];

/** Resolves once fewer than MAX_WRITING temp files are being written. */
export async function writeRoom(): Promise<void> {
  while (writing >= MAX_WRITING) await new Promise<void>((r) => roomWaiters.push(r));
}

function writeDone(): void {
  writing--;
  const waiters = roomWaiters;
  roomWaiters = [];
  for (const w of waiters) w();
}

/** Folders known to exist (absolute), so the disk is asked once; forgotten past a size (one per attachment folder). */
const folders = new Map<string, Promise<void>>();
const MAX_FOLDERS = 1000;

/** Starts writing a file's temp copy in the background; linkNotes puts it in place. */
export function stageFile(ctx: Pick<JobContext, 'vault'>, path: string, data: string | Uint8Array): StagedNote {
  const abs = ctx.vault.abs(path);
  const dir = dirname(abs);
  let folder = folders.get(dir);
  if (!folder) {
    if (folders.size >= MAX_FOLDERS) folders.clear();
    folder = ensureFolder(dir, ctx.vault.root);
    folders.set(dir, folder);
    folder.catch(() => folders.delete(dir));
  }
  writing++;
  const tmp = writeTemp(abs, data, folder, ctx.vault.root);
  tmp.then(writeDone, writeDone); // also keeps a failure from counting as unhandled: linkNotes or discardNotes awaits it
  return { path, abs, tmp };
}

/** Starts writing a new companion note (checked and stamped as the vault creates one); linkNotes puts it in place. */
export function stageCompanionNote<K extends KindName>(ctx: Pick<JobContext, 'vault'>, kind: K, frontmatter: Frontmatter<K>, body: string, path?: string): StagedNote {
  const r = ctx.vault.renderNewCompanionNote(kind, frontmatter, body, path);
  return stageFile(ctx, r.path, r.text);
}

/** Starts writing a note's temp file and returns at once; the rendered text is not kept. */
export function stageNote(ctx: Pick<JobContext, 'vault'>, note: NewNote): StagedNote {
  return stageFile(ctx, note.path, renderNote(note.frontmatter, note.body));
}

/**
 * Links the staged notes into place; never replaces. Returns per note 'created', or 'exists' when a
 * file was already at its path (a retry after a crash finds the note it made before). When this
 * returns, every created note is durable: the caller moves its checkpoint only after that.
 */
export async function linkNotes(ctx: Pick<JobContext, 'index'>, staged: readonly StagedNote[]): Promise<('created' | 'exists')[]> {
  if (staged.length === 0) return [];
  const settled = await Promise.allSettled(staged.map((s) => s.tmp));
  const outcomes: ('created' | 'exists')[] = [];
  try {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    crashPoint('batch.before-link');
    for (const [i, s] of staged.entries()) {
      try {
        // link() fails with EEXIST instead of replacing: create-only, and the note appears whole.
        // Done here, not in the thread pool: a link is quick, and there it would queue behind fsyncs.
        linkSync((settled[i] as PromiseFulfilledResult<string>).value, s.abs);
        outcomes.push('created');
        crashPoint('batch.after-link');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        outcomes.push('exists');
      }
    }
  } finally {
    await Promise.all(settled.map((r) => (r.status === 'fulfilled' ? unlink(r.value).catch(() => undefined) : undefined)));
  }
  await Promise.all([...new Set(staged.map((s) => dirname(s.abs)))].map((d) => fsyncPath(d)));
  staged.forEach((s, i) => {
    if (outcomes[i] === 'created') ctx.index.noteChanged(s.path);
  });
  return outcomes;
}

/** Removes the temp files of notes that will not be linked (their batch failed). */
export async function discardNotes(staged: readonly StagedNote[]): Promise<void> {
  await Promise.all(staged.map((s) => s.tmp.then((t) => unlink(t)).catch(() => undefined)));
}

/**
 * Sets some keys of many companion notes at once, with the guarantees of `Vault.updateCompanionKeys`
 * (owner-safe keys, a note the owner changed meanwhile never replaced): the new texts' temp files are
 * written and fsync'd together in the background, then each replaces its note only if the note still
 * holds the bytes its text was made from, and each folder is fsync'd once. A note that changed in
 * between is done again on its own. Triage writes thousands of notes this way.
 */
export async function updateCompanionNotes(
  ctx: Pick<JobContext, 'vault'>,
  items: readonly { path: string; patch: Record<string, unknown>; skipIfEdited?: boolean; read?: Note }[],
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array<WriteOutcome>(items.length);
  const writes: { i: number; abs: string; raw: Buffer; staged: StagedNote }[] = [];
  const again: number[] = [];
  items.forEach((it, i) => {
    const plan = ctx.vault.planKeysUpdate(it.path, it.patch, { skipIfEdited: it.skipIfEdited === true, ...(it.read ? { read: it.read } : {}) });
    if (plan === 'retry') again.push(i);
    else if ('outcome' in plan) outcomes[i] = plan.outcome;
    else writes.push({ i, abs: plan.abs, raw: plan.raw, staged: stageFile(ctx, plan.path, plan.text) });
  });
  const temps = await Promise.allSettled(writes.map((w) => w.staged.tmp));
  const dirs = new Set<string>();
  writes.forEach((w, k) => {
    const t = temps[k]!;
    if (t.status === 'rejected') {
      again.push(w.i);
      return;
    }
    let now: Buffer | undefined;
    try {
      now = readFileSync(w.abs);
    } catch {
      now = undefined;
    }
    if (!now || !now.equals(w.raw)) {
      unlinkSync(t.value);
      again.push(w.i);
      return;
    }
    renameSync(t.value, w.abs);
    dirs.add(dirname(w.abs));
    outcomes[w.i] = 'updated';
  });
  await Promise.all([...dirs].map((d) => fsyncPath(d)));
  for (const w of writes) if (outcomes[w.i] === 'updated') ctx.vault.noteWritten(w.staged.path);
  for (const i of again) outcomes[i] = ctx.vault.updateCompanionKeys(items[i]!.path, items[i]!.patch, { skipIfEdited: items[i]!.skipIfEdited === true }).outcome;
  return outcomes;
}
