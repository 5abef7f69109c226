import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { parseTables } from '../../contract/markdown-table.ts';
import { parseMoney, type Money } from '../../contract/money.ts';
import { catalogue } from '../core/i18n/index.ts';
import { buildAct, compareActs, describeDifference, documentNumber, renderAct, theirLineKind, type ActInput, type TheirAct } from './act.ts';
import { readTheirAct } from './act-read.ts';

const ROOT = join(import.meta.dirname, '../..');
const ACTS = join(ROOT, 'test/fixtures/acts');
const en = catalogue('en');
const ru = catalogue('ru');
const m = (s: string): Money => parseMoney(s);

/** The demo's PDF act, taken out of the mail that brings it (the one MIME part that is a PDF). */
function pdfFromDemoMail(): Uint8Array {
  const mail = readFileSync(join(ROOT, 'demo/mail/27-bumaga-act-november.eml'), 'latin1');
  const boundary = /boundary="([^"]+)"/.exec(mail)![1]!;
  const part = mail.split(`--${boundary}`).find((p) => /Content-Type: application\/pdf/i.test(p))!;
  return new Uint8Array(Buffer.from(part.slice(part.search(/\r?\n\r?\n/)).replace(/\s+/g, ''), 'base64'));
}

async function theirs(bytes: Uint8Array, name: string): Promise<TheirAct> {
  const read = await readTheirAct(bytes, name);
  if ('error' in read) assert.fail(read.error);
  return read;
}

/** Our books with Bumaga Opt as the demo has them: invoices from mails 01, 02, 03, 25, 26; payments from the Sberbank statement. */
const DEMO: ActInput = {
  business: 'ООО «Кестрел Принт»', counterparty: 'ООО «Бумага Опт»', currency: 'RUB', from: '2026-11-01', to: '2026-11-25',
  invoices: [
    { number: '418', issued: '2026-10-28', direction: 'incoming', type: 'invoice', total: m('146400'), currency: 'RUB', ref: 'Finance/Invoices/Bumaga 418' },
    { number: '112', issued: '2026-11-02', direction: 'incoming', type: 'invoice', total: m('86400'), currency: 'RUB' },
    { number: '115', issued: '2026-11-09', direction: 'incoming', type: 'invoice', total: m('41250'), currency: 'RUB' },
    { number: '431', issued: '2026-11-19', direction: 'incoming', type: 'invoice', total: m('88200'), currency: 'RUB' },
    { number: '118', issued: '2026-11-25', direction: 'incoming', type: 'invoice', total: m('124800'), currency: 'RUB' },
  ],
  payments: [
    { date: '2026-11-03', amount: m('-146400'), currency: 'RUB', ref: 'Finance/Ledgers/Sberbank 2026-11#513' },
    { date: '2026-11-24', amount: m('-88200'), currency: 'RUB', ref: 'Finance/Ledgers/Sberbank 2026-11#522' },
  ],
};

test('buildAct: opening from earlier items, both directions, credit notes, turnovers, closing; other currencies and later dates left out', () => {
  const act = buildAct({
    business: 'Kestrel Print', counterparty: 'Acme', currency: 'RUB', from: '2026-11-01', to: '2026-11-30',
    invoices: [
      { number: 'A-1', issued: '2026-10-20', direction: 'outgoing', type: 'invoice', total: m('1000'), currency: 'RUB' },
      { number: '7', issued: '2026-11-05', direction: 'outgoing', type: 'invoice', total: m('500'), currency: 'RUB' },
      { number: '115', issued: '2026-11-09', direction: 'incoming', type: 'invoice', total: m('300'), currency: 'RUB' },
      { number: 'CN-1', issued: '2026-11-10', direction: 'incoming', type: 'credit_note', total: m('50'), currency: 'RUB' },
      { number: 'CN-2', issued: '2026-11-12', direction: 'outgoing', type: 'credit_note', total: m('20'), currency: 'RUB' },
      { number: 'E-9', issued: '2026-11-07', direction: 'outgoing', type: 'invoice', total: m('999'), currency: 'EUR' },
      { number: '8', issued: '2026-12-01', direction: 'outgoing', type: 'invoice', total: m('777'), currency: 'RUB' },
    ],
    payments: [
      { date: '2026-10-25', amount: m('400'), currency: 'RUB' },
      { date: '2026-11-15', amount: m('-300'), currency: 'RUB', ref: 'L#1' },
      { date: '2026-11-05', amount: m('250'), currency: 'RUB' },
      { date: '2026-11-16', amount: m('-5'), currency: 'EUR' },
    ],
  });
  assert.equal(act.opening, m('600')); // 1000 invoiced to them, 400 received
  assert.deepEqual(act.lines.map((l) => [l.date, l.kind, l.number ?? '', l.debit, l.credit]), [
    ['2026-11-05', 'invoice', '7', m('500'), 0n],
    ['2026-11-05', 'payment_in', '', 0n, m('250')],
    ['2026-11-09', 'invoice', '115', 0n, m('300')],
    ['2026-11-10', 'credit_note', 'CN-1', m('50'), 0n],
    ['2026-11-12', 'credit_note', 'CN-2', 0n, m('20')],
    ['2026-11-15', 'payment_out', '', m('300'), 0n],
  ]);
  assert.equal(act.lines.at(-1)!.ref, 'L#1');
  assert.equal(act.debitTurnover, m('850'));
  assert.equal(act.creditTurnover, m('570'));
  assert.equal(act.closing, m('880'));
});

