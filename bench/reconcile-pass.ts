// One process: the runtime over a generated vault (index built, so warm), then two reconciliation
// passes, each timed, with this process's peak memory. Run by reconcile.bench.ts.
import { join } from 'node:path';
import { Runtime } from '../companion/core/runtime.ts';
import { MODELS } from '../companion/modules.ts';
import { reconcileRun } from '../companion/reconcile/run.ts';

const [root, state, rows, invoices] = process.argv.slice(2) as [string, string, string, string];
const rt = new Runtime({ vaultRoot: root, stateDir: state, logToFile: false, models: MODELS, now: new Date('2026-12-31T09:00:00Z'), env: { AIOS_SECRETS_FILE: join(state, 'none.json') } });
const bad = rt.index.errors();
if (bad.length) throw new Error(`bench vault does not validate: ${bad.slice(0, 3).map((e) => `${e.path}: ${JSON.stringify(e.errors)}`).join('; ')}`);
for (const pass of ['first', 'second']) {
  const ctx = rt.context({ name: 'reconcile' }, new AbortController().signal);
  const t0 = performance.now();
  const r = await reconcileRun(ctx);
  const s = (performance.now() - t0) / 1000;
  console.log(`end to end, ${pass} pass: ${rows} bank rows against ${invoices} invoice records in ${s.toFixed(2)} s (target ≤ 3 s); ${r.summary}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (target ≤ 400 MB)`);
}
