// Answers act exactly once. An item decided by hand (as the plugin or another device would leave it)
// runs its module's handler for the chosen option once: the outcome is recorded on the item, a decision
// record is made once, and nothing runs again (a second run, a restart, an old copy synced back).
// Then every option of every kind raised today, each with its effect on the vault.
import { test, type TestContext as NodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { startHarness } from '../models/harness.ts';
import { answersJob } from '../../companion/core/answers.ts';
import { JOBS, MODULES } from '../../companion/modules.ts';
import type { DecisionInput, Job, Module } from '../../companion/core/job.ts';
import { applyOverrides, readOverrides } from '../../companion/models/decisions.ts';
import { configFromSettings } from '../../companion/models/router.ts';
import { modelsState } from '../../companion/models/index.ts';
import { CostLedger } from '../../companion/models/ledger.ts';
import { parseLedgerRows, parseRemovedRows } from '../../contract/ledger.ts';
import { validateFrontmatter } from '../../contract/index.ts';
import { FIXTURES, MISMATCH_STATEMENT, REPEAT_STATEMENT } from './helpers.ts';

const NOW = new Date('2026-11-26T06:00:00Z');
const DEMO = join(import.meta.dirname, '../../demo/statements');
const RUB = '2026-11 Sberbank RUB 1C.txt';
const EUR = '2026-11 Commerzbank EUR camt053.xml';
const RUB_LEDGER = 'Finance/Ledgers/40702810400000012345/2026-11.md';
const EUR_LEDGER = 'Finance/Ledgers/DE89370400440532013000/2026-11.md';
const CASH = 'Finance/Cash position.md';

const job = (name: string): Job => JOBS.find((j) => j.name === name)!;

function setup(t: NodeTest, opts: Parameters<typeof makeTestContext>[0] = {}): TestContext {
  const tc = makeTestContext({ now: NOW, settings: { import_stable_seconds: 0 }, ...opts });
  t.after(() => tc.cleanup());
  return tc;
}

async function run(tc: TestContext, j: Job): Promise<{ status: string; summary: string }> {
  const r = await tc.runtime.runJob(j);
  assert.notEqual(r.status, 'failed', `${j.name}: ${r.summary}`);
  return r;
}

/** Puts a file into the import folder, a minute old. */
function drop(tc: TestContext, name: string, from: string): void {
  const to = join(tc.vaultDir, 'Import', name);
  copyFileSync(join(from, name), to);
  const past = new Date(Date.now() - 60_000);
  utimesSync(to, past, past);
}

const fm = (tc: TestContext, rel: string) => tc.vault.readNote(rel).frontmatter;
const items = (tc: TestContext, kind?: string) => tc.index.byKind('decision_item').filter((e) => !kind || e.frontmatter.kind === kind).map((e) => e.path);
const records = (tc: TestContext) => tc.index.byKind('decision_record').filter((e) => e.frontmatter.finding_key !== undefined);
const files = (tc: TestContext, folder: string) => tc.vault.list(folder, { recursive: true });

function itemOf(tc: TestContext, kind: string): string {
  const hits = items(tc, kind);
  assert.equal(hits.length, 1, `one ${kind} item: ${hits.join(', ')}`);
  return hits[0]!;
}

/** The owner's hand edit of an item (what the plugin's processFrontMatter also does), seen by the watcher. */
function answer(tc: TestContext, rel: string, value: string, extra: Record<string, string> = {}): void {
  const abs = join(tc.vaultDir, rel);
  const text = readFileSync(abs, 'utf8');
  assert.match(text, /^status: open$/m, rel);
  const lines = ['status: decided', `answer: ${JSON.stringify(value)}`, 'decided_at: 2026-11-26T09:15:00', ...Object.entries(extra).map(([k, v]) => `${k}: ${JSON.stringify(v)}`)];
  writeFileSync(abs, text.replace(/^status: open$/m, lines.join('\n')));
  tc.index.noteChanged(rel);
}

/** A module that only declares a decision kind, counting what its handlers did. */
function probe(calls: string[], opts: { failFirst?: boolean } = {}): Module {
  let failed = false;
  return {
    name: 'probe',
    jobs: [],
    decisions: [{
      kind: 'probe_question',
      options: {
        go: async (item, ctx) => {
          if (opts.failFirst && !failed) {
            failed = true;
            throw new Error('the bank did not answer');
          }
          calls.push(`go ${item.finding_key} ${item.comment ?? ''} ${ctx.state.dir.split('/').pop()!}`);
          return { resolution: `Went ahead with ${item.targets.join(', ')}.` };
        },
        stop: async (item) => {
          calls.push(`stop ${item.finding_key}`);
          return { resolution: 'Stopped.' };
        },
      },
    }],
  };
}

function probeItem(key: string, extra: Partial<DecisionInput> = {}): DecisionInput {
  return {
    finding_key: key, kind: 'probe_question', title: `Question ${key}`, why: 'Something needs the owner.',
    options: [{ id: 'go', text: 'Go ahead with it' }, { id: 'stop', text: 'Stop it now.' }], targets: ['thing:1'], ...extra,
  };
}

test('an answer names an option by id or by its text; free text is kept as a comment and acts only once an option is named', async (t) => {
  const tc = setup(t);
  const calls: string[] = [];
  const answers = answersJob([probe(calls)]);
  const ctx = tc.contextFor({ name: 'probe' });
  const byId = (await ctx.addDecision(probeItem('p1'))).path;
  const byText = (await ctx.addDecision(probeItem('p2'))).path;
  const free = (await ctx.addDecision(probeItem('p3'))).path;
  assert.deepEqual(fm(tc, byId).option_ids, ['go', 'stop']);
  assert.deepEqual(fm(tc, byId).options, ['Go ahead with it', 'Stop it now.']);
  answer(tc, byId, 'go');
  answer(tc, byText, 'stop it now');
  answer(tc, free, 'Not sure, call the bank first');

  const r = await tc.runtime.runJob(answers);
  assert.equal(r.status, 'ok', r.summary);
  assert.match(r.summary, /2 answer\(s\) acted on, 1 name no option/);
  // The handler ran in its own module's state folder.
  assert.deepEqual(calls.sort(), ['go p1  probe', 'stop p2']);
  assert.equal(fm(tc, byId).resolution, 'Went ahead with thing:1.');
  assert.equal(fm(tc, byText).resolution, 'Stopped.');
  const f = fm(tc, free);
  assert.equal(f.status, 'decided');
  assert.equal(f.resolved_at, undefined);
  assert.equal(f.comment, 'Not sure, call the bank first');
  assert.match(String(f.resolution), /^Not acted on: .* is none of the options \(go, stop\)/);
  assert.equal(records(tc).length, 2, 'no record for an answer that named no option');

  // Naming an option later acts, with the owner's words kept as the comment.
  const abs = join(tc.vaultDir, free);
  writeFileSync(abs, readFileSync(abs, 'utf8').replace(/^answer: .*$/m, 'answer: go'));
  tc.index.noteChanged(free);
  await tc.runtime.runJob(answers);
  assert.deepEqual(calls.filter((c) => c.includes('p3')), ['go p3 Not sure, call the bank first probe']);
  assert.ok(fm(tc, free).resolved_at);
  assert.equal(records(tc).length, 3);
});

test('acts exactly once: not again on a second run, after a restart, or when an older copy of the item syncs back', async (t) => {
  const tc = setup(t);
  const calls: string[] = [];
  const answers = answersJob([probe(calls)]);
  const path = (await tc.contextFor({ name: 'probe' }).addDecision(probeItem('once'))).path;
  answer(tc, path, 'go');
  const decided = readFileSync(join(tc.vaultDir, path));
  await tc.runtime.runJob(answers);
  const second = await tc.runtime.runJob(answers);
  assert.equal(second.status, 'skipped');
  assert.equal(calls.length, 1);
  const resolved = fm(tc, path);
  assert.ok(resolved.resolved_at);
  assert.match(String(resolved.record), /^\[\[.+\]\]$/);

  // Another device saw the answer before the outcome synced and sends its copy back: the journal in
  // the state folder knows the handler ran, so only the record keeping is redone.
  writeFileSync(join(tc.vaultDir, path), decided);
  const restarted = makeTestContext({ vaultDir: tc.vaultDir, stateDir: tc.stateDir, now: NOW, template: false });
  try {
    assert.equal(restarted.index.get(path)?.frontmatter.resolved_at, undefined);
    const r = await restarted.runtime.runJob(answers);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(calls.length, 1, 'the handler did not run again');
    assert.equal(restarted.index.get(path)?.frontmatter.resolution, 'Went ahead with thing:1.');
    assert.equal(records(restarted).length, 1, 'still one decision record');
    assert.equal(restarted.vault.list('Queue').filter((p) => p.includes('conflict')).length, 0);
  } finally {
    restarted.cleanup();
  }
});

test('an owner who also changed the item\'s text or wrote below it still gets one outcome, on the item itself', async (t) => {
  const tc = setup(t);
  const calls: string[] = [];
  const answers = answersJob([probe(calls)]);
  const ctx = tc.contextFor({ name: 'probe' });
  const retitled = (await ctx.addDecision(probeItem('retitled'))).path;
  const noted = (await ctx.addDecision(probeItem('noted'))).path;
  answer(tc, retitled, 'go');
  answer(tc, noted, 'stop');
  for (const [rel, from, to] of [[retitled, /^title: .*$/m, 'title: Pay the landlord'], [noted, /$/, '\nCalled them on Monday.\n']] as const) {
    const abs = join(tc.vaultDir, rel);
    writeFileSync(abs, readFileSync(abs, 'utf8').replace(from, to));
    tc.index.noteChanged(rel);
  }
  for (let i = 0; i < 3; i++) await tc.runtime.runJob(answers);
  assert.equal(calls.length, 2);
  for (const rel of [retitled, noted]) assert.ok(fm(tc, rel).resolved_at, `${rel} carries its outcome`);
  assert.match(readFileSync(join(tc.vaultDir, noted), 'utf8'), /Called them on Monday\./);
  assert.deepEqual(tc.vault.list('Queue').filter((p) => p.includes('conflict')), []);
  assert.equal(records(tc).length, 2);
});

test('a handler that fails is not recorded: the next run tries again', async (t) => {
  const tc = setup(t);
  const calls: string[] = [];
  const answers = answersJob([probe(calls, { failFirst: true })]);
  const path = (await tc.contextFor({ name: 'probe' }).addDecision(probeItem('flaky'))).path;
  answer(tc, path, 'go');
  const first = await tc.runtime.runJob(answers);
  assert.equal(first.status, 'failed');
  assert.match(first.summary, /the bank did not answer/);
  assert.equal(fm(tc, path).resolved_at, undefined);
  assert.equal(records(tc).length, 0);
  const second = await tc.runtime.runJob(answers);
  assert.equal(second.status, 'ok', second.summary);
  assert.equal(calls.length, 1);
  assert.ok(fm(tc, path).resolved_at);
});

test('every decided item becomes one decision record, linking the item, its counterparty and contract; the record is the owner\'s', async (t) => {
  const tc = setup(t);
  const answers = answersJob([probe([])]);
  const ctx = tc.contextFor({ name: 'probe' });
  const path = (await ctx.addDecision(probeItem('rec', {
    counterparty: '[[Bumaga Opt]]', contract: '[[Bumaga Opt - Paper supply agreement]]', evidence: ['[[Some mail]]'],
  }))).path;
  // A kind nobody declared: the answer is still recorded, and says so.
  const orphan = (await ctx.addDecision({ ...probeItem('orphan'), kind: 'unheard_of' })).path;
  answer(tc, path, 'go', { comment: 'They confirmed by phone.' });
  answer(tc, orphan, 'stop');
  await tc.runtime.runJob(answers);

  const item = fm(tc, path);
  const rec = tc.index.resolveLink(String(item.record));
  assert.ok(rec, String(item.record));
  assert.equal(rec.kind, 'decision_record');
  assert.ok(rec.path.startsWith('Decisions/'));
  const r = rec.frontmatter;
  assert.ok(validateFrontmatter({ aios_kind: 'decision_record', ...r }).ok);
  // Raised and answered the same day, item and record still never share a base name.
  assert.notEqual(rec.name, tc.index.get(path)!.name);
  assert.equal(tc.index.resolveLink(String(r.queue_item))?.path, path);
  assert.equal(r.counterparty, '[[Bumaga Opt]]');
  assert.equal(r.contract, '[[Bumaga Opt - Paper supply agreement]]');
  assert.deepEqual(r.related, ['[[Some mail]]', '[[Bumaga Opt]]', '[[Bumaga Opt - Paper supply agreement]]']);
  assert.equal(r.option, 'go');
  assert.equal(r.decision_kind, 'probe_question');
  assert.equal(r.finding_key, 'rec');
  assert.equal(r.date, '2026-11-26');
  const body = tc.vault.readNote(rec.path).body;
  assert.match(body, /\*\*Decided:\*\* Go ahead with it/);
  assert.match(body, /\*\*Comment:\*\* They confirmed by phone\./);
  assert.match(body, /\*\*What AIOS did:\*\* Went ahead with thing:1\./);
  assert.match(String(fm(tc, orphan).resolution), /no action is defined for "stop" of unheard_of/);
  assert.equal(records(tc).length, 2);

  // The record is the owner's: edited or deleted, AIOS neither rewrites nor recreates it.
  tc.vault.removeFile(rec.path);
  await tc.runtime.runJob(answers);
  const restarted = makeTestContext({ vaultDir: tc.vaultDir, stateDir: tc.stateDir, now: NOW, template: false });
  t.after(() => restarted.cleanup());
  await restarted.runtime.runJob(answers);
  assert.equal(records(restarted).length, 1);
  assert.equal(existsSync(join(tc.vaultDir, rec.path)), false);
});

test('a module closes its own open item when the facts went away; an item the owner answered or deferred stays theirs', async (t) => {
  const tc = setup(t);
  const ctx = tc.contextFor({ name: 'probe' });
  const open = (await ctx.addDecision(probeItem('gone'))).path;
  const decided = (await ctx.addDecision(probeItem('answered'))).path;
  const deferred = (await ctx.addDecision(probeItem('later'))).path;
  answer(tc, decided, 'go');
  const abs = join(tc.vaultDir, deferred);
  writeFileSync(abs, readFileSync(abs, 'utf8').replace(/^status: open$/m, 'status: deferred\ndeferred_until: 2026-12-10'));
  tc.index.noteChanged(deferred);
  const before = { decided: readFileSync(join(tc.vaultDir, decided), 'utf8'), deferred: readFileSync(abs, 'utf8') };
  // The owner retitled the open one: closing it keeps their title and makes no conflict copy.
  const openAbs = join(tc.vaultDir, open);
  writeFileSync(openAbs, readFileSync(openAbs, 'utf8').replace(/^title: .*$/m, 'title: Check the bank'));
  tc.index.noteChanged(open);

  assert.equal(await ctx.resolveDecision('gone', 'The corrected statement arrived.'), true);
  assert.equal(await ctx.resolveDecision('answered', 'no longer needed'), false);
  assert.equal(await ctx.resolveDecision('later', 'no longer needed'), false);
  assert.equal(await ctx.resolveDecision('never-raised', 'no longer needed'), false);
  const f = fm(tc, open);
  assert.equal(f.status, 'resolved');
  assert.equal(f.resolution, 'The corrected statement arrived.');
  assert.ok(f.resolved_at);
  assert.equal(f.title, 'Check the bank');
  assert.deepEqual(tc.vault.list('Queue').filter((p) => p.includes('conflict')), []);
  assert.equal(readFileSync(join(tc.vaultDir, decided), 'utf8'), before.decided);
  assert.equal(readFileSync(abs, 'utf8'), before.deferred);
  // A closed item is not acted on and raises no record; closing it again changes nothing.
  await tc.runtime.runJob(answersJob([probe([])]));
  assert.equal(records(tc).filter((e) => e.frontmatter.finding_key === 'gone').length, 0);
  assert.equal(await ctx.resolveDecision('gone', 'again'), false);
  // The same finding is not raised again.
  assert.equal((await ctx.addDecision(probeItem('gone'))).created, false);
});

// ---- statements ---------------------------------------------------------------------------------

/** The demo EUR statement and the one repeating its Nordlicht payment a day later without a bank reference. */
async function duplicateSetup(t: NodeTest) {
  const tc = setup(t);
  drop(tc, EUR, DEMO);
  await run(tc, job('statements'));
  drop(tc, REPEAT_STATEMENT, FIXTURES);
  await run(tc, job('statements'));
  const item = itemOf(tc, 'possible_duplicate');
  const doubted = (fm(tc, item).targets as string[]).map((x) => x.slice(x.indexOf('#') + 1));
  assert.equal(doubted.length, 1);
  assert.ok(parseLedgerRows(tc.vault.readNote(EUR_LEDGER).body, EUR_LEDGER).some((r) => r.key === doubted[0]), 'the doubted row was imported');
  return { tc, item, key: doubted[0]! };
}

test('possible_duplicate, drop_new: the doubted rows leave the ledger, listed once under "Removed as duplicates"; a re-import does not bring them back', async (t) => {
  const { tc, item, key } = await duplicateSetup(t);
  const rowsBefore = parseLedgerRows(tc.vault.readNote(EUR_LEDGER).body, EUR_LEDGER);
  answer(tc, item, 'drop_new');
  await run(tc, job('answers'));
  const ledger = tc.vault.readNote(EUR_LEDGER);
  const rows = parseLedgerRows(ledger.body, EUR_LEDGER);
  assert.deepEqual(rows.map((r) => r.key), rowsBefore.filter((r) => r.key !== key).map((r) => r.key));
  assert.equal(ledger.frontmatter.transaction_count, rows.length);
  assert.equal(ledger.frontmatter.inflow, 11050);
  const removed = parseRemovedRows(ledger.body, EUR_LEDGER);
  assert.deepEqual(removed.map((r) => [r.key, r.date, r.amount]), [[key, '2026-11-21', 425000000n]]);
  assert.match(String(fm(tc, item).resolution), /^Removed 1 row\(s\) as duplicates/);
  assert.equal(tc.vault.editedByOwner(EUR_LEDGER), false);

  // The same file dropped again: its row is known (as removed), nothing comes back, nothing is asked.
  drop(tc, REPEAT_STATEMENT, FIXTURES);
  await run(tc, job('statements'));
  const again = tc.vault.readNote(EUR_LEDGER);
  assert.equal(parseLedgerRows(again.body, EUR_LEDGER).length, rows.length);
  assert.equal(parseRemovedRows(again.body, EUR_LEDGER).length, 1);
  assert.equal(items(tc, 'possible_duplicate').length, 1);
  // Answered once: a second answers run does nothing.
  assert.equal((await tc.runtime.runJob(job('answers'))).status, 'skipped');

  // The bank repeats it once more, a day later: that answer adds to the same table.
  const later = readFileSync(join(FIXTURES, REPEAT_STATEMENT), 'utf8').replaceAll('2026-11-21', '2026-11-22').replace('COBA-20261122-0007', 'COBA-20261123-0009');
  writeFileSync(join(tc.vaultDir, 'Import', 'repeat-again.xml'), later);
  utimesSync(join(tc.vaultDir, 'Import', 'repeat-again.xml'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await run(tc, job('statements'));
  const second = items(tc, 'possible_duplicate').find((p) => p !== item)!;
  answer(tc, second, 'drop_new');
  await run(tc, job('answers'));
  const twice = tc.vault.readNote(EUR_LEDGER).body;
  assert.deepEqual(parseRemovedRows(twice, EUR_LEDGER).map((r) => r.date), ['2026-11-21', '2026-11-22']);
  assert.equal(twice.split('## Removed as duplicates').length, 2, 'one table');
  assert.equal(parseLedgerRows(twice, EUR_LEDGER).length, rows.length);
});

test('possible_duplicate, keep_all: every row stays', async (t) => {
  const { tc, item, key } = await duplicateSetup(t);
  const before = readFileSync(join(tc.vaultDir, EUR_LEDGER), 'utf8');
  answer(tc, item, 'keep_all');
  await run(tc, job('answers'));
  assert.equal(readFileSync(join(tc.vaultDir, EUR_LEDGER), 'utf8'), before);
  assert.ok(parseLedgerRows(before, EUR_LEDGER).some((r) => r.key === key));
  assert.match(String(fm(tc, item).resolution), /Kept every row/);
});

/** The demo RUB statement and a next day whose closing balance is 10,000 off. */
async function mismatchSetup(t: NodeTest) {
  const tc = setup(t);
  drop(tc, RUB, DEMO);
  await run(tc, job('statements'));
  drop(tc, MISMATCH_STATEMENT, FIXTURES);
  await run(tc, job('statements'));
  const item = itemOf(tc, 'balance_mismatch');
  const statement = (fm(tc, item).targets as string[]).find((x) => x.startsWith('statement:'))!.slice(10);
  assert.equal(fm(tc, statement).balance_check, 'mismatch');
  assert.match(tc.vault.readNote(CASH).body, /869910\.00 \(balances did not check\)/);
  return { tc, item, statement };
}

test('balance_mismatch, accept: the statement counts as confirmed and the cash position no longer marks it', async (t) => {
  const { tc, item, statement } = await mismatchSetup(t);
  answer(tc, item, 'accept');
  await run(tc, job('answers'));
  assert.equal(fm(tc, statement).balance_check, 'accepted');
  const cash = tc.vault.readNote(CASH).body;
  assert.match(cash, /869910\.00 \|/);
  assert.doesNotMatch(cash, /did not check/);
  assert.equal(parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER).length, 10);
  // A later statement import keeps it accepted (the cache was told).
  drop(tc, EUR, DEMO);
  await run(tc, job('statements'));
  assert.doesNotMatch(tc.vault.readNote(CASH).body, /did not check/);
});

test('balance_mismatch, ask_bank: everything stays as it is, unconfirmed', async (t) => {
  const { tc, item, statement } = await mismatchSetup(t);
  const ledger = readFileSync(join(tc.vaultDir, RUB_LEDGER), 'utf8');
  answer(tc, item, 'ask_bank');
  await run(tc, job('answers'));
  assert.equal(fm(tc, statement).balance_check, 'mismatch');
  assert.match(tc.vault.readNote(CASH).body, /did not check/);
  assert.equal(readFileSync(join(tc.vaultDir, RUB_LEDGER), 'utf8'), ledger);
  assert.match(String(fm(tc, item).resolution), /unconfirmed until a corrected statement arrives/);
});

test('balance_mismatch, withdraw: the statement\'s rows leave the ledger, its file is quarantined once with one report, and it is not imported again', async (t) => {
  const { tc, item, statement } = await mismatchSetup(t);
  answer(tc, item, 'withdraw');
  await run(tc, job('answers'));
  const rows = parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER);
  assert.equal(rows.length, 9);
  assert.ok(rows.every((r) => r.statement !== statement.slice(statement.lastIndexOf('/') + 1, -3)));
  assert.equal(fm(tc, RUB_LEDGER).inflow, 597000);
  assert.equal(tc.vault.exists(statement), false);
  assert.deepEqual(files(tc, 'Import/Archive').filter((f) => f.endsWith(MISMATCH_STATEMENT)), []);
  assert.deepEqual(files(tc, 'Import/Quarantine'), [`Import/Quarantine/${MISMATCH_STATEMENT}`, `Import/Quarantine/${MISMATCH_STATEMENT} report.md`]);
  assert.equal(tc.index.byKind('import_report').length, 1);
  assert.match(String(fm(tc, `Import/Quarantine/${MISMATCH_STATEMENT} report.md`).reason), /withdrawn on your answer/);
  // The cash position is back to the last good statement, unmarked.
  const cash = tc.vault.readNote(CASH).body;
  assert.match(cash, /829910\.00 \|/);
  assert.doesNotMatch(cash, /did not check/);
  assert.match(String(fm(tc, item).resolution), /^Withdrawn: /);

  // The same file dropped again is refused, rows stay out.
  drop(tc, MISMATCH_STATEMENT, FIXTURES);
  await tc.runtime.runJob(job('statements'));
  assert.equal(parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER).length, 9);
  const reports = tc.index.byKind('import_report').map((e) => String(e.frontmatter.reason));
  assert.equal(reports.length, 2);
  assert.ok(reports.some((r) => /you withdrew this statement earlier/.test(r)), reports.join('\n'));
});