test('buildAct on the demo: we owe Bumaga Opt 146 400,00 at the start and 252 450,00 at the end', () => {
  const act = buildAct(DEMO);
  assert.equal(act.opening, m('-146400'));
  assert.equal(act.lines.length, 6);
  assert.equal(act.debitTurnover, m('234600'));
  assert.equal(act.creditTurnover, m('340650'));
  assert.equal(act.closing, m('-252450'));
});

test('renderAct: a two-sided table with our half filled and theirs empty, the balance sentence and two signatures (en, ru)', () => {
  const act = buildAct(DEMO);
  for (const [t, amount, date, closing] of [
    [en, '41,250.00', '2026-11-09', 'owes ООО «Бумага Опт» 252,450.00 RUB'],
    [ru, '41\u00a0250,00', '09.11.2026', 'в пользу ООО «Бумага Опт» составляет 252\u00a0450,00 руб.'],
  ] as const) {
    const body = renderAct(t, act);
    assert.ok(body.startsWith(`# ${t['act.title']()}\n`));
    assert.ok(body.includes(t['act.between']({ business: act.business, counterparty: act.counterparty })));
    assert.ok(body.includes(closing), body);
    assert.ok(!body.includes('..'), 'one full stop after an abbreviated currency');
    const lines = body.split('\n');
    assert.ok(lines.includes(t['act.signature']({ party: act.business })) && lines.includes(t['act.signature']({ party: act.counterparty })));
    const [table] = parseTables(body);
    assert.ok(table);
    assert.equal(table.header.length, 8);
    assert.deepEqual(table.header.slice(0, 4), table.header.slice(4));
    const line115 = table.rows.find((r) => r[1]!.includes('115'))!;
    assert.deepEqual([line115[0], line115[2], line115[3]], [date, '', amount]);
    assert.deepEqual(line115.slice(4), ['', '', '', '']);
    // Opening, six lines, turnover, closing, under the row naming both sides.
    assert.equal(table.rows.length, 10);
    assert.ok(table.rows[0]![4]!.includes('ООО «Бумага Опт»'));
    // The source is linked with its label, the bar escaped for the table.
    assert.ok(body.includes('[[Finance/Ledgers/Sberbank 2026-11#513\\|'));
  }
});

test('readTheirAct: the demo PDF (from the mail) gives their six lines, opening and closing, from their side', async () => {
  const pdf = pdfFromDemoMail();
  assert.deepEqual(pdf, new Uint8Array(readFileSync(join(ACTS, 'bumaga-act-2026-11.pdf'))), 'the fixture is the PDF the demo mail carries');
  const act = await theirs(pdf, 'Акт сверки Бумага Опт ноябрь 2026.pdf');
  assert.equal(act.from, '2026-11-01');
  assert.equal(act.to, '2026-11-25');
  assert.equal(act.currency, 'RUB');
  assert.deepEqual(act.opening, { debit: m('146400'), credit: 0n });
  assert.deepEqual(act.closing, { debit: m('253350'), credit: 0n });
  assert.deepEqual(act.lines.map((l) => [l.date, l.kind, l.number ?? '', l.debit, l.credit]), [
    ['2026-11-02', 'invoice', '112', m('86400'), 0n],
    ['2026-11-03', 'payment_out', '', 0n, m('146400')],
    ['2026-11-09', 'invoice', '115', m('42150'), 0n],
    ['2026-11-19', 'invoice', '431', m('88200'), 0n],
    ['2026-11-24', 'payment_out', '', 0n, m('88200')],
    ['2026-11-25', 'invoice', '118', m('124800'), 0n],
  ]);
  assert.equal(act.lines[2]!.document, 'Продажа (акт, накладная) (115 от 09.11.2026)');
});

