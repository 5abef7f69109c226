// The invoices job on real e-invoices: a UBL invoice dropped into the import folder becomes one invoice
// record linked to the archived file; the same file dropped again adds nothing; a document between two
// other firms is quarantined with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { JOBS } from '../../companion/modules.ts';

const UBL = join(import.meta.dirname, '../fixtures/invoices/ubl');
const NOW = new Date('2018-04-20T06:00:00Z');

function drop(tc: TestContext, file: string, as = file): void {
  const to = join(tc.vaultDir, 'Import', as);
  copyFileSync(join(UBL, file), to);
  const past = new Date(Date.now() - 60_000);
  utimesSync(to, past, past);
}

const job = (name: string) => JOBS.find((j) => j.name === name)!;

test('an e-invoice of the business becomes one record, once; one between strangers is refused', async (t) => {
  const tc = makeTestContext({ now: NOW, settings: { import_stable_seconds: 0 } });
  t.after(() => tc.cleanup());
  // The business is the buyer of EN16931_Gutschrift.ubl.xml (Kunden AG Mitte, DE136695976).
  const profile = join(tc.vaultDir, 'Business/Business profile.md');
  writeFileSync(profile, readFileSync(profile, 'utf8').replace(/^tax_id: .*$/m, 'tax_id: DE136695976'));
  tc.index.noteChanged('Business/Business profile.md');

  drop(tc, 'EN16931_Gutschrift.ubl.xml');
  let r = await tc.runtime.runJob(job('invoices'));
  assert.equal(r.status, 'ok', r.summary);
  const records = () => tc.index.byKind('invoice_record');
  assert.equal(records().length, 1);
  const rec = records()[0]!.frontmatter;
  assert.deepEqual([rec.number, rec.direction, rec.amount, rec.currency, rec.source, rec.counterparty_name], ['471102', 'incoming', 529.87, 'EUR', 'ubl', 'Lieferant GmbH']);
  assert.match(String((rec.evidence as string[])[0]), /^\[\[Import\/Archive\/\d{4}-\d{2}\/EN16931_Gutschrift\.ubl\.xml\]\]$/);
  const text = readFileSync(join(tc.vaultDir, records()[0]!.path), 'utf8');

  // The same file again (under another name): nothing new.
  drop(tc, 'EN16931_Gutschrift.ubl.xml', 'again.xml');
  r = await tc.runtime.runJob(job('invoices'));
  assert.equal(r.status, 'ok', r.summary);
  assert.equal(records().length, 1);
  assert.equal(readFileSync(join(tc.vaultDir, records()[0]!.path), 'utf8'), text);

  // Two other firms' invoice: quarantined, saying why.
  drop(tc, 'BIS_Billing_30-Rabatter_och_avgifter.xml');
  r = await tc.runtime.runJob(job('invoices'));
  const reports = tc.index.byKind('import_report');
  assert.equal(reports.length, 1);
  assert.match(String(reports[0]!.frontmatter.reason), /neither Lagerproffset AB nor Tekniska Verken i Utmarken AB is the business/);
  assert.equal(records().length, 1);
});
