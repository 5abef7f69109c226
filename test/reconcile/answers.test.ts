// A doubtful payment is asked, and the answer takes effect: a payment that could pay either of two equal
// invoices becomes a question with both as options; the owner's choice is recorded on the invoice record,
// learned as a rule for the counterparty (so the next such payment matches without asking), and the
// question is not asked again; "none of these" leaves the row unmatched for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { JOBS } from '../../companion/modules.ts';
import { companionStamp, renderNote } from '../../companion/core/frontmatter.ts';
import { accountLedger, ledgerBody, moneyFromNumber, type LedgerRow } from '../../contract/index.ts';
import { parsePayment } from '../../companion/reconcile/records.ts';

const NOW = new Date('2026-12-10T06:00:00Z');
const LEDGER = 'Finance/Ledgers/40702810400000012345/2026-12.md';
const GREENLEAF_INN = '7743111222';
const BUMAGA_INN = '7705123450';

function write(tc: TestContext, rel: string, text: string): void {
  mkdirSync(dirname(join(tc.vaultDir, rel)), { recursive: true });
  writeFileSync(join(tc.vaultDir, rel), text);
  tc.index.noteChanged(rel);
}

function invoiceNote(tc: TestContext, number: string, direction: 'incoming' | 'outgoing', party: string, issued: string, due: string, amount: number): void {
  const fm = { aios_kind: 'invoice', number, direction, counterparty: `[[${party}]]`, issued, due, amount, currency: 'RUB', status: 'open' };
  write(tc, `Invoices/${issued} ${direction === 'incoming' ? 'In' : 'Out'} ${number} ${party}.md`, renderNote(fm, `# Invoice ${number}\n`));
}

function ledger(tc: TestContext, rows: { date: string; amount: number; party: string; taxId: string; text: string; key: string }[]): void {
  const lr: LedgerRow[] = rows.map((r) => ({ date: r.date, valueDate: '', amount: moneyFromNumber(r.amount), counterparty: r.party, cpAccount: '', cpTaxId: r.taxId, text: r.text, reference: '', key: r.key, statement: '', own: false }));
  const fm: Record<string, unknown> = { aios_kind: 'account_ledger', account: '40702810400000012345', currency: 'RUB', month: '2026-12', transaction_count: lr.length, inflow: 0, outflow: 0, updated: '2026-12-10T05:00:00' };
  const body = ledgerBody('40702810400000012345', 'RUB', '2026-12', lr);
  write(tc, LEDGER, renderNote({ ...fm, ...companionStamp(accountLedger, fm, body) }, body));
}

const job = (name: string) => JOBS.find((j) => j.name === name)!;

async function run(tc: TestContext, ...names: string[]): Promise<void> {
  for (const n of names) {
    const r = await tc.runtime.runJob(job(n));
    assert.notEqual(r.status, 'failed', `${n}: ${r.summary}`);
  }
}

const reviews = (tc: TestContext) => tc.index.byKind('decision_item').filter((e) => e.frontmatter.kind === 'match_review');
const record = (tc: TestContext, number: string) => tc.index.byKind('invoice_record').find((e) => e.frontmatter.number === number)!;

function answer(tc: TestContext, path: string, option: string): void {
  const text = tc.vault.readNote(path).raw!.toString('utf8').replace(/^status: open$/m, 'status: decided').replace(/^---\n/, `---\nanswer: ${option}\n`);
  write(tc, path, text);
}

/** The option of a review item that pays the invoice of this number. */
function optionFor(tc: TestContext, path: string, number: string): string {
  const fm = tc.index.get(path)!.frontmatter as { targets: string[] };
  const hit = fm.targets.find((x) => /^pay_\d+:/.test(x) && x.split(';').length === 1 && x.includes(` ${number} `));
  assert.ok(hit, `an option paying ${number}: ${fm.targets.join(' / ')}`);
  return hit.split(':')[0]!;
}