/** The demo RUB ledger edited by hand (a cell, a row deleted, a sentence), then a statement that adds a row to that month. */
async function conflictSetup(t: NodeTest) {
  const tc = setup(t);
  drop(tc, RUB, DEMO);
  await run(tc, job('statements'));
  const abs = join(tc.vaultDir, RUB_LEDGER);
  const original = readFileSync(abs, 'utf8');
  const edited = original
    .replace('| ООО «Центр Недвижимость» |', '| Landlord (Tsentr) |')
    .replace(/^\| 2026-11-25 .*Комиссия.*\n/m, '')
    .replace('Written by the statements module', 'Checked against the bank on 26 Nov. Written by the statements module');
  assert.notEqual(edited, original);
  writeFileSync(abs, edited);
  tc.index.noteChanged(RUB_LEDGER);
  drop(tc, MISMATCH_STATEMENT, FIXTURES);
  await run(tc, job('statements'));
  const item = itemOf(tc, 'ledger_conflict');
  const copy = (fm(tc, item).targets as string[]).find((x) => x.startsWith('copy:'))!.slice(5);
  assert.ok(tc.vault.exists(copy));
  assert.equal(readFileSync(abs, 'utf8'), edited, 'the owner\'s edit stood');
  return { tc, item, copy, edited };
}

