// Digest benchmark (issue "the morning digest"): today's digest of a 100,000-note vault (the index
// benchmark's mix, with the risk benchmark's 200,000 ledger rows when that vault is there), with the
// index warm (built in this process, as under `aios run`). Target on the 2-core machine: <= 2 s.
import { existsSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateVault } from './vault-gen.ts';
import { Runtime } from '../companion/core/runtime.ts';
import { digestJob } from '../companion/digest/index.ts';
import { MODELS } from '../companion/modules.ts';

const NOTES = Number(process.env.BENCH_NOTES ?? 100_000);
// The risk benchmark's vault holds real ledger months; the index benchmark's is the fallback.
const riskVault = join(tmpdir(), `aios-bench-risk-${NOTES}-200000`);
const root = existsSync(join(riskVault, '.risk-generated')) ? riskVault : join(tmpdir(), `aios-bench-vault-${NOTES}`);
if (root !== riskVault) {
  console.log(`generating ${NOTES} notes in ${root} (kept between runs; run the risk benchmark first for real ledgers)...`);
  generateVault(root, NOTES);
}
const digests = join(root, 'Digests');
if (existsSync(digests)) for (const f of readdirSync(digests)) rmSync(join(digests, f), { recursive: true });
const state = mkdtempSync(join(tmpdir(), 'aios-bench-digest-state-'));
const env = { ...process.env, AIOS_CLOUD_ENABLED: 'false', OLLAMA_HOST: 'http://127.0.0.1:9', AIOS_OLLAMA_HOST: 'http://127.0.0.1:9', AIOS_SECRETS_FILE: join(state, 'secrets.json'), AIOS_TIMEZONE: 'Europe/Moscow' };
const rt = new Runtime({ vaultRoot: root, stateDir: state, now: new Date('2026-12-01T03:00:00Z'), models: MODELS, env, logToFile: false });
console.log(`vault: ${rt.index.size} notes indexed, ${rt.index.byKind('account_ledger').length} ledger months, ${rt.index.byKind('decision_item').length} queue items`);
const times: number[] = [];
let summary = '';
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const r = await rt.runJob(digestJob, undefined, 'once', { record: false });
  times.push(performance.now() - t0);
  summary = r.summary;
}
const [first, ...warm] = times;
console.log(`digest, first     ${(first! / 1000).toFixed(2)} s`);
console.log(`digest, index warm ${(Math.min(...warm) / 1000).toFixed(2)} s (target <= 2 s): ${summary}   peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(state, { recursive: true, force: true });