test('a doubtful payment is asked; the answer is recorded, learned, and not asked again', async (t) => {
  const tc = makeTestContext({ now: NOW });
  t.after(() => tc.cleanup());
  invoiceNote(tc, '2001', 'outgoing', 'Greenleaf Cafe', '2026-11-25', '2026-12-05', 20000);
  invoiceNote(tc, '2002', 'outgoing', 'Greenleaf Cafe', '2026-11-26', '2026-12-06', 20000);
  const first = { date: '2026-12-03', amount: 20000, party: 'Greenleaf Cafe', taxId: GREENLEAF_INN, text: 'Оплата за печать', key: 'r1' };
  ledger(tc, [first]);
  await run(tc, 'reconcile');

  // Two invoices of the same amount and a payment naming neither: asked, never matched silently.
  assert.equal(reviews(tc).length, 1);
  const item = reviews(tc)[0]!;
  assert.deepEqual((item.frontmatter.option_ids as string[]).slice(-1), ['none']);
  assert.equal(record(tc, '2001').frontmatter.status, 'open');
  assert.equal(record(tc, '2002').frontmatter.status, 'open');

  // The owner says it pays 2001.
  answer(tc, item.path, optionFor(tc, item.path, '2001'));
  await run(tc, 'answers', 'reconcile');
  const r2001 = record(tc, '2001').frontmatter;
  assert.equal(r2001.status, 'paid');
  assert.deepEqual((r2001.payments as string[]).map((p) => parsePayment(p)?.how), ['owner']);
  assert.equal(record(tc, '2002').frontmatter.status, 'open');
  assert.match(String(tc.index.get(item.path)!.frontmatter.resolution), /2001/);
  assert.equal(reviews(tc).length, 1, 'not asked again');
  const learned = tc.vault.readNote('AIOS/Rules/Learned matching.md').body;
  assert.match(learned, /\[\[Greenleaf Cafe\]\]/);
  assert.match(learned, /\| yes \|/);

  // The next payment of that amount from Greenleaf: one invoice of it open, and the learned rule lets it match.
  ledger(tc, [first, { date: '2026-12-08', amount: 20000, party: 'Greenleaf Cafe', taxId: GREENLEAF_INN, text: 'Оплата', key: 'r2' }]);
  await run(tc, 'reconcile');
  assert.equal(record(tc, '2002').frontmatter.status, 'paid');
  assert.equal(reviews(tc).length, 1);

  // A second run changes nothing.
  const before = tc.vault.readNote(record(tc, '2002').path).raw!.toString('utf8');
  await run(tc, 'reconcile');
  assert.equal(tc.vault.readNote(record(tc, '2002').path).raw!.toString('utf8'), before);
});

test('"none of these" leaves the payment unmatched and it is not asked again', async (t) => {
  const tc = makeTestContext({ now: NOW });
  t.after(() => tc.cleanup());
  invoiceNote(tc, '3001', 'incoming', 'Bumaga Opt', '2026-11-27', '2026-12-07', 9000);
  invoiceNote(tc, '3002', 'incoming', 'Bumaga Opt', '2026-11-28', '2026-12-08', 9000);
  ledger(tc, [{ date: '2026-12-04', amount: -9000, party: 'ООО «Бумага Опт»', taxId: BUMAGA_INN, text: 'Оплата', key: 'p1' }]);
  await run(tc, 'reconcile');
  assert.equal(reviews(tc).length, 1);
  const item = reviews(tc)[0]!;
  answer(tc, item.path, 'none');
  await run(tc, 'answers', 'reconcile');
  assert.equal(reviews(tc).length, 1, 'not asked again');
  assert.equal(record(tc, '3001').frontmatter.status, 'open');
  assert.equal(record(tc, '3002').frontmatter.status, 'open');
  const report = tc.index.byKind('reconciliation_report').find((e) => e.frontmatter.period_start === '2026-12-01')!;
  assert.match(tc.vault.readNote(report.path).body, /not an invoice payment \(your answer\)/);
});

test('at most reconcile_max_questions open at once: the largest payment first, the next once it is answered', async (t) => {
  const tc = makeTestContext({ now: NOW, settings: { reconcile_max_questions: 1 } });
  t.after(() => tc.cleanup());
  invoiceNote(tc, '4001', 'incoming', 'Bumaga Opt', '2026-11-27', '2026-12-07', 9000);
  invoiceNote(tc, '4002', 'incoming', 'Bumaga Opt', '2026-11-28', '2026-12-08', 9000);
  invoiceNote(tc, '4003', 'incoming', 'Bumaga Opt', '2026-11-27', '2026-12-07', 12000);
  invoiceNote(tc, '4004', 'incoming', 'Bumaga Opt', '2026-11-28', '2026-12-08', 12000);
  ledger(tc, [
    { date: '2026-12-04', amount: -9000, party: 'ООО «Бумага Опт»', taxId: BUMAGA_INN, text: 'Оплата', key: 'p1' },
    { date: '2026-12-05', amount: -12000, party: 'ООО «Бумага Опт»', taxId: BUMAGA_INN, text: 'Оплата', key: 'p2' },
  ]);
  await run(tc, 'reconcile');
  assert.equal(reviews(tc).length, 1);
  assert.match(String(reviews(tc)[0]!.frontmatter.title), /12000\.00/);
  const report = () => tc.vault.readNote(tc.index.byKind('reconciliation_report').find((e) => e.frontmatter.period_start === '2026-12-01')!.path).body;
  assert.match(report(), /\| 2026-12-04 \| -9000\.00 RUB \|.*\| doubtful: asked once earlier questions are answered \|/);
  answer(tc, reviews(tc)[0]!.path, 'none');
  await run(tc, 'answers', 'reconcile');
  assert.equal(reviews(tc).length, 2);
  assert.ok(reviews(tc).some((e) => e.frontmatter.status === 'open' && /9000\.00/.test(String(e.frontmatter.title))));
});