test('readTheirAct: the CSV (windows-1251, `;`) and the XLSX of the same act read the same as the PDF', async () => {
  const fromPdf = await theirs(readFileSync(join(ACTS, 'bumaga-act-2026-11.pdf')), 'act.pdf');
  const csv = readFileSync(join(ACTS, 'bumaga-act-2026-11.csv'));
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(csv), 'the CSV fixture is not UTF-8');
  assert.deepEqual(await theirs(csv, 'act.csv'), fromPdf);
  const xlsx = new Uint8Array(readFileSync(join(ACTS, 'bumaga-act-2026-11.xlsx')));
  assert.deepEqual(await theirs(xlsx, 'act.xlsx'), fromPdf);
  // Excel's own way: the first line's date typed as a date (a day number), its document as an inline string.
  const files = unzipSync(xlsx);
  const sheet = new TextDecoder().decode(files['xl/worksheets/sheet1.xml']);
  const serial = (Date.UTC(2026, 10, 2) - Date.UTC(1899, 11, 30)) / 86_400_000;
  const typed = sheet
    .replace(/<c r="A10" t="s"><v>\d+<\/v><\/c>/, `<c r="A10"><v>${serial}</v></c>`)
    .replace(/<c r="B10" t="s"><v>\d+<\/v><\/c>/, '<c r="B10" t="inlineStr"><is><t>Продажа (акт, накладная) (112 от 02.11.2026)</t></is></c>');
  assert.ok(typed.includes(`<v>${serial}</v>`) && typed.includes('inlineStr'));
  files['xl/worksheets/sheet1.xml'] = new TextEncoder().encode(typed);
  assert.deepEqual(await theirs(zipSync(files), 'typed.xlsx'), fromPdf);
  // The same act saved as UTF-8 with commas reads the same too.
  const utf8 = new TextDecoder('windows-1251').decode(csv).split('\r\n').map((r) => r.split(';').map((c) => (/[,"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');
  assert.deepEqual(await theirs(new TextEncoder().encode(utf8), 'act-utf8.csv'), fromPdf);
});

test('readTheirAct: a wrapped document name, a heading repeated after a page break, subtotals and contract headings', async () => {
  const csv = [
    'Акт сверки взаимных расчетов за период с 01.11.2026 по 30.11.2026',
    'По данным ООО «Бумага Опт», руб.;;;;По данным ООО «Кестрел Принт», руб.;;;',
    'Дата;Документ;Дебет;Кредит;Дата;Документ;Дебет;Кредит',
    'Сальдо начальное;;;1 000,00;;;;',
    'По договору № 17 от 10.01.2026;;;;;;;',
    '02.11.2026;Продажа (акт, накладная);86 400,00;;;;;',
    ';(112 от 02.11.2026);;;;;;',
    'Дата;Документ;Дебет;Кредит;Дата;Документ;Дебет;Кредит',
    '05.11.2026;Оплата от покупателя;;500,00;;;;',
    'Итого по договору;;86 400,00;500,00;;;;',
    'Обороты за период;;86 400,00;500,00;;;;',
    'Сальдо конечное;;84 900,00;;;;;',
  ].join('\n');
  const act = await theirs(new TextEncoder().encode(csv), 'wrapped.csv');
  assert.equal(act.from, '2026-11-01');
  assert.equal(act.to, '2026-11-30');
  assert.equal(act.currency, 'RUB');
  assert.deepEqual(act.opening, { debit: 0n, credit: m('1000') });
  assert.deepEqual(act.lines, [
    { date: '2026-11-02', document: 'Продажа (акт, накладная) (112 от 02.11.2026)', kind: 'invoice', number: '112', debit: m('86400'), credit: 0n },
    { date: '2026-11-05', document: 'Оплата от покупателя', kind: 'payment_out', debit: 0n, credit: m('500') },
  ]);
  assert.deepEqual(act.closing, { debit: m('84900'), credit: 0n });
});

test('the demo PDF is well formed: every xref offset points at its object', () => {
  const text = Buffer.from(readFileSync(join(ACTS, 'bumaga-act-2026-11.pdf'))).toString('latin1');
  const start = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
  assert.ok(text.startsWith('xref\n', start));
  const entries = text.slice(start).split('\n').filter((l) => / 00000 n $/.test(l));
  assert.ok(entries.length >= 8);
  entries.forEach((e, i) => assert.ok(text.startsWith(`${i + 1} 0 obj\n`, Number(e.slice(0, 10))), `object ${i + 1}`));
});

test('compareActs on the demo: exactly one difference, invoice 115, with a key that stays the same', async () => {
  const ours = buildAct(DEMO);
  const their = await theirs(pdfFromDemoMail(), 'act.pdf');
  const diffs = compareActs(ours, their);
  assert.equal(diffs.length, 1, JSON.stringify(diffs, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  const [d] = diffs;
  assert.equal(d!.kind, 'amount');
  assert.equal(d!.key, 'invoice:115');
  assert.match(d!.document, /115/);
  assert.equal(d!.ours, m('-41250'));
  assert.equal(d!.theirs, m('-42150'));
  assert.deepEqual(compareActs(buildAct(DEMO), await theirs(pdfFromDemoMail(), 'again.pdf')).map((x) => x.key), ['invoice:115']);
  assert.equal(describeDifference(en, d!, 'RUB'), 'Invoice No. 115 of 2026-11-09: 41,250.00 RUB in our books, 42,150.00 RUB in their act');
  assert.equal(describeDifference(ru, d!, 'RUB'), 'Счёт № 115 от 09.11.2026: у нас 41\u00a0250,00 руб., в их акте 42\u00a0150,00 руб.');
});

test('compareActs: a line only in theirs, a line only in ours and another opening balance, each once; no closing difference they explain', async () => {
  const ours = buildAct(DEMO);
  const their = await theirs(pdfFromDemoMail(), 'act.pdf');
  const lines = their.lines.filter((l) => !l.document.includes('118'));
  lines.push({ date: '2026-11-20', document: 'Реализация (акт, накладная) 120 от 20.11.2026', debit: m('10000'), credit: 0n });
  const changed: TheirAct = { ...their, opening: { debit: m('150000'), credit: 0n }, lines, closing: undefined };
  const diffs = compareActs(ours, changed);
  assert.deepEqual(diffs.map((d) => [d.kind, d.key]), [
    ['opening', 'opening'],
    ['amount', 'invoice:115'],
    ['missing_ours', 'invoice:120'],
    ['missing_theirs', 'invoice:118'],
  ]);
  const opening = diffs[0]!;
  assert.equal(describeDifference(en, opening, 'RUB'), 'Opening balance on 2026-11-01: we owe them 146,400.00 RUB by our books, we owe them 150,000.00 RUB by their act');
  assert.equal(describeDifference(ru, diffs[2]!, 'RUB'), 'Счёт № 120 от 20.11.2026 на 10\u00a0000,00 руб. есть в их акте, но нет в нашем учёте');
  assert.equal(describeDifference(en, diffs[3]!, 'RUB'), 'Invoice No. 118 of 2026-11-25 for 124,800.00 RUB is in our books but not in their act');
  // Stated closing that agrees with their lines: still no closing difference.
  const stated = { ...changed, closing: { debit: m('150000') + m('341550') - m('124800') + m('10000') - m('234600'), credit: 0n } };
  assert.deepEqual(compareActs(ours, stated).map((d) => d.kind), ['opening', 'amount', 'missing_ours', 'missing_theirs']);
});

test('compareActs: a closing balance the lines do not explain raises `closing`', async () => {
  const ours = buildAct(DEMO);
  const their = await theirs(pdfFromDemoMail(), 'act.pdf');
  const diffs = compareActs(ours, { ...their, closing: { debit: m('254350'), credit: 0n } });
  assert.deepEqual(diffs.map((d) => d.kind), ['amount', 'closing']);
  const closing = diffs[1]!;
  assert.equal(closing.key, 'closing');
  assert.equal(closing.theirs, m('-254350'));
  assert.equal(describeDifference(ru, closing, 'RUB'), 'Сальдо на конец 25.11.2026: по нашему учёту мы должны 252\u00a0450,00 руб., по их акту мы должны 254\u00a0350,00 руб.; строки акта этого не объясняют');
});

test('compareActs: payments pair within three days; one on the same date for another amount is one difference', () => {
  const ours = buildAct(DEMO);
  const base: TheirAct = {
    opening: { debit: m('146400'), credit: 0n },
    lines: [
      ...ours.lines.filter((l) => l.kind === 'invoice').map((l) => ({ date: l.date, document: `Счет № ${l.number} от ${l.date}`, debit: l.credit, credit: l.debit })),
      { date: '2026-11-05', document: 'Поступление оплаты', debit: 0n, credit: m('146400') },
      { date: '2026-11-24', document: 'Поступление оплаты', debit: 0n, credit: m('88000') },
    ],
  };
  const diffs = compareActs(ours, base);
  assert.deepEqual(diffs.map((d) => [d.kind, d.key]), [['amount', 'payment:2026-11-24:88200.00']]);
  // Too far apart: the payment is missing on both sides.
  const far = { ...base, lines: base.lines.map((l) => (l.date === '2026-11-05' ? { ...l, date: '2026-11-07' } : l)) };
  assert.deepEqual(compareActs(ours, far).map((d) => [d.kind, d.key]).filter(([k]) => k !== 'amount'), [
    ['missing_theirs', 'payment:2026-11-03:146400.00'],
    ['missing_ours', 'payment:2026-11-07:146400.00'],
  ]);
});

test('their wording: document numbers and kinds', () => {
  for (const [text, number] of [
    ['№ 115', '115'], ['сч. 115', '115'], ['Счет на оплату № 115 от 14.11.2026', '115'], ['Счет № 115 от 14.11.2026', '115'],
    ['Реализация (акт, накладная) 115 от 14.11.2026', '115'], ['Поступление (акт, накладная) 115 от 14.11.2026', '115'],
    ['Продажа (акт, накладная) (115 от 14.11.2026)', '115'], ['Invoice No. 115 of 2026-11-14', '115'], ['УПД БО-115 от 14.11.2026', 'БО-115'],
  ] as const) assert.equal(documentNumber(text), number, text);
  assert.equal(documentNumber('Оплата (03.11.2026)'), undefined);
  assert.equal(theirLineKind('Продажа (акт, накладная) (115 от 14.11.2026)', m('1'), 0n), 'invoice');
  assert.equal(theirLineKind('Поступление (акт, накладная) 115 от 14.11.2026', 0n, m('1')), 'invoice');
  assert.equal(theirLineKind('Оплата (03.11.2026)', 0n, m('1')), 'payment_out');
  assert.equal(theirLineKind('Поступление оплаты', 0n, m('1')), 'payment_out');
  assert.equal(theirLineKind('Оплата поставщику (п/п 44 от 03.11.2026)', m('1'), 0n), 'payment_in');
  assert.equal(theirLineKind('Корректировка реализации 7 от 20.11.2026', 0n, m('1')), 'credit_note');
  assert.equal(theirLineKind('Прочее', m('1'), 0n), undefined);
});

/** A one-page PDF with only a drawn box: a page that has no text layer, like a scan. */
function pdfWithoutText(): Uint8Array {
  const content = '0.5 w 50 50 200 100 re S';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((o, i) => { const at = pdf.length; pdf += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = pdf.length;
  pdf += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

test('readTheirAct refuses what is not an act, naming the problem', async () => {
  const error = async (bytes: Uint8Array, name: string) => {
    const r = await readTheirAct(bytes, name);
    assert.ok('error' in r, `${name} should be refused`);
    assert.ok(r.error.startsWith(`${name}: `));
    return r.error;
  };
  assert.match(await error(new Uint8Array(0), 'empty.csv'), /empty/);
  assert.match(await error(new TextEncoder().encode(' \r\n'), 'blank.csv'), /empty/);
  assert.match(await error(pdfWithoutText(), 'scan.pdf'), /no text layer/);
  assert.match(await error(new TextEncoder().encode('Дата;Сумма;Назначение\n03.11.2026;146400,00;Оплата\n'), 'statement.csv'), /no table with the columns Дата, Документ, Дебет, Кредит/);
  assert.match(await error(new TextEncoder().encode('Дата;Документ;Дебет;Кредит\n03.11.2026;Оплата;сто рублей;\n'), 'words.csv'), /"сто рублей" in an amount column is not an amount/);
  assert.match(await error(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'broken.xlsx'), /zip/);
});
