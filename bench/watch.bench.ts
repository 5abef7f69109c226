// The service's watchers on the benchmark vault (100,000 notes): one watch per folder, so its memory
// and start-up stay small beside the index (chokidar and Node's recursive mode hold one per file:
// 0.25-0.75 GiB and seconds). Prints folders watched, time to watch, memory, and how fast an edit is seen.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { KINDS, folderOf } from '../contract/index.ts';
import { Vault } from '../companion/core/vault.ts';
import { watchFolders, type FolderEvent } from '../companion/core/folder-watch.ts';
import { generateVault } from './vault-gen.ts';

const COUNT = Number(process.env.BENCH_NOTES ?? 100_000);
const root = join(tmpdir(), `aios-bench-vault-${COUNT}`);
generateVault(root, COUNT);
const vault = new Vault(root);
const roots = [...new Set(KINDS.map((k) => folderOf(k)))].filter((f) => !f.startsWith('Import'));

global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
let seen: ((e: FolderEvent[]) => void) | undefined;
const w = watchFolders(vault, roots, (evs) => seen?.(evs), { quietMs: 50 });
const ms = performance.now() - t0;
const mb = (process.memoryUsage().rss - before) / 1024 / 1024;
const delays: number[] = [];
for (let i = 0; i < 20; i++) {
  const rel = `Mail/2026/11/2026-11-0${1 + (i % 9)} 0914 Subject ${(i * 2 + 1) * 100 + 1}.md`;
  const abs = join(root, rel);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    continue;
  }
  const t = performance.now();
  const got = new Promise<void>((resolve) => (seen = (evs) => evs.some((e) => e.path === rel) && resolve()));
  writeFileSync(abs, text);
  await got;
  delays.push(performance.now() - t - 50);
}

const folders = w.folders;
w.close();
delays.sort((a, b) => a - b);
console.log(`watch ${COUNT} notes: ${folders} folders watched in ${ms.toFixed(0)} ms, +${mb.toFixed(1)} MB (budget: the index's; target well under 100 MB)`);
console.log(`an edited mail note is seen after ${delays[Math.floor(delays.length / 2)]?.toFixed(1) ?? 'n/a'} ms (median, after the 50 ms quiet time)`);
