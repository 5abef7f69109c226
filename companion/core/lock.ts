// One companion per vault. A lock file in the state folder keeps two processes on this machine apart;
// a lease note in the vault keeps a second machine that syncs the same vault from ingesting too.
// `aios once` beside a running `aios run` hands its job to the service through a request file.
//
// The lock names its holder by more than a pid, because after a crash and a reboot that pid often belongs
// to an unrelated process. On Linux it records the boot id and the process start time, which decide
// alone. Where /proc is missing (macOS) every holder refreshes the file's mtime (a heartbeat) and a holder
// that is alive by pid but silent for longer than HEARTBEAT_STALE_MS is stale; the same rule judges a lock
// written on another host, whose pids mean nothing here.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Frontmatter } from '../../contract/index.ts';
import type { Runtime, RunRecord } from './runtime.ts';
import { atomicReplace, bootId, pidAlive, processStart } from './atomic.ts';

export interface LockInfo {
  pid: number;
  host: string;
  mode: 'service' | 'once';
  started: string;
  /** Linux: the boot and the holder's start time (clock ticks since boot); together with pid, one process. */
  boot_id?: string;
  proc_start?: string;
  /** Drawn per acquisition: a holder knows its own lock by it, and a waiter knows the holder it waits on. */
  token?: string;
}

const LOCK_FILE = 'companion.lock';
const HEARTBEAT_MS = 5_000;
/** Generous against a laptop waking from sleep, where the first heartbeat comes a moment late. */
const HEARTBEAT_STALE_MS = 30_000;
/** A lock with no readable content: its writer died between creating and writing it (a live one takes microseconds). */
const EMPTY_STALE_MS = 5_000;
/** The takeover file is held for microseconds; one this old was left by a crash. */
const TAKEOVER_STALE_MS = 5_000;
/** How long acquireLock keeps trying while others are busy creating or taking over the lock. */
const ACQUIRE_PATIENCE_MS = 10_000;

export class LockHeld extends Error {
  constructor(readonly holder: LockInfo) {
    super(`another companion (${holder.mode}, pid ${holder.pid}) is working on this vault`);
  }
}

type Verdict = { state: 'held'; info: LockInfo } | { state: 'stale' } | { state: 'busy' };

function myIdentity(): Pick<LockInfo, 'boot_id' | 'proc_start'> {
  const boot = bootId();
  const start = processStart(process.pid);
  return boot && start ? { boot_id: boot, proc_start: start } : {};
}

