// Reconciliation on the demo, end to end: the demo vault built offline (mail, statements, triage), then
// the invoices and payments it holds reconciled. №418 and №431 are paid by the bank, №112, №115, №118
// and the Greenleaf invoices show their true state on the demo morning, Bumaga Opt's November act
// raises its one planted difference once, a second run changes nothing, and an answered question
// does not come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlineEnv } from '../runtime/helpers.ts';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildDemo, DEMO_NOW } from '../../companion/cli/demo.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import { runJobs } from '../../companion/core/once.ts';
import { JOBS, MODELS } from '../../companion/modules.ts';
import type { IndexEntry } from '../../companion/core/vault-index.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function snapshot(root: string, folders: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  for (const f of folders) walk(join(root, f));
  return out;
}

test('the demo reconciled: true states, the act difference once, idempotent, answers stay answered', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-reconcile-demo-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  const stateDir = join(base, 'state');
  const s = await buildDemo(vault, stateDir, 'en');
  assert.ok(s.records.every((r) => r.status !== 'failed'), JSON.stringify(s.records));
  const env = { ...offlineEnv({ vault, state: stateDir }), AIOS_TIMEZONE: 'Europe/Moscow' };
  const runtime = () => new Runtime({ vaultRoot: vault, stateDir, now: DEMO_NOW, models: MODELS, env, logToFile: false });
  let rt = runtime();

  const records = rt.index.byKind('invoice_record');
  const rec = (number: string): IndexEntry => {
    const hits = records.filter((e) => e.frontmatter.number === number);
    assert.equal(hits.length, 1, `one record of invoice ${number}: ${hits.map((h) => h.path).join(', ')}`);
    return hits[0]!;
  };
  const state = (n: string) => [rec(n).frontmatter.direction, rec(n).frontmatter.status, rec(n).frontmatter.outstanding, rec(n).frontmatter.overdue_days ?? null];
  // Received from Bumaga Opt and paid by the bank.
  assert.deepEqual(state('418'), ['incoming', 'paid', 0, null]);
  assert.equal(rec('418').frontmatter.paid_on, '2026-11-03');
  assert.deepEqual(state('431'), ['incoming', 'paid', 0, null]);
  assert.equal(rec('431').frontmatter.paid_on, '2026-11-24');
  // Received and not paid: №112 and №115 past their due dates (12.11, 19.11), №118 not yet due.
  assert.deepEqual(state('112'), ['incoming', 'open', 86400, 14]);
  assert.deepEqual(state('115'), ['incoming', 'open', 41250, 7]);
  assert.deepEqual(state('118'), ['incoming', 'open', 124800, null]);
  // Issued to Greenleaf Cafe (the owner's invoice notes): 1107 paid on 10.11, 1119 overdue since 21.11.
  assert.deepEqual(state('1107'), ['outgoing', 'paid', 0, null]);
  assert.deepEqual(state('1119'), ['outgoing', 'open', 31500, 5]);
  for (const n of ['418', '431', '112', '115', '118']) assert.equal(rec(n).frontmatter.counterparty, '[[Bumaga Opt]]', `№${n} is Bumaga Opt's`);
  // The owner's invoice notes are never written; their records stand beside them.
  assert.equal(rec('1119').frontmatter.note, '[[Invoices/2026-11-11 Out 1119 Greenleaf Cafe]]');
  assert.match(readFileSync(join(vault, 'Invoices/2026-11-11 Out 1119 Greenleaf Cafe.md'), 'utf8'), /^status: open$/m);

  // The month's report and the balances.
  const report = rt.index.byKind('reconciliation_report').find((e) => e.frontmatter.period_start === '2026-11-01')!;
  assert.ok(report, 'a November report');
  assert.ok(Number(report.frontmatter.matched) >= 3, `matched ${String(report.frontmatter.matched)}`);
  assert.ok(Number(report.frontmatter.overdue_incoming) >= 1 && Number(report.frontmatter.overdue_outgoing) >= 1);
  const reportText = readFileSync(join(vault, report.path), 'utf8');
  assert.match(reportText, /\[\[Finance\/Ledgers\/[^\]|]+\|[^\]]+\]\]/, 'links the ledger month');
  const bumaga = rt.index.byKind('counterparty_balance').find((e) => e.frontmatter.counterparty === '[[Bumaga Opt]]')!;
  assert.ok(bumaga, 'a balance note for Bumaga Opt');
  assert.equal(bumaga.frontmatter.payable, 86400 + 41250 + 124800);
  assert.equal(bumaga.frontmatter.overdue_payable, 86400 + 41250);
  assert.equal(bumaga.frontmatter.last_payment, '2026-11-24');

  // The act: Bumaga's №115 is 42 150,00 in their act, 41 250,00 in ours: one difference, raised once.
  const diffs = () => rt.index.byKind('decision_item').filter((e) => e.frontmatter.kind === 'act_difference');
  assert.equal(diffs().length, 1, diffs().map((d) => String(d.frontmatter.why)).join('\n'));
  assert.match(String(diffs()[0]!.frontmatter.why), /115/);
  assert.match(String(diffs()[0]!.frontmatter.why), /42[,\s\u00a0]?150/);
  const act = rt.index.byKind('reconciliation_act')[0]!;
  assert.ok(act, 'our act beside theirs');
  assert.equal(act.frontmatter.differences, 1);

  // A second run changes nothing and asks nothing new.
  const watched = ['Finance', rt.vault.folder('decision_item'), 'AIOS/Rules'];
  const before = snapshot(vault, watched);
  const items = rt.index.byKind('decision_item').length;
  const again = await runJobs(rt, JOBS.filter((j) => j.name === 'reconcile'), { sweepImports: false });
  assert.equal(again[0]!.status, 'ok', again[0]!.summary);
  const after = snapshot(vault, watched);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [k, v] of before) assert.equal(after.get(k), v, `${k} unchanged by a second run`);
  assert.equal(rt.index.byKind('decision_item').length, items);

  // The owner answers the act question; it is acted on once and not raised again.
  const item = diffs()[0]!;
  const text = readFileSync(join(vault, item.path), 'utf8').replace(/^status: open$/m, 'status: decided').replace(/^---\n/, '---\nanswer: ask_them\n');
  writeFileSync(join(vault, item.path), text);
  rt = runtime();
  const runs = await runJobs(rt, JOBS.filter((j) => j.name === 'answers' || j.name === 'reconcile'), { sweepImports: false });
  assert.ok(runs.every((r) => r.status !== 'failed'), JSON.stringify(runs));
  assert.equal(diffs().length, 1, 'no second act question');
  assert.match(String(rt.index.get(item.path)!.frontmatter.resolution ?? ''), /./);

  // The owner asks for our act with Bumaga Opt for November: made from the books, in the usual two-sided table.
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin/aios.mjs'), 'once', 'reconcile', '--counterparty', 'Bumaga Opt', '--period', '2026-11', '--vault', vault, '--state-dir', stateDir], { encoding: 'utf8', env });
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  const actText = readFileSync(join(vault, 'Finance/Reconciliation/Acts/Bumaga Opt 2026-11-01 to 2026-11-30.md'), 'utf8');
  for (const n of ['112', '115', '118', '431']) assert.match(actText, new RegExp(`No\\. ${n} of`), `invoice ${n} in the act`);
  assert.match(actText, /\| Date \| Document \| Debit \| Credit \| Date \| Document \| Debit \| Credit \|/);
  const bad = spawnSync(process.execPath, [join(ROOT, 'bin/aios.mjs'), 'once', 'reconcile', '--counterparty', 'Nobody Ltd', '--period', '2026-11', '--vault', vault, '--state-dir', stateDir], { encoding: 'utf8', env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no counterparty "Nobody Ltd"/);
});
