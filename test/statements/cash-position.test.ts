// The cash position end to end: three accounts in two currencies, imported through the statements job,
// must give exactly the hand-checked note in test/fixtures/statements/cash/ (figures worked out in its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { parseNote, splitOwnerSection } from '../../companion/core/frontmatter.ts';
import { statementsJob } from '../../companion/statements/index.ts';
import { LedgerStore } from '../../companion/statements/store.ts';

const GOLDEN = join(import.meta.dirname, '../fixtures/statements/cash/Cash position.md');
const SBER = '40702810400000012345';
const SECOND = '40702810100000067890';
const IBAN = 'DE89370400440532013000';

function oneC(from: string, to: string, open: string, totalIn: string, totalOut: string, close: string, docs: string[][]): string {
  const lines = ['1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', 'Отправитель=СберБизнес', `ДатаНачала=${from}`, `ДатаКонца=${to}`, `РасчСчет=${SBER}`,
    'СекцияРасчСчет', `ДатаНачала=${from}`, `ДатаКонца=${to}`, `РасчСчет=${SBER}`, `НачальныйОстаток=${open}`, `ВсегоПоступило=${totalIn}`, `ВсегоСписано=${totalOut}`, `КонечныйОстаток=${close}`, 'КонецРасчСчет'];
  for (const [n, date, sum, payer, payee, inn, name, purpose] of docs) {
    const out = payer === SBER;
    lines.push('СекцияДокумент=Платежное поручение', `Номер=${n}`, `Дата=${date}`, `Сумма=${sum}`, `ПлательщикСчет=${payer}`, `ДатаСписано=${out ? date : ''}`,
      `ПолучательСчет=${payee}`, `ДатаПоступило=${out ? '' : date}`, `${out ? 'Получатель' : 'Плательщик'}ИНН=${inn}`, `${out ? 'Получатель' : 'Плательщик'}1=${name}`, `НазначениеПлатежа=${purpose}`, 'КонецДокумента');
  }
  return lines.join('\r\n') + '\r\nКонецФайла\r\n';
}

