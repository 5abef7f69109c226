// The owner and the companion edit the same notes. (a) An owner's save that lands while the companion
// writes a big note (timed to the appearance of its temp file, the write in another process) is never
// overwritten: a body edit stands and the companion's version goes to a conflict copy; a change of a key
// the owner may change (a queue item's status and answer) is merged with the companion's change. (b) The
// companion may revise a key it wrote while the key still holds its value, never once the owner changed
// it. (c) A recomputed note (the cash position, the run log) stays current after an owner's edit: their
// version is kept once as a copy and asked about once; what they write in the owner section is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { decisionNote, ledgerNote, LEDGER_ROWS, MONTH } from '../support/write-racing-note.ts';
import { OWNER_SECTION_PREFIX, parseNote, splitOwnerSection } from '../../companion/core/frontmatter.ts';
import { TEMP_PREFIX } from '../../companion/core/atomic.ts';
import { statementsJob } from '../../companion/statements/index.ts';
import { costsJob } from '../../companion/costs/index.ts';
import { parseLedgerRows, type Frontmatter } from '../../contract/index.ts';

const WRITER = fileURLToPath(new URL('../support/write-racing-note.ts', import.meta.url));
const ROUNDS = 10;

type Outcome = { path: string; outcome: string };

/** The companion in another process: one big write per request, answered with its outcome. */
function startWriter(vaultDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, vaultDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const waiting: ((r: Outcome) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l) as Outcome));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    write(req: object): Promise<Outcome> {
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        void exited.then((code) => reject(new Error(`writer exited (${code}): ${stderr}`)));
        child.stdin.write(JSON.stringify(req) + '\n');
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Runs `write` while watching the note's folder; the moment the companion's temp file for the note
 * appears, `save` runs (the owner's save). Says whether the save happened and whether the temp file was
 * still there once it had (then the save certainly landed before the companion's rename).
 */
async function raceOwnerSave(abs: string, write: () => Promise<Outcome>, save: () => void): Promise<{ r: Outcome; saved: boolean; beforeRename: boolean }> {
  const dir = dirname(abs);
  const suffix = `-${abs.slice(dir.length + 1)}`;
  let saved = false;
  let beforeRename = false;
  const watcher = watch(dir, (_event, name) => {
    const n = name === null ? '' : String(name);
    if (saved || !n.startsWith(TEMP_PREFIX) || !n.endsWith(suffix)) return;
    saved = true;
    save();
    beforeRename = existsSync(join(dir, n));
  });
  try {
    const r = await write();
    return { r, saved, beforeRename };
  } finally {
    watcher.close();
  }
}

const conflictCopies = (folderAbs: string) => readdirSync(folderAbs).filter((f) => f.includes('(conflict '));

test('(a) an owner\'s body edit saved while the companion rewrites a 3,000-row ledger stands; the companion\'s version goes to a conflict copy', async (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const writer = startWriter(tc.vaultDir);
  t.after(() => writer.close());
  let raced = 0;
  let certain = 0;
  for (let i = 0; i < ROUNDS; i++) {
    // A fresh note each round (its own account folder): the companion wrote it, nobody edited it yet.
    const account = `ACC${i}`;
    const first = ledgerNote(account, 0);
    const { path } = tc.vault.writeCompanionNote('account_ledger', first.fm, first.body);
    const abs = tc.vault.abs(path);
    // What the owner's editor holds: the note as it is now, with one line added to the body.
    const loaded = readFileSync(abs, 'utf8');
    const heading = `# ${account} ${MONTH}\n`;
    const mine = `${heading}\nChecked against the paper statement by Anna, round ${i}.\n`;
    assert.ok(loaded.includes(heading));
    const ownerText = loaded.replace(heading, mine);
    const { r, saved, beforeRename } = await raceOwnerSave(abs, () => writer.write({ kind: 'ledger', account, variant: i + 1 }), () => writeFileSync(abs, ownerText));
    if (!saved) continue;
    raced++;
    // Whenever it landed, the owner's save is what the note holds.
    assert.equal(readFileSync(abs, 'utf8'), ownerText, `round ${i}: the owner's edit was overwritten (${r.outcome})`);
    if (!beforeRename && r.outcome !== 'conflict') continue; // saved after the companion's rename: nothing to keep
    certain++;
    assert.equal(r.outcome, 'conflict', `round ${i}`);
    const copies = conflictCopies(dirname(abs));
    assert.equal(copies.length, 1, `round ${i}: ${copies.join(', ')}`);
    const copy = parseNote(readFileSync(join(dirname(abs), copies[0]!), 'utf8'));
    assert.equal(copy.frontmatter.aios_conflict_of, `[[${MONTH}]]`);
    const rows = parseLedgerRows(copy.body, 'copy');
    assert.equal(rows.length, LEDGER_ROWS);
    assert.ok(rows.every((x) => x.text.endsWith(`variant ${i + 1}`)), 'the copy holds the companion\'s new version');
    assert.equal(tc.index.get(`${dirname(path)}/${copies[0]!}`), undefined, 'a copy is never read as a ledger');
  }
  t.diagnostic(`${raced} of ${ROUNDS} rounds raced, ${certain} saved before the rename`);
  assert.ok(raced >= ROUNDS / 2, `the owner's save raced the companion's write in only ${raced} of ${ROUNDS} rounds`);
  assert.ok(certain >= 1, 'no round saved before the companion\'s rename');
});

test('(a) an owner\'s answer saved while the companion rewrites the queue item is merged: no conflict copy, both changes stand', async (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const writer = startWriter(tc.vaultDir);
  t.after(() => writer.close());
  let raced = 0;
  let certain = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const key = `mismatch-${i}`;
    const first = decisionNote(key, 0);
    const { path } = tc.vault.writeCompanionNote('decision_item', first.fm, first.body);
    const abs = tc.vault.abs(path);
    // The owner answers in the note they have open: only keys the owner may change differ.
    const loaded = readFileSync(abs, 'utf8');
    assert.match(loaded, /^status: open$/m);
    const ownerText = loaded.replace(/^status: open$/m, 'status: decided\nanswer: look\ndecided_at: 2026-11-26T09:30:00');
    const { r, saved, beforeRename } = await raceOwnerSave(abs, () => writer.write({ kind: 'decision', key, variant: i + 1 }), () => writeFileSync(abs, ownerText));
    if (!saved) continue;
    raced++;
    assert.deepEqual(conflictCopies(tc.vault.abs('Queue')), [], `round ${i}`);
    const note = parseNote(readFileSync(abs, 'utf8'));
    assert.deepEqual([note.frontmatter.status, note.frontmatter.answer, note.frontmatter.decided_at], ['decided', 'look', '2026-11-26T09:30:00'], `round ${i}: the owner's answer was lost`);
    // A save after the companion's rename puts the owner's older text back: only one before it says more.
    if (!beforeRename) continue;
    certain++;
    assert.deepEqual(r, { path, outcome: 'updated' }, `round ${i}`);
    assert.equal(note.frontmatter.why, `Recomputed ${i + 1}: ${LEDGER_ROWS} payments match no invoice.`, `round ${i}: the companion's change was lost`);
    assert.match(note.body, new RegExp(`^Version ${i + 1}\\.$`, 'm'));
    assert.equal(tc.vault.editedByOwner(path), false, 'the merged note is the companion\'s again, the owner\'s keys aside');
  }
  t.diagnostic(`${raced} of ${ROUNDS} rounds raced, ${certain} saved before the rename`);
  assert.ok(raced >= ROUNDS / 2, `the owner's answer raced the companion's write in only ${raced} of ${ROUNDS} rounds`);
  assert.ok(certain >= 1, 'no round saved before the companion\'s rename');
});

const mail = (over: Partial<Frontmatter<'mail_message'>> = {}): Frontmatter<'mail_message'> => ({
  subject: 'Invoice 112', from: 'sales@bumaga-opt.example', to: ['anna@kestrel-print.example'], cc: [], date: '2026-11-20T10:00:00',
  message_id: '<m1@bumaga-opt.example>', thread_key: 't1', source: 'file', body_hash: 'h1', attachments: [], list: false, status: 'new', ...over,
});

test('(b) the companion revises a key it wrote while the key holds its value, never once the owner changed it', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const { vault } = tc;
  const { path } = vault.writeCompanionNote('mail_message', mail({ category: 'invoice' }), 'Please pay.\n');
  const abs = vault.abs(path);
  const fm = () => parseNote(readFileSync(abs, 'utf8')).frontmatter;
  // Its own guess, still untouched: revised, by a regeneration and by a key update alike.
  assert.equal(vault.writeCompanionNote('mail_message', mail({ category: 'order' }), 'Please pay.\n').outcome, 'updated');
  assert.equal(fm().category, 'order');
  assert.equal(vault.updateCompanionKeys(path, { category: 'supplier_invoice', counterparty: '[[Bumaga Opt]]' }).outcome, 'updated');
  assert.deepEqual([fm().category, fm().counterparty], ['supplier_invoice', '[[Bumaga Opt]]']);
  // The owner's correction (Obsidian's property editor rewrites the line): from now on it is theirs.
  writeFileSync(abs, readFileSync(abs, 'utf8').replace('category: supplier_invoice', 'category: "personal"'));
  assert.equal(vault.writeCompanionNote('mail_message', mail({ category: 'spam', from_name: 'Igor Petrov' }), 'Please pay.\n').outcome, 'updated');
  assert.deepEqual([fm().category, fm().from_name], ['personal', 'Igor Petrov'], 'the companion\'s other change is made, the owner\'s key kept');
  vault.updateCompanionKeys(path, { category: 'spam' });
  assert.equal(fm().category, 'personal');
  vault.writeCompanionNote('mail_message', mail({ category: 'spam', from_name: 'Igor Petrov' }), 'Please pay.\n');
  assert.equal(fm().category, 'personal', 'never taken back later either');
  // Keys the owner did not touch follow the companion; a key the owner cleared stays cleared.
  assert.equal(fm().status, 'new');
  vault.updateCompanionKeys(path, { counterparty: '[[Bumaga Opt]]' });
  assert.equal(fm().counterparty, '[[Bumaga Opt]]');
  writeFileSync(abs, readFileSync(abs, 'utf8').replace(/^counterparty: .*\n/m, ''));
  vault.updateCompanionKeys(path, { counterparty: '[[Greenleaf Cafe]]', status: 'needs_reply' });
  assert.deepEqual([fm().counterparty, fm().status, fm().category], [undefined, 'needs_reply', 'personal']);
  vault.writeCompanionNote('mail_message', mail({ category: 'spam', from_name: 'Igor Petrov', counterparty: '[[Greenleaf Cafe]]', status: 'needs_reply' }), 'Please pay.\n');
  assert.equal(fm().counterparty, undefined, 'a regeneration does not bring it back');
  assert.equal(vault.editedByOwner(path), false, 'the owner\'s keys are no edit of the companion\'s part');
  assert.deepEqual(conflictCopies(dirname(abs)), []);

  // A note from before the rule (no aios_wrote): a value there counts as the owner's.
  const old = vault.writeCompanionNote('mail_message', mail({ message_id: '<m2@x.example>', body_hash: 'h2', category: 'invoice' }), 'Old.\n');
  const oldAbs = vault.abs(old.path);
  writeFileSync(oldAbs, readFileSync(oldAbs, 'utf8').replace(/^aios_wrote: .*\n/m, ''));
  vault.writeCompanionNote('mail_message', mail({ message_id: '<m2@x.example>', body_hash: 'h2', category: 'order' }), 'Old.\n');
  assert.equal(parseNote(readFileSync(oldAbs, 'utf8')).frontmatter.category, 'invoice');
});

// ---- (c) recomputed notes ------------------------------------------------------------------------

const DEMO = join(import.meta.dirname, '../../demo/statements');
const IBAN = 'DE89370400440532013000';

/** A one-day CAMT.053 of the demo's EUR account, chained to the balance it closed with. */
function eurDay(day: string, open: string, close: string, entries: { ref: string; amt: string; ind: 'CRDT' | 'DBIT'; text: string }[]): string {
  const bal = (code: string, amt: string) => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>D-${day}</MsgId><CreDtTm>${day}T20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S-${day}</Id><FrToDt><FrDtTm>${day}T00:00:00</FrDtTm><ToDtTm>${day}T23:59:59</ToDtTm></FrToDt><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${bal('OPBD', open)}${bal('CLBD', close)}
${entries.map((e) => `<Ntry><Amt Ccy="EUR">${e.amt}</Amt><CdtDbtInd>${e.ind}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>${e.ref}</AcctSvcrRef><AddtlNtryInf>${e.text}</AddtlNtryInf></Ntry>`).join('\n')}
</Stmt></BkToCstmrStmt></Document>`;
}

function statementsVault(): { tc: TestContext; run: (files: Record<string, string>) => Promise<void>; read: (rel: string) => string; edits: () => string[]; noteEdited: () => Frontmatter<'decision_item'>[] } {
  const tc = makeTestContext({ now: new Date('2026-11-28T06:00:00Z'), settings: { import_stable_seconds: 0 } });
  const ctx = tc.contextFor(statementsJob);
  const run = async (files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tc.vaultDir, 'Import', name), content);
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'ok', r.summary);
  };
  return {
    tc,
    run,
    read: (rel) => readFileSync(tc.vault.abs(rel), 'utf8'),
    edits: () => readdirSync(tc.vault.abs('Finance')).filter((f) => f.startsWith('Cash position (your edit ')).sort(),
    noteEdited: () => tc.index.byKind('decision_item').map((e) => e.frontmatter as Frontmatter<'decision_item'>).filter((f) => f.kind === 'note_edited'),
  };
}

test('(c) an edited cash position is kept once as a copy, asked about once, and the note stays current', async (t) => {
  const v = statementsVault();
  t.after(() => v.tc.cleanup());
  copyFileSync(join(DEMO, '2026-11 Sberbank RUB 1C.txt'), join(v.tc.vaultDir, 'Import', 'rub.txt'));
  copyFileSync(join(DEMO, '2026-11 Commerzbank EUR camt053.xml'), join(v.tc.vaultDir, 'Import', 'eur.xml'));
  await v.run({});
  const CASH = 'Finance/Cash position.md';
  const eurLine = (amount: string) => new RegExp(`^\\| ${IBAN}[^\\n]*\\| EUR \\| ${amount.replace('.', '\\.')} \\|`, 'm');
  const before = v.read(CASH);
  assert.match(before, eurLine('24437.50'));
  assert.deepEqual(v.edits(), []);

  // The owner corrects a figure in the companion's part and adds a line there: the note would freeze.
  const edited = before.replace(eurLine('24437.50'), (m) => m.replace('24437.50', '25000.00')).replace(/^(# .*\n)/m, '$1\nAnna: the EUR figure includes the cash box.\n');
  assert.notEqual(edited, before);
  writeFileSync(v.tc.vault.abs(CASH), edited);
  await v.run({ 'eur 26.xml': eurDay('2026-11-26', '24437.50', '24137.50', [{ ref: 'CB-2601', amt: '300.00', ind: 'DBIT', text: 'Courier' }]) });

  const now = v.read(CASH);
  assert.match(now, eurLine('24137.50'), 'the note the owner opens shows the new balance');
  assert.doesNotMatch(now, /Anna: the EUR figure/);
  assert.equal(v.tc.vault.editedByOwner(CASH), false);
  const copies = v.edits();
  assert.equal(copies.length, 1, copies.join(', '));
  assert.match(copies[0]!, /^Cash position \(your edit [0-9a-f]{6}\)\.md$/);
  const copy = parseNote(v.read(`Finance/${copies[0]!}`));
  assert.equal(copy.frontmatter.aios_conflict_of, '[[Cash position]]');
  assert.equal(copy.body, parseNote(edited).body, 'the copy is the owner\'s version, word for word');
  assert.equal(v.tc.index.get(`Finance/${copies[0]!}`), undefined, 'the copy is not read as a cash position');
  assert.equal(v.tc.index.byKind('cash_position').length, 1);
  const asked = v.noteEdited();
  assert.equal(asked.length, 1, JSON.stringify(asked));
  assert.deepEqual(asked[0]!.option_ids, ['keep_copy', 'delete_copy']);
  assert.ok(asked[0]!.evidence.includes(`[[${copies[0]!.slice(0, -3)}]]`) || asked[0]!.evidence.some((e) => e.includes(copies[0]!.slice(0, -3))), JSON.stringify(asked[0]!.evidence));

  // Another statement: the note is regenerated again, nothing more is copied or asked.
  await v.run({ 'eur 27.xml': eurDay('2026-11-27', '24137.50', '24237.50', [{ ref: 'CB-2701', amt: '100.00', ind: 'CRDT', text: 'Refund' }]) });
  assert.match(v.read(CASH), eurLine('24237.50'));
  assert.deepEqual(v.edits(), copies);
  assert.equal(v.noteEdited().length, 1);

  // What the owner writes in the owner section survives every regeneration and makes no copy.
  const section = v.read(CASH);
  assert.match(section, new RegExp(`^${OWNER_SECTION_PREFIX.replace(/[%]/g, '\\$&')}`, 'm'));
  const mine = '- Ask Commerzbank about the courier charge.\n- Cash box: 560 EUR.\n';
  writeFileSync(v.tc.vault.abs(CASH), section.endsWith('\n') ? section + mine : `${section}\n${mine}`);
  await v.run({ 'eur 28.xml': eurDay('2026-11-28', '24237.50', '24200.00', [{ ref: 'CB-2801', amt: '37.50', ind: 'DBIT', text: 'Bank fee' }]) });
  const last = v.read(CASH);
  assert.match(last, eurLine('24200.00'));
  assert.equal(splitOwnerSection(parseNote(last).body).owner, mine);
  assert.deepEqual(v.edits(), copies);
  assert.equal(v.noteEdited().length, 1);
});

test('(c) an edited run log is kept once as a copy and the log stays current', async (t) => {
  const tc = makeTestContext({ now: new Date('2026-11-26T06:00:00Z') });
  t.after(() => tc.cleanup());
  // A real job whose runs the log lists (the weekly cost report, offline).
  const job = costsJob;
  await tc.runtime.runJob(job);
  tc.runtime.writeRunLog();
  const rel = tc.index.byKind('run_log')[0]!.path;
  const abs = tc.vault.abs(rel);
  const text = readFileSync(abs, 'utf8');
  assert.equal((text.match(/\| costs \|/g) ?? []).length, 1);
  // The owner adds a line to the table: without the rule the log would stop at this run.
  writeFileSync(abs, text.replace(/(\| costs \|[^\n]*\n)/, '$1| 23:59:59 | by hand | ok | checked | laptop |\n'));
  await tc.runtime.runJob(job);
  tc.runtime.writeRunLog();
  const now = readFileSync(abs, 'utf8');
  assert.equal((now.match(/\| costs \|/g) ?? []).length, 2, 'the log has the new run');
  assert.doesNotMatch(now, /by hand/);
  const folder = dirname(abs);
  const copies = readdirSync(folder).filter((f) => f.includes('(your edit '));
  assert.equal(copies.length, 1);
  assert.match(readFileSync(join(folder, copies[0]!), 'utf8'), /by hand/);
  assert.equal(tc.index.byKind('decision_item').filter((e) => e.frontmatter.kind === 'note_edited').length, 1);
  await tc.runtime.runJob(job);
  tc.runtime.writeRunLog();
  assert.equal(readdirSync(folder).filter((f) => f.includes('(your edit ')).length, 1);
  assert.equal(tc.index.byKind('decision_item').filter((e) => e.frontmatter.kind === 'note_edited').length, 1);
});
