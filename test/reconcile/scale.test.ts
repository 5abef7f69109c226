// Reconciliation of a generated business (1,500 invoices, their payments and the noise of real
// statements) as notes on disk: the second pass finds nothing to change, whatever order the index lists
// the records in after the first pass wrote them, and asks nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Runtime } from '../../companion/core/runtime.ts';
import { MODELS } from '../../companion/modules.ts';
import { reconcileRun } from '../../companion/reconcile/run.ts';
import { reconcileVault } from '../../bench/reconcile-vault.ts';

function files(root: string, dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const n of readdirSync(join(root, dir))) {
    const p = join(root, dir, n);
    if (statSync(p).isDirectory()) files(root, relative(root, p), out);
    else out.set(relative(root, p), readFileSync(p, 'utf8'));
  }
  return out;
}

test('a generated business reconciled twice: the second pass changes nothing', async (t) => {
  const seed = Number(process.env.AIOS_MATCH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed}`);
  const v = reconcileVault(seed, 1500);
  t.after(() => {
    rmSync(v.root, { recursive: true, force: true });
    rmSync(v.state, { recursive: true, force: true });
  });
  const rt = new Runtime({ vaultRoot: v.root, stateDir: v.state, logToFile: false, models: MODELS, now: new Date('2026-12-31T09:00:00Z'), env: { AIOS_SECRETS_FILE: join(v.state, 'none.json') } });
  const run = () => reconcileRun(rt.context({ name: 'reconcile' }, new AbortController().signal));
  const first = await run();
  assert.equal(first.status, 'ok', first.summary);
  assert.ok((first.counts?.matched ?? 0) > 1000, first.summary);
  assert.equal(first.counts?.review, 20, 'as many questions as reconcile_max_questions allows');
  const before = new Map([...files(v.root, 'Finance'), ...files(v.root, 'Queue')]);
  const second = await run();
  assert.equal(second.counts?.created, 0, second.summary);
  assert.equal(second.counts?.updated, 0, second.summary);
  assert.equal(second.counts?.matched, first.counts?.matched);
  const after = new Map([...files(v.root, 'Finance'), ...files(v.root, 'Queue')]);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [k, text] of before) assert.equal(after.get(k), text, `${k} unchanged`);
});
