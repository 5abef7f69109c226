// Index benchmark (issue 2): a 100,000-note vault indexed in a new process with the file cache warm,
// and one changed note followed from its rename to the index holding the new version.
// Targets on the 2-core machine: index <= 3 s and <= 400 MB peak RSS; one-note update <= 20 ms median.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVault } from './vault-gen.ts';
import { Vault } from '../companion/core/vault.ts';
import { VaultIndex } from '../companion/core/vault-index.ts';
import { watchIndex } from '../companion/core/index-watch.ts';

const COUNT = Number(process.env.BENCH_NOTES ?? 100_000);
const root = join(tmpdir(), `aios-bench-vault-${COUNT}`);
console.log(`generating ${COUNT} notes in ${root} (kept between runs)...`);
generateVault(root, COUNT);

const child = fileURLToPath(new URL('./index-build.ts', import.meta.url));
const runs = [0, 1, 2].map(() => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { ms: number; notes: number; errors: number; maxRssMb: number };
});
// The first run warms the operating system's file cache; report the best of the warm ones.
const warm = runs.slice(1).sort((a, b) => a.ms - b.ms)[0]!;
console.log(`index build   ${(warm.ms / 1000).toFixed(2)} s for ${COUNT} notes read, ${warm.notes} of them AIOS kinds (target <= 3 s)   peak RSS ${warm.maxRssMb.toFixed(0)} MB (target <= 400 MB)   [cold ${(runs[0]!.ms / 1000).toFixed(2)} s]`);

const index = new VaultIndex(new Vault(root)).build();
const watcher = await watchIndex(new Vault(root), index, ['Counterparties']);
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
await watcher.close();
delays.sort((a, b) => a - b);
console.log(`one-note update median ${delays[delays.length >> 1]!.toFixed(1)} ms (target <= 20 ms)   p90 ${delays[Math.floor(delays.length * 0.9)]!.toFixed(1)} ms over ${delays.length} renames`);
