// One companion per vault. A lock file in the state folder keeps two processes on this machine apart;
// a lease note in the vault keeps a second machine that syncs the same vault from ingesting too.
// `aios once` beside a running `aios run` hands its job to the service through a request file.
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Runtime, RunRecord } from './runtime.ts';
import { atomicReplace } from './atomic.ts';

export interface LockInfo {
  pid: number;
  host: string;
  mode: 'service' | 'once';
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LockHeld extends Error {
  constructor(readonly holder: LockInfo) {
    super(`another companion (${holder.mode}, pid ${holder.pid}) is working on this vault`);
  }
}

/** Takes the lock or throws LockHeld; a lock left by a dead process is taken over. */
export function acquireLock(stateDir: string, mode: LockInfo['mode']): () => void {
  const file = join(stateDir, 'companion.lock');
  const mine: LockInfo = { pid: process.pid, host: hostname(), mode, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(mine));
      closeSync(fd);
      return () => {
        try {
          const cur = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (cur.pid === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      holder = undefined; // half-written by a crashed process
    }
    if (holder && holder.host === hostname() && alive(holder.pid)) throw new LockHeld(holder);
    try {
      unlinkSync(file);
    } catch {
      // someone else cleaned it
    }
  }
  throw new Error(`${file}: could not take the companion lock`);
}

export function readLock(stateDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(stateDir, 'companion.lock'), 'utf8')) as LockInfo;
    return alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Refuses when another host holds a fresh lease on this vault; otherwise writes ours. */
export function takeLease(rt: Runtime): void {
  const ttl = rt.settings.number('lease_ttl_seconds');
  const path = rt.vault.pathFor('lease', { host: 'x', pid: 0, started: '', heartbeat: '', ttl_seconds: 1 });
  const current = rt.index.get(path);
  const now = rt.clock.now();
  if (current && current.frontmatter.host !== hostname()) {
    const beat = String(current.frontmatter.heartbeat);
    const age = (now.getTime() - localToInstant(beat, rt).getTime()) / 1000;
    if (age < Number(current.frontmatter.ttl_seconds ?? ttl)) {
      throw new Error(`${path}: this vault is run by the companion on ${String(current.frontmatter.host)} (heartbeat ${beat}); refusing to ingest here. Stop it there, or wait ${Math.ceil(Number(current.frontmatter.ttl_seconds) - age)} s after it stops.`);
    }
  }
  const started = current && current.frontmatter.host === hostname() && current.frontmatter.pid === process.pid ? String(current.frontmatter.started) : rt.clock.localDateTime(now);
  rt.vault.writeCompanionNote('lease', { host: hostname(), pid: process.pid, started, heartbeat: rt.clock.localDateTime(now), ttl_seconds: ttl }, '# Companion lease\n\nThe machine named here runs the companion for this vault. Another machine that syncs this vault will not ingest while the heartbeat is fresh.\n', { path });
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

export function pendingRequests(stateDir: string): { id: string; job: string }[] {
  const dir = join(stateDir, REQUESTS);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.request.json'))
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

export async function awaitAnswer(stateDir: string, id: string, timeoutMs: number): Promise<RunRecord[] | undefined> {
  const file = join(stateDir, REQUESTS, `${id}.result.json`);
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    if (existsSync(file)) {
      const records = JSON.parse(readFileSync(file, 'utf8')) as RunRecord[];
      unlinkSync(file);
      return records;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}
