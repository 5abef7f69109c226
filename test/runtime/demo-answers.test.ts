// The "what it must show", on the demo vault `npm start` builds, with the real `aios` command:
// two more statements dropped in (one repeating a row without a bank reference a day later, one whose
// balances do not add up) raise a possible duplicate and a balance mismatch; answering them by hand has
// its effect in the ledger and leaves decision records; accepting the four demo proposals creates four
// counterparty notes and links the demo mail and ledger rows to them; a second run changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vault } from '../../companion/core/vault.ts';
import { VaultIndex } from '../../companion/core/vault-index.ts';
import { parseLedgerRows, parseRemovedRows } from '../../contract/ledger.ts';
import {
  MISMATCH_STATEMENT, REPEAT_STATEMENT, aiosOk, answer, demo, dropIntoImport, filesUnder, itemOf, notesIn, readBody, readFm, setKey, type Dirs,
} from './helpers.ts';

const RUB_LEDGER = 'Finance/Ledgers/40702810400000012345/2026-11.md';
const EUR_LEDGER = 'Finance/Ledgers/DE89370400440532013000/2026-11.md';

/** Every file of the vault but the run log, the lease, the cost report and the digest (they say when it ran), with its text. */
function snapshot(vault: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of filesUnder(vault, '.')) {
    const rel = f.replace(/^\.\//, '');
    if (/^AIOS\/(Runs|Costs)\/|^AIOS\/Companion lease\.md$|^Digests\//.test(rel)) continue;
    out.set(rel, readFileSync(join(vault, rel), 'utf8'));
  }
  return out;
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

test('demo vault: answering the possible duplicate and the balance mismatch acts in the ledger; accepting the four proposals makes four counterparties and links mail and rows', { timeout: 90_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'aios-demo-answers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const d: Dirs = await demo(root);
  const recordsBefore = notesIn(d.vault, 'Decisions');
  const eurRows = parseLedgerRows(readBody(d.vault, EUR_LEDGER), EUR_LEDGER);
  const rubRows = parseLedgerRows(readBody(d.vault, RUB_LEDGER), RUB_LEDGER);

  // 1. Two more statements arrive.
  dropIntoImport(d.vault, [REPEAT_STATEMENT, MISMATCH_STATEMENT]);
  const first = await aiosOk(d, 'all');
  assert.match(first, /statements\s+ok\s+2 statement file\(s\) imported, 2 new transactions.*1 balance mismatch\(es\) raised, 1 possible duplicate\(s\) asked/);
  const dup = itemOf(d.vault, 'possible_duplicate');
  const mismatch = itemOf(d.vault, 'balance_mismatch');
  assert.deepEqual(readFm(d.vault, dup).option_ids, ['keep_all', 'drop_new']);
  assert.deepEqual(readFm(d.vault, mismatch).option_ids, ['accept', 'ask_bank', 'withdraw']);
  const doubted = (readFm(d.vault, dup).targets as string[]).map((x) => x.slice(x.indexOf('#') + 1));
  assert.equal(doubted.length, 1);
  const statement = (readFm(d.vault, mismatch).targets as string[]).find((x) => x.startsWith('statement:'))!.slice(10);
  const statementName = statement.slice(statement.lastIndexOf('/') + 1, -3);
  assert.equal(parseLedgerRows(readBody(d.vault, EUR_LEDGER), EUR_LEDGER).length, eurRows.length + 1);
  assert.equal(parseLedgerRows(readBody(d.vault, RUB_LEDGER), RUB_LEDGER).length, rubRows.length + 1);

  // 2. The owner answers both by hand, and the next run acts.
  answer(d.vault, dup, 'drop_new');
  answer(d.vault, mismatch, 'withdraw');
  const second = await aiosOk(d, 'all');
  assert.match(second, /answers\s+ok\s+2 answer\(s\) acted on/);
  // The doubted row left the EUR ledger, listed once under "Removed as duplicates".
  const eur = readBody(d.vault, EUR_LEDGER);
  assert.deepEqual(parseLedgerRows(eur, EUR_LEDGER).map((r) => r.key), eurRows.map((r) => r.key));
  assert.deepEqual(parseRemovedRows(eur, EUR_LEDGER).map((r) => r.key), doubted);
  assert.equal(eur.split(doubted[0]!).length - 1, 1);
  // The mismatched statement's row left the RUB ledger; its note went; its file is in quarantine with one report.
  const rub = parseLedgerRows(readBody(d.vault, RUB_LEDGER), RUB_LEDGER);
  assert.deepEqual(rub.map((r) => r.key), rubRows.map((r) => r.key));
  assert.ok(rub.every((r) => r.statement !== statementName));
  assert.deepEqual(notesIn(d.vault, 'Finance/Statements').filter((p) => p === statement), []);
  assert.deepEqual(filesUnder(d.vault, 'Import/Quarantine'), [`Import/Quarantine/${MISMATCH_STATEMENT}`, `Import/Quarantine/${MISMATCH_STATEMENT} report.md`]);
  assert.equal(readFm(d.vault, 'Finance/Cash position.md').total_base, 3234560);
  // Both items carry their outcome and link their decision record.
  const newRecords = notesIn(d.vault, 'Decisions').filter((p) => !recordsBefore.includes(p));
  assert.equal(newRecords.length, 2);
  for (const [item, option] of [[dup, 'drop_new'], [mismatch, 'withdraw']] as const) {
    const f = readFm(d.vault, item);
    assert.ok(f.resolved_at, item);
    assert.ok(String(f.resolution).length > 20, String(f.resolution));
    const rec = newRecords.find((p) => readFm(d.vault, p).finding_key === f.finding_key)!;
    assert.equal(readFm(d.vault, rec).option, option);
    assert.equal(f.record, `[[${rec.slice(0, -3)}]]`);
  }

  // 3. The owner accepts the four proposals.
  const proposals = notesIn(d.vault, 'Proposals');
  assert.equal(proposals.length, 4);
  const counterpartiesBefore = notesIn(d.vault, 'Counterparties');
  for (const p of proposals) setKey(d.vault, p, 'status', 'accepted');
  const third = await aiosOk(d, 'all');
  assert.match(third, /answers\s+ok\s+4 answer\(s\) acted on/);
  const created = notesIn(d.vault, 'Counterparties').filter((p) => !counterpartiesBefore.includes(p));
  assert.equal(created.length, 4, created.join(', '));
  const byName = new Map(created.map((p) => [String(readFm(d.vault, p).name), p.slice(p.lastIndexOf('/') + 1, -3)]));
  assert.deepEqual([...byName.keys()].sort(), ['ООО «Лаванда»', 'ООО «Центр Недвижимость»', 'ПАО Сбербанк (зарплатный проект)', 'Полиграф Сервис'].sort());
  for (const p of proposals) assert.match(String(readFm(d.vault, p).resolution), /^Created \[\[/);
  // The demo mail of the mail proposal links its new note.
  const index = new VaultIndex(new Vault(d.vault)).build();
  const polygraf = index.byKind('mail_message').filter((e) => String(e.frontmatter.from).endsWith('@polygraf-service.example'));
  assert.equal(polygraf.length, 3);
  for (const m of polygraf) assert.equal(m.frontmatter.counterparty, `[[${byName.get('Полиграф Сервис')!}]]`, m.path);
  // The ledger rows of the three bank proposals link theirs.
  const rows = parseLedgerRows(readBody(d.vault, RUB_LEDGER), RUB_LEDGER);
  for (const [tax, name] of [['7701234567', 'ООО «Центр Недвижимость»'], ['7707083893', 'ПАО Сбербанк (зарплатный проект)'], ['7728123456', 'ООО «Лаванда»']] as const) {
    const mine = rows.filter((r) => r.cpTaxId === tax);
    assert.ok(mine.length > 0, tax);
    for (const r of mine) assert.equal(r.counterparty, `[[${byName.get(name)!}]]`, r.text);
  }
  assert.deepEqual(index.errors(), []);

  // 4. Nothing is left to do: a second run changes nothing.
  const before = snapshot(d.vault);
  const fourth = await aiosOk(d, 'all');
  assert.match(fourth, /answers\s+skipped/);
  assert.deepEqual(changed(before, snapshot(d.vault)), []);
});