function camt(msg: '052' | '053', from: string, to: string, balances: string, entries: string): string {
  const [root, inner] = msg === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrAcctRpt', 'Rpt'];
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${msg}.001.08"><${root}><GrpHdr><MsgId>K</MsgId><CreDtTm>${to}T06:00:00</CreDtTm></GrpHdr>
<${inner}><Id>${msg}-${to}</Id><CreDtTm>${to}T06:00:00</CreDtTm><FrToDt><FrDtTm>${from}T00:00:00</FrDtTm><ToDtTm>${to}T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></Svcr></Acct>${balances}${entries}</${inner}></${root}></Document>`;
}
const bal = (code: string, amt: string, date: string) => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
const ntry = (ref: string, amt: string, ind: 'CRDT' | 'DBIT', date: string, status: string, text: string) =>
  `<Ntry><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Sts><Cd>${status}</Cd></Sts><BookgDt><Dt>${date}</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef><AddtlNtryInf>${text}</AddtlNtryInf></Ntry>`;

const FILES: Record<string, string> = {
  '1 second RUB account.csv': [
    'Date;Amount;Description;Counterparty;Counterparty account;Account;Currency;Id;Balance',
    `10.11.2026;200 000,00;Перевод собственных средств;ООО «Кестрел Принт»;${SBER};${SECOND};RUB;B-1;210 000,00`,
    `24.11.2026;-30 000,00;Оплата доставки;ООО «Курьер»;40702810900000033333;${SECOND};RUB;B-2;180 000,00`,
  ].join('\n') + '\n',
  '2 Sberbank October.txt': oneC('01.10.2026', '31.10.2026', '900000.00', '300000.00', '450000.00', '750000.00', [
    ['401', '05.10.2026', '300000.00', '40702810300000077777', SBER, '7728123456', 'ООО «Гринлиф»', 'Оплата по договору 12'],
    ['402', '20.10.2026', '450000.00', SBER, '40702810500000044444', '7701112223', 'ООО «Техника»', 'Оплата печатной машины'],
  ]),
  '3 Sberbank November.txt': oneC('01.11.2026', '25.11.2026', '750000.00', '48000.00', '346400.00', '451600.00', [
    ['513', '03.11.2026', '146400.00', SBER, '40702810600000054321', '7705123450', 'ООО «Бумага Опт»', 'Оплата бумаги по счету 88'],
    ['514', '10.11.2026', '200000.00', SBER, SECOND, '7714698320', 'ООО «Кестрел Принт»', 'Перевод собственных средств'],
    ['77', '25.11.2026', '48000.00', '40702810300000077777', SBER, '7728123456', 'ООО «Гринлиф»', 'Оплата за печать меню'],
  ]),
  '4 Commerzbank November.xml': camt('053', '2026-11-01', '2026-11-25', bal('OPBD', '20000.00', '2026-11-01') + bal('CLBD', '19750.00', '2026-11-25'),
    ntry('CB-1001', '1000.00', 'CRDT', '2026-11-12', 'BOOK', 'Nordlicht GmbH design services') + ntry('CB-1002', '1250.00', 'DBIT', '2026-11-25', 'BOOK', 'DHL Express courier')),
  '5 Commerzbank intraday.xml': camt('052', '2026-11-26', '2026-11-26', bal('OPBD', '19750.00', '2026-11-26') + bal('ITBD', '19750.00', '2026-11-26'),
    ntry('CB-2001', '300.00', 'DBIT', '2026-11-26', 'PDNG', 'Card payment office supplies')),
};

/** 2026-11-26 01:30 in Moscow is still the 25th in UTC: the note must count Moscow's days. */
const NOW = new Date('2026-11-25T22:30:00Z');

function importAll(files: Record<string, string>) {
  const t = makeTestContext({ now: NOW, settings: { import_stable_seconds: 0 } });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(t.vaultDir, 'Import', name), content);
  return t;
}

test('three accounts in two currencies give exactly the hand-checked cash position note', async () => {
  const t = importAll(FILES);
  try {
    const ctx = t.contextFor(statementsJob);
    const r = await statementsJob.run(ctx);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.counts?.imported, 5, r.summary);
    assert.equal(r.counts?.mismatches ?? 0, 0, 'every statement balances');
    const actual = parseNote(readFileSync(join(t.vaultDir, 'Finance/Cash position.md'), 'utf8'));
    const golden = parseNote(readFileSync(GOLDEN, 'utf8'));
    const { aios_hash: hash, aios_wrote: wrote, ...fm } = actual.frontmatter;
    assert.match(String(hash), /^[0-9a-f]{32}$/);
    assert.equal(wrote, 'tags=-');
    assert.deepEqual(fm, golden.frontmatter);
    // The companion's part is the golden body; the owner's section follows it, empty.
    const { generated, owner } = splitOwnerSection(actual.body);
    assert.equal(generated, golden.body);
    assert.equal(owner, '');
    // The state rebuilt from the notes alone gives the same note.
    const rebuilt = new LedgerStore(t.contextFor({ name: 'rebuild' }).state, t.vault, t.index);
    rebuilt.rebuildAll();
    const { computeCashNote } = await import('../../companion/statements/position.ts');
    assert.equal(computeCashNote(ctx, rebuilt).body, golden.body);
  } finally {
    t.cleanup();
  }
});

test('a CAMT.052 entry stays pending, is restored when the state is rebuilt, and is settled when a 053 books it', async () => {
  const t = importAll(FILES);
  try {
    const ctx = t.contextFor(statementsJob);
    await statementsJob.run(ctx);
    const pendingOf = (s: LedgerStore) => s.accounts.get(IBAN)!.pending.map((p) => [p.date, p.amount, p.text]);
    assert.deepEqual(pendingOf(LedgerStore.open(ctx)), [['2026-11-26', '-30000000', 'Card payment office supplies']]);
    // Without the cache the pending entry comes back from the intraday statement note.
    rmSync(join(ctx.state.dir, 'ledger.json'));
    rmSync(join(ctx.state.dir, 'keys'), { recursive: true });
    const rebuilt = LedgerStore.open(ctx);
    assert.deepEqual(pendingOf(rebuilt), [['2026-11-26', '-30000000', 'Card payment office supplies']]);
    assert.deepEqual(rebuilt.accounts.get(IBAN)!.statements.map((s) => s.closing), ['1975000000'], 'the intraday report sets no booked balance');

    // The final statement books it under another id: same amount, same day, so it settles the pending one.
    writeFileSync(join(t.vaultDir, 'Import', '6 Commerzbank 26 November.xml'), camt('053', '2026-11-26', '2026-11-26',
      bal('OPBD', '19750.00', '2026-11-26') + bal('CLBD', '19450.00', '2026-11-26'), ntry('CB-3001', '300.00', 'DBIT', '2026-11-26', 'BOOK', 'Card payment office supplies')));
    const r = await statementsJob.run(ctx);
    assert.equal(r.counts?.new, 1, r.summary);
    assert.deepEqual(pendingOf(LedgerStore.open(ctx)), []);
    const note = readFileSync(join(t.vaultDir, 'Finance/Cash position.md'), 'utf8');
    assert.match(note, /\| DE89370400440532013000 \(COBADEFFXXX\) \| EUR \| 19450\.00 \| 2026-11-26 \| -300\.00 \| -1550\.00 \| 0 days old \|  \|/);
    rmSync(join(ctx.state.dir, 'ledger.json'));
    assert.deepEqual(pendingOf(LedgerStore.open(ctx)), [], 'a rebuild does not bring back what was booked');
  } finally {
    t.cleanup();
  }
});
