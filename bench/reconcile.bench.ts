// Reconciliation benchmark. First the matcher's quality on generated sets (a seed chosen at random and
// printed; the bar: precision of automatic matches ≥ 0.99, recall ≥ 0.90). Then end to end:
// 20,000 bank rows against 20,000 invoice records as notes on disk, the index warm, one reconciliation
// pass (ledgers read, matched, records written, questions raised, reports and balances written),
// against the target of ≤ 3 s and ≤ 400 MB, in a process of its own; and the second pass, which finds
// nothing to change.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchMatch } from './reconcile-match.ts';
import { reconcileVault } from './reconcile-vault.ts';

const N = Number(process.env.BENCH_INVOICES ?? 20000);
const seed = Number(process.env.AIOS_MATCH_SEED ?? Math.floor(Math.random() * 2 ** 31));

for (const n of [3000, N]) {
  const r = benchMatch(seed, n);
  console.log(`matcher, seed ${seed}, ${n} invoices: match() ${r.matchMs.toFixed(0)} ms (with generating and scoring the set ${r.ms.toFixed(0)} ms); ${r.line}`);
}

const v = reconcileVault(seed, N);
try {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./reconcile-pass.ts', import.meta.url)), v.root, v.state, String(v.rows), String(v.invoices)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
} finally {
  rmSync(v.root, { recursive: true, force: true });
  rmSync(v.state, { recursive: true, force: true });
}
