// The statements job end to end over a real temporary vault: import, re-import, overlap, mismatch,
// proposals, own transfers, the cash position, and the state rebuilt from the ledger notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { statementsJob } from '../../companion/statements/index.ts';
import { LedgerStore, STATE_FILE } from '../../companion/statements/store.ts';
import { parseLedgerRows } from '../../contract/ledger.ts';

const DEMO = join(import.meta.dirname, '../../demo/statements');
const RUB = '2026-11 Sberbank RUB 1C.txt';
const EUR = '2026-11 Commerzbank EUR camt053.xml';

function setup() {
  const t = makeTestContext({ now: new Date('2026-11-26T06:00:00Z'), settings: { import_stable_seconds: 0 } });
  const ctx = t.contextFor(statementsJob);
  const drop = (name: string, content?: string | Buffer) => {
    const to = join(t.vaultDir, 'Import', name);
    if (content === undefined) copyFileSync(join(DEMO, name), to);
    else writeFileSync(to, content);
  };
  const notes = (folder: string) => t.vault.list(folder, { recursive: true }).filter((p) => p.endsWith('.md'));
  return { t, ctx, drop, notes };
}

function camt(entries: { ref: string; amt: string; ind: 'CRDT' | 'DBIT'; date: string; text: string }[], open: string, close: string, from: string, to: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>T</MsgId><CreDtTm>${to}T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S-${from}</Id><FrToDt><FrDtTm>${from}T00:00:00</FrDtTm><ToDtTm>${to}T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${open}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${from}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${close}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${to}</Dt></Dt></Bal>
${entries.map((e) => `<Ntry><Amt Ccy="EUR">${e.amt}</Amt><CdtDbtInd>${e.ind}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${e.date}</Dt></BookgDt><AcctSvcrRef>${e.ref}</AcctSvcrRef><AddtlNtryInf>${e.text}</AddtlNtryInf></Ntry>`).join('\n')}
</Stmt></BkToCstmrStmt></Document>`;
}

test('demo statements import into ledgers, propose the unknown payer, mark own transfers and fill the cash position', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    assert.deepEqual(await statementsJob.run(ctx), { status: 'skipped', summary: 'no statements waiting' });
    drop(RUB);
    drop(EUR);
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.counts?.new, 13);
    assert.equal(r.counts?.mismatches ?? 0, 0);
    const ledger = t.vault.readNote('Finance/Ledgers/40702810400000012345/2026-11.md');
    const rows = parseLedgerRows(ledger.body, 'rub');
    assert.equal(rows.length, 9);
    assert.equal(ledger.frontmatter.transaction_count, 9);
    assert.equal(rows.find((x) => x.cpTaxId === '7705123450')?.counterparty, '[[Bumaga Opt]]');
    assert.equal(rows.find((x) => x.text.includes('меню'))?.counterparty, '[[Greenleaf Cafe]]');
    assert.equal(rows.find((x) => x.cpAccount === 'DE89370400440532013000')?.own, true);
    const eurRows = parseLedgerRows(t.vault.readNote('Finance/Ledgers/DE89370400440532013000/2026-11.md').body, 'eur');
    assert.equal(eurRows.find((x) => x.amount === -500000000n)?.own, true);
    assert.equal(eurRows.find((x) => x.amount === 680000000n)?.counterparty, '[[Nordlicht GmbH]]');
    const statements = notes('Finance/Statements').map((p) => t.vault.readNote(p).frontmatter);
    assert.deepEqual(statements.map((f) => f.balance_check).sort(), ['ok', 'ok']);
    const proposals = notes('Proposals').map((p) => t.vault.readNote(p).frontmatter);
    assert.ok(proposals.some((p) => p.finding_key === 'inn:7728123456' && p.source === 'statements'), JSON.stringify(proposals.map((p) => p.finding_key)));
    assert.ok(!proposals.some((p) => p.finding_key === 'inn:7705123450'), 'a known counterparty is not proposed');
    const cash = t.vault.readNote('Finance/Cash position.md');
    assert.equal(cash.frontmatter.total_base, 3234560);
    assert.equal(cash.frontmatter.rates_note, '[[2026-11-25 Rates]]');
    assert.match(cash.body, /\| EUR \| 24437\.50 \| 98\.40 \(2026-11-25\) \| 2404650\.00 \|/);
  } finally {
    t.cleanup();
  }
});

test('the same statement twice and two overlapping statements add no duplicate row', async () => {
  const { t, ctx, drop } = setup();
  try {
    drop(RUB);
    await statementsJob.run(ctx);
    const path = 'Finance/Ledgers/40702810400000012345/2026-11.md';
    const before = readFileSync(join(t.vaultDir, path), 'utf8');
    drop('again.txt', readFileSync(join(DEMO, RUB)));
    const again = await statementsJob.run(ctx);
    assert.equal(again.counts?.new, 0);
    assert.equal(again.counts?.duplicates, 9);
    assert.equal(readFileSync(join(t.vaultDir, path), 'utf8'), before, 'a re-import rewrites nothing');

    const a = [
      { ref: 'R1', amt: '100.00', ind: 'CRDT' as const, date: '2026-11-02', text: 'one' },
      { ref: 'R2', amt: '40.00', ind: 'DBIT' as const, date: '2026-11-03', text: 'two' },
    ];
    const b = [a[1]!, { ref: 'R3', amt: '10.00', ind: 'CRDT' as const, date: '2026-11-04', text: 'three' }];
    drop('a.xml', camt(a, '1000.00', '1060.00', '2026-11-01', '2026-11-03'));
    drop('b.xml', camt(b, '1100.00', '1070.00', '2026-11-03', '2026-11-04'));
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.new, 3);
    assert.equal(r.counts?.duplicates, 1);
    assert.equal(r.counts?.doubts ?? 0, 0);
    const rows = parseLedgerRows(t.vault.readNote('Finance/Ledgers/DE89370400440532013000/2026-11.md').body, 'eur');
    assert.deepEqual(rows.map((x) => x.key), ['b:R1', 'b:R2', 'b:R3']);
  } finally {
    t.cleanup();
  }
});

test('a statement whose balances do not add up raises a balance_mismatch decision with the figures', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    drop('bad.xml', camt([{ ref: 'X1', amt: '5.00', ind: 'CRDT', date: '2026-11-10', text: 'fee refund' }], '100.00', '106.00', '2026-11-10', '2026-11-10'));
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.mismatches, 1);
    const items = notes('Queue').map((p) => t.vault.readNote(p));
    const item = items.find((n) => n.frontmatter.kind === 'balance_mismatch');
    assert.ok(item, 'decision raised');
    assert.match(item.body, /opening 100\.00 \+ movements 5\.00 = 105\.00, but the closing balance is 106\.00/);
    const st = notes('Finance/Statements').map((p) => t.vault.readNote(p).frontmatter);
    assert.equal(st[0]!.balance_check, 'mismatch');
  } finally {
    t.cleanup();
  }
});

test('a same-amount row a day apart from another statement without bank ids is asked about, not merged', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    const csv1 = 'Date,Amount,Description,Account,Currency\n2026-11-05,-250.00,Courier DHL,DE89370400440532013000,EUR\n';
    const csv2 = 'Date,Amount,Description,Account,Currency\n2026-11-06,-250.00,DHL EXPRESS courier,DE89370400440532013000,EUR\n';
    drop('one.csv', csv1);
    await statementsJob.run(ctx);
    drop('two.csv', csv2);
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.new, 1);
    assert.equal(r.counts?.doubts, 1);
    assert.ok(notes('Queue').some((p) => t.vault.readNote(p).frontmatter.kind === 'possible_duplicate'));
  } finally {
    t.cleanup();
  }
});

test('a CSV no profile matches is quarantined naming its columns', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    drop('odd.csv', 'Buchungstag;Wert;Umsatz;Text\n01.11.2026;01.11.2026;-12,50;Gebuehr\n02.11.2026;02.11.2026;100,00;Eingang\n');
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.quarantined, 1);
    const report = notes('Import/Quarantine').map((p) => t.vault.readNote(p)).find((n) => n.frontmatter.aios_kind === 'import_report');
    assert.match(String(report?.frontmatter.reason), /columns found: Buchungstag \| Wert \| Umsatz \| Text|columns found: Buchungstag;Wert;Umsatz;Text/);
  } finally {
    t.cleanup();
  }
});

test('the dedup keys and running totals are rebuilt from the ledger notes exactly', async () => {
  const { t, ctx, drop } = setup();
  try {
    drop(RUB);
    drop(EUR);
    await statementsJob.run(ctx);
    const saved = LedgerStore.open(ctx);
    const rebuilt = new LedgerStore(t.contextFor({ name: 'rebuild' }).state, t.vault, t.index);
    rebuilt.rebuildAll();
    assert.deepEqual([...rebuilt.accounts.keys()].sort(), [...saved.accounts.keys()].sort());
    for (const [acct, a] of saved.accounts) {
      saved.loadMonths(acct, a.months.keys());
      const b = rebuilt.accounts.get(acct)!;
      assert.ok(a.keys.size > 0, acct);
      assert.deepEqual([...b.keys].sort(), [...a.keys].sort(), acct);
      assert.deepEqual([...b.days].sort(), [...a.days].sort(), acct);
      assert.deepEqual([...b.months].sort(), [...a.months].sort(), acct);
      assert.deepEqual(b.statements.map((s) => [s.end, s.closing, s.note]), a.statements.map((s) => [s.end, s.closing, s.note]));
    }
    // With the cache gone, a re-import still finds every row already there.
    rmSync(ctx.state.path(STATE_FILE));
    drop('again.txt', readFileSync(join(DEMO, RUB)));
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.new, 0);
    assert.equal(r.counts?.duplicates, 9);
  } finally {
    t.cleanup();
  }
});

test('a month whose key file is gone, or whose note was rewritten elsewhere, is read again from the note', async () => {
  const { t, ctx, drop } = setup();
  try {
    drop(RUB);
    await statementsJob.run(ctx);
    rmSync(join(ctx.state.dir, 'keys'), { recursive: true });
    drop('again.txt', readFileSync(join(DEMO, RUB)));
    const again = await statementsJob.run(ctx);
    assert.equal(again.counts?.new, 0);
    assert.equal(again.counts?.duplicates, 9);

    // Another device regenerated the month with one row fewer (a new aios_hash): the cache follows the note.
    const path = 'Finance/Ledgers/40702810400000012345/2026-11.md';
    const note = t.vault.readNote(path);
    const rows = parseLedgerRows(note.body, path);
    const kept = rows.filter((r) => !r.text.includes('меню'));
    assert.equal(kept.length, rows.length - 1);
    const { ledgerBody } = await import('../../contract/ledger.ts');
    const { companionStamp, renderNote } = await import('../../companion/core/frontmatter.ts');
    const { accountLedger } = await import('../../contract/index.ts');
    const fm: Record<string, unknown> = { ...note.frontmatter, transaction_count: kept.length };
    delete fm.aios_hash;
    const body = ledgerBody('40702810400000012345', 'RUB', '2026-11', kept);
    writeFileSync(join(t.vaultDir, path), renderNote({ ...fm, ...companionStamp(accountLedger, fm, body) }, body));
    t.index.noteChanged(path);
    drop('third.txt', readFileSync(join(DEMO, RUB)));
    const third = await statementsJob.run(ctx);
    assert.equal(third.counts?.new, 1, 'the row missing from the note is new again');
    assert.equal(parseLedgerRows(t.vault.readNote(path).body, path).length, rows.length);
  } finally {
    t.cleanup();
  }
});

test('a ledger month edited by hand is not overwritten: new rows go to a conflict copy and the owner is asked', async () => {
  const { t, ctx, drop, notes } = setup();
  try {
    drop(EUR);
    await statementsJob.run(ctx);
    const path = 'Finance/Ledgers/DE89370400440532013000/2026-11.md';
    const edited = readFileSync(join(t.vaultDir, path), 'utf8').replace('# DE89370400440532013000 2026-11', '# DE89370400440532013000 2026-11\n\nChecked with the accountant.');
    writeFileSync(join(t.vaultDir, path), edited);
    t.index.noteChanged(path);
    drop('late.xml', camt([{ ref: 'L1', amt: '12.00', ind: 'DBIT', date: '2026-11-25', text: 'late fee' }], '100.00', '88.00', '2026-11-25', '2026-11-25'));
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.new, 1, r.summary);
    assert.equal(readFileSync(join(t.vaultDir, path), 'utf8'), edited, 'the edited note is kept as it is');
    const copies = notes('Finance/Ledgers/DE89370400440532013000').filter((p) => p.includes('conflict'));
    assert.equal(copies.length, 1);
    assert.ok(parseLedgerRows(t.vault.readNote(copies[0]!).body, copies[0]!).some((x) => x.key === 'b:L1'));
    assert.ok(notes('Queue').some((p) => t.vault.readNote(p).frontmatter.kind === 'ledger_conflict'));
    // The note as edited stays the truth: the cache is read again from it, not from the copy.
    const store = LedgerStore.open(ctx);
    store.loadMonths('DE89370400440532013000', ['2026-11']);
    assert.equal(store.accounts.get('DE89370400440532013000')!.keys.has('b:L1'), false);
  } finally {
    t.cleanup();
  }
});
