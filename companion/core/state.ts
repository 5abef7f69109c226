// The companion's private state (checkpoints, dedup keys, learned models, logs, the control token):
// outside the vault, one folder per vault and one sub-folder per job. Where the vault is the source of
// truth, a module can rebuild its state from the notes.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { atomicReplace } from './atomic.ts';

export function vaultId(vaultRoot: string): string {
  const real = realpathSync(vaultRoot);
  const name = basename(real).replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'vault';
  return `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 10)}`;
}

export function defaultStateDir(vaultRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AIOS_STATE_DIR) return resolve(env.AIOS_STATE_DIR);
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'aios', vaultId(vaultRoot));
}

/** Append-mode descriptors kept open for lines that need no fsync, per file, for the life of the process. */
const appenders = new Map<string, number>();

function openAppend(path: string): number {
  let fd = appenders.get(path);
  if (fd === undefined) appenders.set(path, (fd = openSync(path, 'a', 0o600)));
  return fd;
}

export class StateDir {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  sub(name: string): StateDir {
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(name)) throw new Error(`bad state folder name: ${name}`);
    return new StateDir(join(this.dir, name));
  }

  /** Another job's folder beside this one: an answer handler works in its own module's state. */
  sibling(name: string): StateDir {
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(name)) throw new Error(`bad state folder name: ${name}`);
    return new StateDir(join(dirname(this.dir), name));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  readJson<T>(name: string, fallback: T): T {
    let text: string;
    try {
      text = readFileSync(this.path(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${this.path(name)}: corrupt state (${(e as Error).message}); delete it to rebuild`);
    }
  }

  writeJson(name: string, value: unknown): void {
    atomicReplace(this.path(name), JSON.stringify(value));
  }

  /** Appends one line, durably unless told it may be lost in a crash (a free local model call's log line). */
  appendLine(name: string, line: string, opts: { durable?: boolean } = {}): void {
    const text = line.endsWith('\n') ? line : line + '\n';
    if (opts.durable === false) {
      // Thousands of these a run: the file stays open, and the operating system writes it when it will.
      appendFileSync(openAppend(this.path(name)), text);
      return;
    }
    const fd = openSync(this.path(name), 'a', 0o600);
    try {
      appendFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  readLines(name: string): string[] {
    try {
      return readFileSync(this.path(name), 'utf8').split('\n').filter((l) => l !== '');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}