function readRaw(file: string): { raw: string; mtimeMs: number } | undefined {
  try {
    // stat first: a heartbeat landing in between makes the file look younger, never older.
    const mtimeMs = statSync(file).mtimeMs;
    return { raw: readFileSync(file, 'utf8'), mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const info = JSON.parse(raw) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder named in a lock (or takeover) file still runs. */
function judge(raw: string, mtimeMs: number, silentFor: number): Verdict {
  const age = Date.now() - mtimeMs;
  const info = parseLock(raw);
  if (!info) return age > EMPTY_STALE_MS ? { state: 'stale' } : { state: 'busy' };
  const byHeartbeat: Verdict = age > silentFor ? { state: 'stale' } : { state: 'held', info };
  if (info.host !== hostname()) return byHeartbeat;
  if (!pidAlive(info.pid)) return { state: 'stale' };
  const boot = bootId();
  if (boot && info.boot_id && info.proc_start) {
    if (info.boot_id !== boot) return { state: 'stale' };
    const start = processStart(info.pid);
    if (start) return start === info.proc_start ? { state: 'held', info } : { state: 'stale' };
    if (!pidAlive(info.pid)) return { state: 'stale' };
  }
  // No identity to compare (no /proc, or a lock from an older version): the heartbeat decides.
  return byHeartbeat;
}

/** Creates `file` with `text` only if nothing is there (open 'wx'); false when it exists. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    unlinkSync(file);
    throw e;
  }
  closeSync(fd);
  return true;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes a stale lock, serialised through a takeover file so that of several processes that judged the
 * same lock stale at once, each removes only what it judged: under the takeover file the lock is read
 * again and removed only if it still holds that very content and is still stale. Returns true when this
 * process removed it or found it gone.
 */
function removeStale(file: string, staleRaw: string, token: string): boolean {
  const guard = `${file}.takeover`;
  const me = JSON.stringify({ pid: process.pid, host: hostname(), mode: 'once', started: new Date().toISOString(), ...myIdentity(), token } satisfies LockInfo);
  if (!createExclusive(guard, me)) {
    // Someone else is taking over; clear their takeover file only when they crashed holding it.
    const g = readRaw(guard);
    if (g && judge(g.raw, g.mtimeMs, TAKEOVER_STALE_MS).state === 'stale' && readRaw(guard)?.raw === g.raw) {
      try {
        unlinkSync(guard);
      } catch {
        // cleared by another waiter
      }
    }
    return false;
  }
  try {
    const now = readRaw(file);
    if (!now) return true;
    if (now.raw !== staleRaw || judge(now.raw, now.mtimeMs, HEARTBEAT_STALE_MS).state !== 'stale') return false;
    unlinkSync(file);
    return true;
  } finally {
    if (parseLock(readRaw(guard)?.raw ?? '')?.token === token) unlinkSync(guard);
  }
}

export interface LockOptions {
  /** Called if another process takes the lock over while this one holds it (it judged this one dead). */
  onLost?: () => void;
}

/**
 * Takes the lock or throws LockHeld. A stale lock (its holder dead, of an earlier boot, or silent past the
 * heartbeat bound) is taken over. Returns the release function; until then a heartbeat keeps the lock fresh.
 */
export function acquireLock(stateDir: string, mode: LockInfo['mode'], opts: LockOptions = {}): () => void {
  const file = join(stateDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), mode, started: new Date().toISOString(), ...myIdentity(), token: randomBytes(8).toString('hex') };
  const text = JSON.stringify(mine);
  for (const end = Date.now() + ACQUIRE_PATIENCE_MS; ; ) {
    if (createExclusive(file, text)) return holdLock(file, mine, text, opts);
    const cur = readRaw(file);
    if (!cur) continue; // released in between: create again
    const verdict = judge(cur.raw, cur.mtimeMs, HEARTBEAT_STALE_MS);
    if (verdict.state === 'held') throw new LockHeld(verdict.info);
    if (verdict.state === 'stale' && removeStale(file, cur.raw, mine.token!)) continue;
    if (Date.now() > end) throw new Error(`${file}: could not take the companion lock (other processes kept it busy for ${ACQUIRE_PATIENCE_MS / 1000} s)`);
    // Another process is writing the lock or taking it over: look again in a moment.
    pause(5 + Math.floor(Math.random() * 20));
  }
}

function holdLock(file: string, mine: LockInfo, text: string, opts: LockOptions): () => void {
  const ours = () => parseLock(readRaw(file)?.raw ?? '')?.token === mine.token;
  const beat = setInterval(() => {
    try {
      if (ours()) {
        const now = new Date();
        utimesSync(file, now, now);
        return;
      }
      // Removed by hand: take it back. Held by someone else: this process has lost it.
      if (createExclusive(file, text)) return;
    } catch {
      return; // a failed beat is tried again at the next one
    }
    clearInterval(beat);
    opts.onLost?.();
  }, HEARTBEAT_MS);
  beat.unref();
  return () => {
    clearInterval(beat);
    try {
      if (ours()) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

/** The live holder of the lock, if any. */
export function readLock(stateDir: string): LockInfo | undefined {
  try {
    const cur = readRaw(join(stateDir, LOCK_FILE));
    if (!cur) return undefined;
    const verdict = judge(cur.raw, cur.mtimeMs, HEARTBEAT_STALE_MS);
    return verdict.state === 'held' ? verdict.info : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock is still held by this very holder (the same acquisition, still running). */
export function stillHeldBy(stateDir: string, holder: LockInfo): boolean {
  const cur = readLock(stateDir);
  if (!cur) return false;
  return holder.token ? cur.token === holder.token : cur.pid === holder.pid && cur.started === holder.started;
}

/** Refuses when another host holds a fresh lease on this vault; otherwise writes ours. */
const LEASE_BODY = '# Companion lease\n\nThe machine named here runs the companion for this vault. Another machine that syncs this vault will not ingest while the heartbeat is fresh.\n';

export function takeLease(rt: Runtime): void {
  const ttl = rt.settings.number('lease_ttl_seconds');
  const path = rt.vault.pathFor('lease', { host: 'x', pid: 0, started: '', heartbeat: '', ttl_seconds: 1 });
  const current = rt.index.get(path);
  const now = rt.clock.now();
  // A lease its holder gave up (`stopped` after its last heartbeat) is free at once.
  const released = typeof current?.frontmatter.stopped === 'string' && current.frontmatter.stopped >= String(current.frontmatter.heartbeat);
  if (current && current.frontmatter.host !== hostname() && !released) {
    const beat = String(current.frontmatter.heartbeat);
    const age = (now.getTime() - localToInstant(beat, rt).getTime()) / 1000;
    if (age < Number(current.frontmatter.ttl_seconds ?? ttl)) {
      throw new Error(`${path}: this vault is run by the companion on ${String(current.frontmatter.host)} (heartbeat ${beat}); refusing to ingest here. Stop it there, or wait ${Math.ceil(Number(current.frontmatter.ttl_seconds) - age)} s after it stops.`);
    }
  }
  const started = current && current.frontmatter.host === hostname() && current.frontmatter.pid === process.pid ? String(current.frontmatter.started) : rt.clock.localDateTime(now);
  rt.vault.writeCompanionNote('lease', { host: hostname(), pid: process.pid, started, heartbeat: rt.clock.localDateTime(now), ttl_seconds: ttl }, LEASE_BODY, { path });
}

/**
 * Marks the lease as given up on a clean stop (`stopped`), so the plugin and another machine see at once
 * that no companion runs, instead of after the heartbeat ages out. Best effort: a failed write costs only that.
 */
export function releaseLease(rt: Runtime): void {
  const path = rt.vault.pathFor('lease', { host: 'x', pid: 0, started: '', heartbeat: '', ttl_seconds: 1 });
  const current = rt.index.get(path);
  if (!current || current.frontmatter.host !== hostname() || current.frontmatter.pid !== process.pid) return;
  try {
    const fm = current.frontmatter as Frontmatter<'lease'>;
    rt.vault.writeCompanionNote('lease', { host: fm.host, pid: fm.pid, started: fm.started, heartbeat: fm.heartbeat, ttl_seconds: fm.ttl_seconds, stopped: rt.clock.localDateTime() }, LEASE_BODY, { path });
  } catch (e) {
    rt.log.warn({ err: (e as Error).message }, 'lease not marked stopped');
  }
}

/** A local datetime of the business zone back to an instant (to the minute is enough for a lease). */
function localToInstant(local: string, rt: Runtime): Date {
  const guess = new Date(`${local}Z`);
  const shown = new Date(`${rt.clock.localDateTime(guess)}Z`);
  return new Date(guess.getTime() - (shown.getTime() - guess.getTime()));
}

// Hand-off: requests are files in the state folder (mode 0700), so nothing listens on the network.
const REQUESTS = 'requests';

export function submitRequest(stateDir: string, job: string): string {
  const dir = join(stateDir, REQUESTS);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  atomicReplace(join(dir, `${id}.request.json`), JSON.stringify({ job }));
  return id;
}

/** Takes the waiting requests (each is removed as it is taken, so a request runs once per service). */
export function pendingRequests(stateDir: string): { id: string; job: string }[] {
  const dir = join(stateDir, REQUESTS);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    // A request still being written is a hidden temp file with the same ending: not a request yet.
    .filter((f) => f.endsWith('.request.json') && !f.startsWith('.'))
    .sort()
    .flatMap((f) => {
      const id = f.slice(0, -'.request.json'.length);
      try {
        const { job } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { job: string };
        unlinkSync(join(dir, f));
        return [{ id, job }];
      } catch {
        return [];
      }
    });
}

export function answerRequest(stateDir: string, id: string, records: RunRecord[]): void {
  atomicReplace(join(stateDir, REQUESTS, `${id}.result.json`), JSON.stringify(records));
}

/**
 * Waits for the service's answer to a request. Every 250 ms it also checks that the lock is still held by
 * the service it was handed to: when that service is gone (killed, crashed, stopped) it withdraws the
 * request and returns 'holder-gone' within half a second, so that the caller can run the job itself.
 */
export async function awaitAnswer(stateDir: string, id: string, holder: LockInfo, timeoutMs: number): Promise<RunRecord[] | 'holder-gone' | 'timeout'> {
  const file = join(stateDir, REQUESTS, `${id}.result.json`);
  const take = (): RunRecord[] | undefined => {
    if (!existsSync(file)) return undefined;
    const records = JSON.parse(readFileSync(file, 'utf8')) as RunRecord[];
    unlinkSync(file);
    return records;
  };
  const withdraw = () => {
    try {
      unlinkSync(join(stateDir, REQUESTS, `${id}.request.json`));
    } catch {
      // already taken by the service
    }
  };
  for (const end = Date.now() + timeoutMs; ; ) {
    const records = take();
    if (records) return records;
    if (!stillHeldBy(stateDir, holder)) {
      // It may have answered just before it went away.
      const last = take();
      if (last) return last;
      withdraw();
      return 'holder-gone';
    }
    if (Date.now() >= end) {
      withdraw();
      return 'timeout';
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
