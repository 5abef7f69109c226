// Index benchmark (issues 2 and "Runtime II: start-up speed"): a 100,000-note vault indexed in a new
// process with the file cache warm: a cold build (no index cache), the first start with a cache (it
// builds, then writes the cache file), cached starts, and a cached start that then reads every note's
// properties; then one changed note followed from its rename to the index holding the new version.
// Targets on the 2-core machine: cold build <= 2 s (was 3 s), cached start well under 1 s, <= 400 MB
// peak RSS; one-note update <= 20 ms median.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVault } from './vault-gen.ts';
import { Vault } from '../companion/core/vault.ts';
import { VaultIndex } from '../companion/core/vault-index.ts';
import { INDEX_CACHE_FILE } from '../companion/core/index-cache.ts';
import { followIndex } from '../companion/core/folder-watch.ts';

const COUNT = Number(process.env.BENCH_NOTES ?? 100_000);
const root = join(tmpdir(), `aios-bench-vault-${COUNT}`);
console.log(`generating ${COUNT} notes in ${root} (kept between runs)...`);
generateVault(root, COUNT);

interface Run {
  ms: number;
  notes: number;
  errors: number;
  maxRssMb: number;
  reused: number;
  read: number;
  cache: string;
  wrote: boolean;
  touchMs?: number;
}
const child = fileURLToPath(new URL('./index-build.ts', import.meta.url));
const run = (...args: string[]): Run => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, root, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Run;
};
const best = (runs: Run[]) => [...runs].sort((a, b) => a.ms - b.ms)[0]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (r: Run) => `peak RSS ${r.maxRssMb.toFixed(0)} MB`;

// The first run warms the operating system's file cache; the best of the warm ones is reported.
const first = run();
const cold = best([run(), run()]);
console.log(`cold build        ${s(cold.ms)} for ${COUNT} notes read, ${cold.notes} of them AIOS kinds (target <= 2 s)   ${mb(cold)} (target <= 400 MB)   [first run ${s(first.ms)}]`);

const state = mkdtempSync(join(tmpdir(), 'aios-bench-state-'));
const cacheFile = join(state, INDEX_CACHE_FILE);
const writing = run(cacheFile);
console.log(`first start       ${s(writing.ms)} building and writing the cache (${(statSync(cacheFile).size / 1048576).toFixed(0)} MB)   ${mb(writing)} (target <= 400 MB)`);
const cached = best([run(cacheFile), run(cacheFile), run(cacheFile)]);
console.log(`cached start      ${s(cached.ms)}, ${cached.reused} notes from the cache, ${cached.read} read (target well under 1 s)   ${mb(cached)}`);
const touched = best([run(cacheFile, '--touch'), run(cacheFile, '--touch')]);
console.log(`  + every note's properties read: ${s(touched.touchMs!)} more   ${mb(touched)}`);
rmSync(state, { recursive: true, force: true });

const index = new VaultIndex(new Vault(root)).build();
const watcher = followIndex(new Vault(root), index, ['Counterparties']);
const delays: number[] = [];
for (let i = 0; i < 40; i++) {
  const rel = `Counterparties/Company ${i * 7}.md`;
  const abs = join(root, rel);
  const email = `bench${i}-${Date.now()}@example.com`;
  const text = readFileSync(abs, 'utf8').replace(/emails:\n {2}- .*\n/, `emails:\n  - ${email}\n`);
  writeFileSync(`${abs}.tmp`, text);
  const t0 = performance.now();
  renameSync(`${abs}.tmp`, abs);
  for (;;) {
    const e = index.get(rel);
    if ((e?.frontmatter.emails as string[] | undefined)?.[0] === email) break;
    if (performance.now() - t0 > 10_000) throw new Error(`index never saw ${rel} change`);
    await new Promise((r) => setImmediate(r));
  }
  delays.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 50));
}
watcher.close();
delays.sort((a, b) => a - b);
console.log(`one-note update median ${delays[delays.length >> 1]!.toFixed(1)} ms (target <= 20 ms)   p90 ${delays[Math.floor(delays.length * 0.9)]!.toFixed(1)} ms over ${delays.length} renames`);
