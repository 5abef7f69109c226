// The statements importer claims a CSV only when it is a bank statement: an invoice register the owner describes
// in the "ERP profiles" rules note stays in the import folder for the invoice importer, instead of being
// quarantined as a CSV no bank profile fits. Over a real temporary vault seeded from the template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { statementsJob } from '../../companion/statements/index.ts';
import { claimingImporter, readHead } from '../../companion/core/imports.ts';

const REGISTER = 'Номер;Дата;Срок оплаты;Контрагент;ИНН;Сумма;НДС;Вид документа\nТД-000112;05.11.2026;15.11.2026;ООО «Вектор»;7812345678;86 400,00;15 580,33;Счет покупателю\n';

test('an ERP register is left in the import folder; a bank CSV beside it is imported', async () => {
  const t = makeTestContext({ now: new Date('2026-11-26T06:00:00Z'), settings: { import_stable_seconds: 0 } });
  try {
    const ctx = t.contextFor(statementsJob);
    writeFileSync(join(t.vaultDir, 'Import', 'register.csv'), REGISTER);
    copyFileSync(join(import.meta.dirname, '../fixtures/statements/csv/generic-comma.csv'), join(t.vaultDir, 'Import', 'bank.csv'));
    const abs = join(t.vaultDir, 'Import', 'register.csv');
    assert.equal(claimingImporter(readHead(abs), 'register.csv', statementsJob.importers ?? [], ctx.settings), undefined);
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.counts?.imported, 1);
    assert.equal(r.counts?.quarantined ?? 0, 0);
    assert.ok(existsSync(abs), 'the register waits for the invoice importer');
    assert.ok(!existsSync(join(t.vaultDir, 'Import', 'bank.csv')), 'the statement was taken');
  } finally {
    t.cleanup();
  }
});
