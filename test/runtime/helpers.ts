// Shared by the runtime tests: the demo vault as `npm start` builds it, the two extra statements of
// test/fixtures/runtime/ dropped into it, the `aios` command run as a child process, and answers
// given the way the owner gives them (a hand edit of the item's front matter).
import { spawn } from 'node:child_process';
import { cpSync, copyFileSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDemo } from '../../companion/cli/demo.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';

export const ROOT = join(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/aios.mjs');
export const FIXTURES = join(ROOT, 'test/fixtures/runtime');
/** Repeats the demo's Nordlicht payment of 2026-11-20 a day later, without a bank reference: a possible duplicate. */
export const REPEAT_STATEMENT = '2026-11-21 Commerzbank EUR camt053 repeat.xml';
/** A Sberbank day whose closing balance is 10,000 off: a balance mismatch. */
export const MISMATCH_STATEMENT = '2026-11-26 Sberbank RUB 1C mismatch.txt';

export interface Dirs {
  vault: string;
  state: string;
}

/** Offline, like the demo: no cloud, a model address that refuses at once, no secrets file. */
export function offlineEnv(d: Dirs): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AIOS_CLOUD_ENABLED: 'false',
    OLLAMA_HOST: 'http://127.0.0.1:9',
    AIOS_OLLAMA_HOST: 'http://127.0.0.1:9',
    OPENAI_API_KEY: '',
    AIOS_SECRETS_FILE: join(d.state, 'secrets.json'),
    AIOS_CRASH_AT: '',
    // The tests read the companion's texts in English (the demo business alone would write Russian).
    AIOS_LANGUAGE: 'en',
  };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** `aios once <job>` as a child process (so a crash point can kill it). */
export function aiosOnce(d: Dirs, job: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'once', job, '--vault', d.vault, '--state-dir', d.state], { env: { ...offlineEnv(d), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

/** Runs a job and fails with its output unless it exited 0. */
export async function aiosOk(d: Dirs, job: string): Promise<string> {
  const r = await aiosOnce(d, job);
  if (r.code !== 0) throw new Error(`aios once ${job} exited ${r.code ?? r.signal}:\n${r.out}`);
  return r.out;
}

/** The demo vault and its state folder, built by what `npm start` runs. */
export async function demo(root: string): Promise<Dirs> {
  const d = { vault: join(root, 'demo-vault'), state: join(root, 'demo-vault-state') };
  const summary = await buildDemo(d.vault, d.state, 'en');
  const failed = summary.records.filter((r) => r.status === 'failed');
  if (failed.length) throw new Error(`demo: ${failed.map((r) => `${r.job}: ${r.summary}`).join('; ')}`);
  return d;
}

/** Drops fixture files into the import folder, a minute old (already stable, so nothing waits). */
export function dropIntoImport(vault: string, files: readonly string[], from = FIXTURES): void {
  const past = new Date(Date.now() - 60_000);
  for (const f of files) {
    copyFileSync(join(from, f), join(vault, 'Import', f));
    utimesSync(join(vault, 'Import', f), past, past);
  }
}

/** A copy of a vault and its state, for one scenario of many from the same starting point. */
export function copyDirs(from: Dirs, root: string): Dirs {
  const to = { vault: join(root, 'vault'), state: join(root, 'state') };
  cpSync(from.vault, to.vault, { recursive: true });
  cpSync(from.state, to.state, { recursive: true });
  return to;
}

export function readFm(vault: string, rel: string): Record<string, unknown> {
  return parseNote(readFileSync(join(vault, rel), 'utf8')).frontmatter;
}

export function readBody(vault: string, rel: string): string {
  return parseNote(readFileSync(join(vault, rel), 'utf8')).body;
}

/** The Markdown files of a folder (not recursive), sorted, vault-relative. */
export function notesIn(vault: string, folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(vault, folder));
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort().map((n) => `${folder}/${n}`);
}

/** Every file under a folder, recursive, vault-relative, hidden ones included (a temp file left behind shows). */
export function filesUnder(vault: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(vault, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel === '.' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk(folder);
  return out.sort();
}

/** The queue item of this kind (exactly one expected). */
export function itemOf(vault: string, kind: string): string {
  const hits = notesIn(vault, 'Queue').filter((p) => readFm(vault, p).kind === kind);
  if (hits.length !== 1) throw new Error(`expected one ${kind} item, found ${hits.length}: ${hits.join(', ')}`);
  return hits[0]!;
}

/**
 * Answers an item as the owner does by hand (the plugin does the same through processFrontMatter):
 * status decided, the option's id, the time. Only the owner's keys change.
 */
export function answer(vault: string, rel: string, option: string, extra: Record<string, string> = {}): void {
  const abs = join(vault, rel);
  const text = readFileSync(abs, 'utf8');
  if (!/^status: open$/m.test(text)) throw new Error(`${rel} is not open`);
  const lines = [`status: decided`, `answer: ${JSON.stringify(option)}`, 'decided_at: 2026-11-26T09:15:00', ...Object.entries(extra).map(([k, v]) => `${k}: ${JSON.stringify(v)}`)];
  writeFileSync(abs, text.replace(/^status: open$/m, lines.join('\n')));
}

/** Sets an owner key of a companion note (a proposal's status) by hand. */
export function setKey(vault: string, rel: string, key: string, value: string): void {
  const abs = join(vault, rel);
  const text = readFileSync(abs, 'utf8');
  const re = new RegExp(`^${key}: .*$`, 'm');
  writeFileSync(abs, re.test(text) ? text.replace(re, `${key}: ${JSON.stringify(value)}`) : text.replace(/^aios_kind: .*$/m, (l) => `${l}\n${key}: ${JSON.stringify(value)}`));
}