test('ledger_conflict, copy_rows: the new rows go into the ledger as edited, the owner\'s changes stay (a deleted row stays deleted), the copy goes', async (t) => {
  const { tc, item, copy } = await conflictSetup(t);
  answer(tc, item, 'copy_rows');
  await run(tc, job('answers'));
  const note = tc.vault.readNote(RUB_LEDGER);
  const rows = parseLedgerRows(note.body, RUB_LEDGER);
  assert.ok(rows.some((r) => r.date === '2026-11-26' && r.amount === 3000000000n), 'the new row is in');
  assert.ok(rows.some((r) => r.counterparty === 'Landlord (Tsentr)'), 'the edited cell stayed');
  assert.ok(!rows.some((r) => r.text.includes('Комиссия')), 'the row the owner deleted did not come back');
  assert.match(note.body, /Checked against the bank on 26 Nov\./);
  assert.equal(rows.length, 9);
  assert.equal(note.frontmatter.transaction_count, 9);
  assert.equal(tc.vault.exists(copy), false);
  assert.equal(tc.vault.editedByOwner(RUB_LEDGER), false, 'the result is the new baseline');
  // Later statements add to it without another conflict.
  drop(tc, EUR, DEMO);
  await run(tc, job('statements'));
  assert.equal(items(tc, 'ledger_conflict').length, 1);
});

