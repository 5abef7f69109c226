// CSV statements through the statements job over a real temporary vault: an amount that is not a plain decimal
// quarantines the whole file with its line and value and books nothing; a stray quote in a text field is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { statementsJob } from '../../companion/statements/index.ts';
import { parseLedgerRows } from '../../contract/ledger.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/statements/csv');

function setup() {
  const t = makeTestContext({ now: new Date('2026-11-26T06:00:00Z'), settings: { import_stable_seconds: 0 } });
  const ctx = t.contextFor(statementsJob);
  const drop = (fixture: string) => copyFileSync(join(FIXTURES, fixture), join(t.vaultDir, 'Import', fixture));
  const notes = (folder: string) => t.vault.list(folder, { recursive: true }).filter((p) => p.endsWith('.md'));
  return { t, ctx, drop, notes };
}

test('a CSV with the amount 1e30 is quarantined naming the line and the value, and no ledger row is written', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    drop('amount-exponent.csv');
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'failed', r.summary);
    assert.equal(r.counts?.quarantined, 1);
    assert.equal(r.counts?.imported, 0);
    const reports = notes('Import/Quarantine').map((p) => t.vault.readNote(p)).filter((n) => n.frontmatter.aios_kind === 'import_report');
    assert.equal(reports.length, 1);
    const report = reports[0]!;
    assert.equal(report.frontmatter.original_name, 'amount-exponent.csv');
    assert.equal(report.frontmatter.detected_format, 'csv');
    assert.match(String(report.frontmatter.reason), /^amount-exponent\.csv: line 3: amount "1e30" is not a plain decimal/);
    assert.ok(existsSync(join(t.vaultDir, 'Import/Quarantine', 'amount-exponent.csv')), 'the file is kept as it arrived, beside the report');
    assert.ok(!existsSync(join(t.vaultDir, 'Import', 'amount-exponent.csv')), 'the file left the import folder');
    // The good row above the bad one is not booked either: the file is refused whole.
    assert.deepEqual(notes('Finance/Ledgers'), []);
    assert.deepEqual(notes('Finance/Statements'), []);
  } finally {
    t.cleanup();
  }
});

test('a stray quote inside a CSV text field is imported as written, and the rows after it too', async () => {
  const { t, ctx, drop } = setup();
  try {
    drop('stray-quote.csv');
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.counts?.new, 3);
    const path = 'Finance/Ledgers/DE89370400440532013000/2026-11.md';
    const rows = parseLedgerRows(t.vault.readNote(path).body, path);
    assert.equal(rows.length, 3);
    assert.ok(rows.some((x) => x.text.includes('Monitor 27" LG') && x.amount === -48900000n), JSON.stringify(rows.map((x) => x.text)));
    assert.ok(rows.some((x) => x.text.includes('Invoice 118 paid') && x.amount === 120000000n));
  } finally {
    t.cleanup();
  }
});
