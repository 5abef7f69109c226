// The stats of a cached start, shared with a helper thread. On the 2-core machine a stat costs 5-9 µs
// (a system call, and Node's Stats object): 0.5-0.9 s for 100,000 notes, as much as reading the cache
// file. The helper takes chunks of notes (claimed with an atomic add, so each is stated once) while
// this thread reads the cache file, which then joins in for what is left. Below PARALLEL_FROM notes,
// or without threads, this thread does it all; a helper that stops making progress is given up on.
//
// (Reading the notes' heads in a helper was tried too: the helper needs tsx to run readFrontmatterBlock
// and starts 0.5-1 s late, and this thread parses every head anyway, so a cold build gained 5%.)
import { statSync, type Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Below this many notes a thread costs more than it saves. */
const PARALLEL_FROM = 4096;
/** Without progress for this long the helper is taken for dead and this thread does the rest itself. */
const STALL_MS = 5000;

/** `(size, mtimeMs, ctimeMs, ino)` of each file, size -1 for a file that is gone. */
export type StatTable = Float64Array;

export function sameStatAt(a: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, t: StatTable, i: number): boolean {
  return a.size === t[i * 4] && a.mtimeMs === t[i * 4 + 1] && a.ctimeMs === t[i * 4 + 2] && a.ino === t[i * 4 + 3];
}

/** A stat that fails (gone, no permission) leaves -1: the note is read, and fails there as without a cache. */
function statInto(out: Float64Array, i: number, abs: string): void {
  let s: Stats | undefined;
  try {
    s = statSync(abs, { throwIfNoEntry: false });
  } catch {
    s = undefined;
  }
  if (s) {
    out[i * 4] = s.size;
    out[i * 4 + 1] = s.mtimeMs;
    out[i * 4 + 2] = s.ctimeMs;
    out[i * 4 + 3] = s.ino;
  } else out[i * 4] = -1;
}

/** Waits on `ctl[at]` changing, true while the helper keeps making progress. */
function waitForProgress(ctl: Int32Array, at: number, seen: number, since: { t: number }): boolean {
  Atomics.wait(ctl, at, seen, 50);
  if (Atomics.load(ctl, at) !== seen) since.t = Date.now();
  return Date.now() - since.t < STALL_MS;
}

const STAT_CHUNK = 512;

// Plain CommonJS for an `eval` worker: no loader, so it starts in ~50 ms.
const STAT_WORKER = `
const { workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const { root, rels, sab, chunks, chunk } = workerData;
const files = rels.split('\\0');
const ctl = new Int32Array(sab, 0, 4);
const out = new Float64Array(sab, 16);
for (let c = Atomics.add(ctl, 0, 1); c < chunks; c = Atomics.add(ctl, 0, 1)) {
  for (let i = c * chunk; i < Math.min(files.length, (c + 1) * chunk); i++) {
    let s;
    try { s = statSync(root + '/' + files[i], { throwIfNoEntry: false }); } catch { s = undefined; }
    if (s) { out[i * 4] = s.size; out[i * 4 + 1] = s.mtimeMs; out[i * 4 + 2] = s.ctimeMs; out[i * 4 + 3] = s.ino; } else out[i * 4] = -1;
  }
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
`;

/** Every note's stat, taken by the helper while this thread reads the cache file; take() joins in. */
export class ParallelStats {
  private readonly ctl: Int32Array;
  private readonly out: Float64Array;
  private readonly chunks: number;
  private helper = false;

  constructor(
    private readonly root: string,
    private readonly rels: readonly string[],
    parallelFrom = PARALLEL_FROM,
  ) {
    this.chunks = Math.ceil(rels.length / STAT_CHUNK);
    const sab = new SharedArrayBuffer(16 + rels.length * 32);
    this.ctl = new Int32Array(sab, 0, 4);
    this.out = new Float64Array(sab, 16);
    if (rels.length < parallelFrom) return;
    try {
      const w = new Worker(STAT_WORKER, { eval: true, execArgv: [], workerData: { root, rels: rels.join('\0'), sab, chunks: this.chunks, chunk: STAT_CHUNK } });
      w.on('error', () => {});
      w.unref();
      this.helper = true;
    } catch {
      // No threads here: this thread takes them all.
    }
  }

  take(): StatTable {
    for (let c = Atomics.add(this.ctl, 0, 1); c < this.chunks; c = Atomics.add(this.ctl, 0, 1)) {
      for (let i = c * STAT_CHUNK; i < Math.min(this.rels.length, (c + 1) * STAT_CHUNK); i++) statInto(this.out, i, `${this.root}/${this.rels[i]}`);
      Atomics.add(this.ctl, 1, 1);
    }
    if (!this.helper) return this.out;
    const since = { t: Date.now() };
    for (let done = Atomics.load(this.ctl, 1); done < this.chunks; done = Atomics.load(this.ctl, 1)) {
      if (!waitForProgress(this.ctl, 1, done, since)) {
        // Stopped halfway through a chunk, perhaps: every stat again, here.
        for (let i = 0; i < this.rels.length; i++) statInto(this.out, i, `${this.root}/${this.rels[i]}`);
        break;
      }
    }
    return this.out;
  }
}