test('ledger_conflict, keep_edited: the ledger stays exactly as edited, the copy goes, and later statements add to it', async (t) => {
  const { tc, item, copy, edited } = await conflictSetup(t);
  answer(tc, item, 'keep_edited');
  await run(tc, job('answers'));
  const note = tc.vault.readNote(RUB_LEDGER);
  assert.equal(note.body, edited.slice(edited.indexOf('\n---\n') + 5));
  assert.equal(note.frontmatter.transaction_count, 8);
  assert.equal(tc.vault.exists(copy), false);
  assert.equal(tc.vault.editedByOwner(RUB_LEDGER), false);
  // A new row of that month goes in without a conflict.
  writeFileSync(join(tc.vaultDir, 'Import', 'next.txt'), readFileSync(join(FIXTURES, MISMATCH_STATEMENT)).toString('latin1').replace('Номер=3402', 'Номер=3403'), 'latin1');
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(tc.vaultDir, 'Import', 'next.txt'), past, past);
  await run(tc, job('statements'));
  assert.equal(items(tc, 'ledger_conflict').length, 1);
  assert.equal(parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER).length, 9);
});

// ---- mail ---------------------------------------------------------------------------------------

function eml(body: string): string {
  return `From: Igor Petrov <sales@bumaga-opt.example>\r\nTo: anna@kestrel-print.example\r\nSubject: Invoice 77\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\nMessage-ID: <inv-77@bumaga-opt.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

async function mailDuplicateSetup(t: NodeTest) {
  const tc = setup(t);
  for (const [name, body] of [['first.eml', 'Total 12 000 RUB.'], ['second.eml', 'Total 21 000 RUB.']] as const) {
    writeFileSync(join(tc.vaultDir, 'Import', name), eml(body));
    await run(tc, job('mail'));
  }
  const item = itemOf(tc, 'mail_duplicate');
  const newer = (fm(tc, item).targets as string[])[0]!.slice(5);
  assert.match(tc.vault.readNote(newer).body, /21 000/);
  return { tc, item, newer };
}

test('mail_duplicate, delete_newer: the newer note goes and does not come back; keep_both keeps both', async (t) => {
  const { tc, item, newer } = await mailDuplicateSetup(t);
  answer(tc, item, 'delete_newer');
  await run(tc, job('answers'));
  assert.equal(tc.vault.exists(newer), false);
  assert.equal(tc.index.byKind('mail_message').length, 1);
  writeFileSync(join(tc.vaultDir, 'Import', 'second-again.eml'), eml('Total 21 000 RUB.'));
  await run(tc, job('mail'));
  assert.equal(tc.index.byKind('mail_message').length, 1, 'not synced again');

  const other = await mailDuplicateSetup(t);
  answer(other.tc, other.item, 'keep_both');
  await run(other.tc, job('answers'));
  assert.equal(other.tc.index.byKind('mail_message').length, 2);
  assert.equal(fm(other.tc, other.item).resolution, 'Kept both versions.');
});

// ---- the core's own question --------------------------------------------------------------------

/** The owner edits the cash position (recomputed by AIOS): the next import keeps their version as a copy and asks. */
async function noteEditedSetup(t: NodeTest) {
  const tc = setup(t);
  drop(tc, RUB, DEMO);
  await run(tc, job('statements'));
  const abs = join(tc.vaultDir, CASH);
  writeFileSync(abs, readFileSync(abs, 'utf8').replace('# Cash position', '# Cash position\n\nEUR stays in Germany.'));
  tc.index.noteChanged(CASH);
  drop(tc, EUR, DEMO);
  await run(tc, job('statements'));
  const item = itemOf(tc, 'note_edited');
  const copy = (fm(tc, item).targets as string[])[0]!.slice(5);
  assert.match(readFileSync(join(tc.vaultDir, copy), 'utf8'), /EUR stays in Germany/);
  return { tc, item, copy };
}

test('note_edited, delete_copy deletes the owner\'s copy; keep_copy keeps it', async (t) => {
  const { tc, item, copy } = await noteEditedSetup(t);
  answer(tc, item, 'delete_copy');
  await run(tc, job('answers'));
  assert.equal(tc.vault.exists(copy), false);
  assert.equal(fm(tc, item).resolution, `Deleted your copy ${copy}.`);

  const other = await noteEditedSetup(t);
  answer(other.tc, other.item, 'keep_copy');
  await run(other.tc, job('answers'));
  assert.equal(other.tc.vault.exists(other.copy), true);
  assert.equal(records(other.tc).length, 1);
});

// ---- models -------------------------------------------------------------------------------------

test('budget_exhausted: raise_budget lets hard work reach the cloud again, local_this_week runs it locally, wait keeps it waiting; the settings note is never written', async () => {
  for (const option of ['raise_budget', 'local_this_week', 'wait'] as const) {
    const h = await startHarness();
    try {
      const tc = h.tc;
      new CostLedger(modelsState(tc.ctx.state)).append({
        time: '2026-11-24T10:00:00', module: 'digest', task: 'draft', tier: 'hard', provider: 'openai', model: 'gpt-4o-mini', location: 'cloud',
        tokensIn: 10, tokensOut: 10, latencyMs: 1, costNanoUsd: 260_000_000n, escalated: false, outcome: 'ok', taskId: 'spent',
      });
      h.ollama.onChat(() => ({ content: JSON.stringify({ body: 'Local draft' }) }));
      h.openai.onChat(() => ({ content: JSON.stringify({ body: 'Cloud draft' }) }));
      const waiting = await h.models().draft({ tier: 'hard', instruction: 'Reply.', data: 'Hello' });
      assert.ok(!waiting.ok && waiting.status === 'waiting' && waiting.decision);
      const settingsBefore = readFileSync(join(tc.vaultDir, 'AIOS/Settings.md'));
      answer(tc, waiting.decision, option);
      const r = await tc.runtime.runJob(answersJob(MODULES));
      assert.equal(r.status, 'ok', r.summary);
      const after = await h.models().draft({ tier: 'hard', instruction: 'Reply.', data: 'Hello' });
      const overrides = readOverrides(modelsState(tc.ctx.state));
      if (option === 'raise_budget') {
        assert.ok(after.ok && after.location === 'cloud', JSON.stringify(after));
        assert.deepEqual(overrides, [{ key: 'budget_extra_usd', value: 0.25, until: '2026-11-29', from: 'budget_exhausted:2026-W48' }]);
      } else if (option === 'local_this_week') {
        assert.ok(after.ok && after.location === 'local', JSON.stringify(after));
        assert.deepEqual(overrides, [{ key: 'budget_exhausted', value: 'local', until: '2026-11-29', from: 'budget_exhausted:2026-W48' }]);
      } else {
        assert.ok(!after.ok && after.status === 'waiting');
        assert.deepEqual(overrides, []);
      }
      // An override ends with its week.
      const cfg = configFromSettings(tc.runtime.settings);
      assert.deepEqual(applyOverrides(cfg, overrides, '2026-11-30'), cfg);
      assert.ok(readFileSync(join(tc.vaultDir, 'AIOS/Settings.md')).equals(settingsBefore), 'the settings note is unchanged');
      assert.equal(records(tc).length, 1);
      // Once: the override is not added twice.
      await tc.runtime.runJob(answersJob(MODULES));
      assert.equal(readOverrides(modelsState(tc.ctx.state)).length, overrides.length);
    } finally {
      await h.close();
    }
  }
});
