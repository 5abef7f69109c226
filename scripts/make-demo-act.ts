// Writes Bumaga Opt's act of reconciliation for November 2026, as their 1C would print it, and the mail
// that brings it: demo/mail/27-bumaga-act-november.eml, plus the same act as PDF, CSV (windows-1251) and
// XLSX under test/fixtures/acts/ for the tests of act-read.ts. The figures come from the demo itself
// (mails 01, 02, 03, 25, 26 and the Sberbank statement) with one planted difference: invoice 115 is
// 41 250,00 in the mail and 42 150,00 in their act. Same bytes on every run: no clock, no library.
//
//   npx tsx scripts/make-demo-act.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, type Zippable } from 'fflate';
import { formatMoney, parseMoney, sumMoney, type Money } from '../contract/money.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELLER = 'ООО «Бумага Опт»';
const BUYER = 'ООО «Кестрел Принт»';
const FROM = '01.11.2026';
const TO = '25.11.2026';

interface Line { date: string; document: string; debit?: Money; credit?: Money }

// Their side: debit = what they sold us, credit = what we paid them. Dates and amounts as the demo has them.
const OPENING: Money = parseMoney('146400'); // invoice 418 of 28.10.2026, their October act (mail 04)
const LINES: Line[] = [
  { date: '02.11.2026', document: 'Продажа (акт, накладная) (112 от 02.11.2026)', debit: parseMoney('86400') }, // mail 01
  { date: '03.11.2026', document: 'Оплата (513 от 03.11.2026)', credit: parseMoney('146400') }, // statement: our order 513 pays 418
  { date: '09.11.2026', document: 'Продажа (акт, накладная) (115 от 09.11.2026)', debit: parseMoney('42150') }, // mail 02 says 41 250,00: planted
  { date: '19.11.2026', document: 'Продажа (акт, накладная) (431 от 19.11.2026)', debit: parseMoney('88200') }, // mail 26
  { date: '24.11.2026', document: 'Оплата (522 от 24.11.2026)', credit: parseMoney('88200') }, // statement: our order 522 pays 431
  { date: '25.11.2026', document: 'Продажа (акт, накладная) (118 от 25.11.2026)', debit: parseMoney('124800') }, // mail 03
];
const DEBIT = sumMoney(LINES.map((l) => l.debit ?? 0n));
const CREDIT = sumMoney(LINES.map((l) => l.credit ?? 0n));
const CLOSING = OPENING + DEBIT - CREDIT;

/** `146 400,00` as 1C prints it; `nbsp` groups with a no-break space, as its CSV export does. */
function ru(m: Money | undefined, nbsp = false): string {
  if (m === undefined || m === 0n) return '';
  const [whole, frac] = formatMoney(m).split('.') as [string, string];
  return `${whole.replace(/\B(?=(\d{3})+$)/g, nbsp ? '\u00a0' : ' ')},${frac}`;
}

const TITLE = 'Акт сверки взаимных расчетов';
const PERIOD = `за период: ${FROM} - ${TO}`;
const BETWEEN = `между ${SELLER} и ${BUYER}`;
const PREAMBLE = [
  `Мы, нижеподписавшиеся, ${SELLER} (ИНН 7705123450), с одной стороны, и ${BUYER} (ИНН 7714698320), с другой стороны,`,
  'составили настоящий акт сверки в том, что состояние взаимных расчетов по данным учета следующее:',
];
const SIDES = [`По данным ${SELLER}, RUB`, `По данным ${BUYER}, RUB`];
const COLUMNS = ['Дата', 'Документ', 'Дебет', 'Кредит'];
const SENTENCE = `По данным ${SELLER} на ${TO} задолженность в пользу ${SELLER} ${ru(CLOSING)} руб.`;

/** The table's rows of their half: [date or label, document, debit, credit]. */
function tableRows(nbsp = false): string[][] {
  return [
    ['Сальдо начальное', '', ru(OPENING, nbsp), ''],
    ...LINES.map((l) => [l.date, l.document, ru(l.debit, nbsp), ru(l.credit, nbsp)]),
    ['Обороты за период', '', ru(DEBIT, nbsp), ru(CREDIT, nbsp)],
    ['Сальдо конечное', '', CLOSING >= 0n ? ru(CLOSING, nbsp) : '', CLOSING < 0n ? ru(-CLOSING, nbsp) : ''],
  ];
}

// ---------------------------------------------------------------- PDF

// Single-byte codes 0x80 and up for the glyphs Helvetica's standard encoding lacks, by Adobe glyph name.
const UPPER = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ';
const LOWER = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
const EXTRA: [string, string][] = [['№', 'afii61352'], ['«', 'guillemotleft'], ['»', 'guillemotright'], ['–', 'endash'], ['—', 'emdash']];
const GLYPHS: [string, string][] = [
  ...[...UPPER].map((c, i): [string, string] => [c, `afii${10017 + i}`]),
  ...[...LOWER].map((c, i): [string, string] => [c, `afii${10065 + i}`]),
  ...EXTRA,
];
const CODE = new Map(GLYPHS.map(([c], i) => [c, 0x80 + i]));

// Advance widths (1/1000 em): Helvetica's for ASCII, Arial's Cyrillic shapes for the rest.
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const UPPER_WIDTHS = [667, 656, 667, 542, 677, 667, 667, 923, 604, 719, 719, 583, 656, 833, 722, 778, 719, 667, 722, 611, 635, 760, 667, 740, 667, 917, 938, 792, 885, 656, 719, 1010, 722];
const LOWER_WIDTHS = [556, 573, 531, 365, 583, 556, 556, 669, 458, 559, 559, 438, 583, 688, 552, 556, 542, 556, 500, 458, 500, 823, 500, 573, 521, 802, 823, 625, 719, 521, 510, 750, 542];
const EXTRA_WIDTHS = [1073, 556, 556, 556, 1000];
// By code from 0x20: ASCII, nothing at 0x7F, then the glyphs from 0x80.
const WIDTHS = [...ASCII_WIDTHS, 0, ...UPPER_WIDTHS, ...LOWER_WIDTHS, ...EXTRA_WIDTHS];
if (ASCII_WIDTHS.length !== 0x7f - 0x20 || WIDTHS.length !== 0x80 - 0x20 + GLYPHS.length) throw new Error('the width table does not fit the codes');
const LAST_CODE = 0x80 + GLYPHS.length - 1;

function encode(text: string): number[] {
  return [...text].map((c) => {
    const code = c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) <= 0x7e ? c.charCodeAt(0) : CODE.get(c);
    if (code === undefined) throw new Error(`no glyph for "${c}" in the act's font`);
    return code;
  });
}

function widthOf(text: string, size: number): number {
  return encode(text).reduce((w, code) => w + WIDTHS[code - 0x20]!, 0) * size / 1000;
}

const hex = (codes: number[]) => `<${codes.map((c) => c.toString(16).padStart(2, '0').toUpperCase()).join('')}>`;
const num = (n: number) => (Math.round(n * 100) / 100).toString();

function toUnicodeCMap(): string {
  const chars = GLYPHS.map(([c], i) => `<${(0x80 + i).toString(16).toUpperCase()}> <${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
  const blocks: string[] = [];
  for (let i = 0; i < chars.length; i += 100) {
    const part = chars.slice(i, i + 100);
    blocks.push(`${part.length} beginbfchar`, ...part, 'endbfchar');
  }
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def', '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<00> <FF>', 'endcodespacerange',
    '1 beginbfrange', '<20> <7E> <0020>', 'endbfrange',
    ...blocks,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}

/** The act as 1C prints it: A4 landscape, their half of the table filled, ours left for us, grid lines drawn. */
function actPdf(): Uint8Array {
  const W = 842, H = 595, LEFT = 30;
  const ops: string[] = [];
  const text = (s: string, x: number, y: number, size: number, font = 'F1') => ops.push(`BT /${font} ${size} Tf 1 0 0 1 ${num(x)} ${num(y)} Tm ${hex(encode(s))} Tj ET`);
  const centred = (s: string, x0: number, x1: number, y: number, size: number, font = 'F1') => text(s, (x0 + x1 - widthOf(s, size)) / 2, y, size, font);
  const line = (x0: number, y0: number, x1: number, y1: number) => ops.push(`${num(x0)} ${num(y0)} m ${num(x1)} ${num(y1)} l S`);

  centred(TITLE, 0, W, 550, 14, 'F2');
  centred(PERIOD, 0, W, 532, 10);
  centred(BETWEEN, 0, W, 518, 10);
  PREAMBLE.forEach((p, i) => text(p, LEFT, 496 - i * 11, 8.5));

  // Each side: Дата 52, Документ 211, Дебет 64, Кредит 64.
  const widths = [52, 211, 64, 64];
  const sideWidth = widths.reduce((a, b) => a + b, 0);
  const edges = (side: number) => widths.reduce<number[]>((acc, w) => [...acc, acc[acc.length - 1]! + w], [LEFT + side * sideWidth]);
  const ROW = 16, TOP = 470, size = 8;
  const rows = tableRows();
  const bottom = TOP - ROW * (2 + rows.length);
  ops.push('0.5 w');
  for (let r = 0; r <= 2 + rows.length; r++) line(LEFT, TOP - r * ROW, LEFT + 2 * sideWidth, TOP - r * ROW);
  for (const side of [0, 1]) {
    const e = edges(side);
    line(e[0]!, TOP, e[0]!, bottom);
    for (const x of e.slice(1, -1)) line(x, TOP - ROW, x, bottom);
    centred(SIDES[side]!, e[0]!, e[4]!, TOP - 11, size, 'F2');
    COLUMNS.forEach((c, i) => centred(c, e[i]!, e[i + 1]!, TOP - ROW - 11, size, 'F2'));
  }
  line(LEFT + 2 * sideWidth, TOP, LEFT + 2 * sideWidth, bottom);
  const e = edges(0);
  rows.forEach((cells, r) => {
    const y = TOP - (r + 2) * ROW - 11;
    const bold = r === 0 || r >= rows.length - 2 ? 'F2' : 'F1';
    if (cells[0]) text(cells[0], e[0]! + 3, y, size, bold);
    if (cells[1]) text(cells[1], e[1]! + 3, y, size);
    // Amounts right-aligned in their columns, as printed.
    for (const i of [2, 3]) if (cells[i]) text(cells[i]!, e[i + 1]! - 3 - widthOf(cells[i]!, size), y, size, bold);
  });

  text(SENTENCE, LEFT, bottom - 24, 9);
  const right = LEFT + sideWidth + 10;
  text(`От ${SELLER}`, LEFT, bottom - 60, 9);
  text(`От ${BUYER}`, right, bottom - 60, 9);
  text('Главный бухгалтер ________________ (Смирнова Е. В.)', LEFT, bottom - 84, 9);
  text('________________ (________________)', right, bottom - 84, 9);
  text('М.П.', LEFT, bottom - 104, 9);
  text('М.П.', right, bottom - 104, 9);

  const content = ops.join('\n');
  const cmap = toUnicodeCMap();
  const font = (base: string) => `<< /Type /Font /Subtype /Type1 /BaseFont /${base} /Encoding 7 0 R /ToUnicode 8 0 R /FirstChar 32 /LastChar ${LAST_CODE} /Widths [${WIDTHS.join(' ')}] >>`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${W} ${H}] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    font('Helvetica'),
    font('Helvetica-Bold'),
    `<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 ${GLYPHS.map(([, g]) => `/${g}`).join(' ')}] >>`,
    `<< /Length ${cmap.length} >>\nstream\n${cmap}\nendstream`,
    "<< /Producer (1C:Enterprise 8.3) /CreationDate (D:20261126095000+03'00') >>",
  ];
  // Everything above is ASCII, so a string's length is its length in bytes.
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  if (/[^\x00-\x7f]/.test(pdf)) throw new Error('the PDF text must be ASCII for its offsets to be right');
  return new TextEncoder().encode(pdf);
}

// ---------------------------------------------------------------- CSV and XLSX

/** The whole sheet: text above, the two-sided table (our half empty), the closing sentence. */
function sheet(nbsp: boolean): string[][] {
  return [
    [TITLE], [PERIOD], [BETWEEN], ...PREAMBLE.map((p) => [p]), [],
    [SIDES[0]!, '', '', '', SIDES[1]!, '', '', ''],
    [...COLUMNS, ...COLUMNS],
    ...tableRows(nbsp).map((r) => [...r, '', '', '', '']),
    [], [SENTENCE],
  ];
}

// windows-1251 for the letters the act uses; 1C writes its CSV in it.
const CP1251 = new Map<string, number>([
  ...[...'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя'].map((c, i): [string, number] => [c, 0xc0 + i]),
  ['Ё', 0xa8], ['ё', 0xb8], ['№', 0xb9], ['«', 0xab], ['»', 0xbb], ['\u00a0', 0xa0], ['–', 0x96], ['—', 0x97],
]);

function cp1251(text: string): Uint8Array {
  return Uint8Array.from([...text].map((c) => {
    const b = c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : CP1251.get(c);
    if (b === undefined) throw new Error(`"${c}" has no windows-1251 byte`);
    return b;
  }));
}

function actCsv(): Uint8Array {
  const cell = (c: string) => (/[;"\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return cp1251(sheet(true).map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A minimal XLSX: amounts as numbers (as 1C saves them), every other cell a shared string. */
function actXlsx(): Uint8Array {
  const strings: string[] = [];
  const index = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const amountCols = new Set([2, 3]);
  const rows = sheet(false).map((r, ri) => {
    const tableRow = ri >= 8 && ri < 8 + tableRows().length;
    const cells = r.map((c, ci) => {
      if (c === '') return '';
      const ref = `${String.fromCharCode(65 + ci)}${ri + 1}`;
      if (tableRow && amountCols.has(ci)) return `<c r="${ref}"><v>${formatMoney(parseMoney(c.replace(/ /g, ''), ','), 0)}</v></c>`;
      return `<c r="${ref}" t="s"><v>${index(c)}</v></c>`;
    }).join('');
    return `<row r="${ri + 1}">${cells}</row>`;
  });
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const pkg = 'http://schemas.openxmlformats.org/package/2006/relationships';
  const files: Record<string, string> = {
    '[Content_Types].xml': `${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    '_rels/.rels': `${head}<Relationships xmlns="${pkg}"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${head}<workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="Акт сверки" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${head}<Relationships xmlns="${pkg}"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `${head}<worksheet xmlns="${main}"><sheetData>${rows.join('')}</sheetData></worksheet>`,
  };
  files['xl/sharedStrings.xml'] = `${head}<sst xmlns="${main}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${xml(s)}</t></si>`).join('')}</sst>`;
  // A zip stores local wall-clock time: built from local fields, the bytes are the same in every time zone.
  const mtime = new Date(2026, 10, 26, 9, 50, 0);
  const entries: Zippable = {};
  for (const [name, body] of Object.entries(files)) entries[name] = [new TextEncoder().encode(body), { mtime, level: 6 }];
  return zipSync(entries);
}

// ---------------------------------------------------------------- the mail

/** RFC 2047 words of UTF-8 base64, split on whole characters so no word exceeds the line limit. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const c of text) {
    if (Buffer.byteLength(chunk + c) > 45) { words.push(chunk); chunk = ''; }
    chunk += c;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?b?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

const base64Lines = (bytes: Uint8Array) => (Buffer.from(bytes).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

const BODY = `Анна, добрый день!

Направляем акт сверки взаимных расчетов между ${SELLER} и ${BUYER} за период с ${FROM} по ${TO}. По нашим данным на ${TO} задолженность в пользу ${SELLER} составляет ${ru(CLOSING)} руб.

Просим сверить акт с вашими данными, подписать и вернуть скан подписанного экземпляра до 04.12.2026. Если данные расходятся, пришлите, пожалуйста, ваш вариант акта.

Игорь Петров
менеджер по продажам, ${SELLER}
+7 495 000-11-22`;

const ATTACHMENT = 'Акт сверки Бумага Опт ноябрь 2026.pdf';

function actMail(pdf: Uint8Array): string {
  const name = `=?utf-8?b?${Buffer.from(ATTACHMENT).toString('base64')}?=`;
  return [
    `From: ${encodedWords('Игорь Петров, Бумага Опт')} <sales@bumaga-opt.example>`,
    `To: ${encodedWords('Анна Соколова')} <anna@kestrel-print.example>`,
    `Subject: ${encodedWords('Акт сверки за ноябрь 2026')}`,
    'Date: Thu, 26 Nov 2026 10:05:00 +0300',
    'Message-ID: <27-bumaga-act-november.27@bumaga-opt.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix27"',
    '',
    '--mix27',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(new TextEncoder().encode(BODY)),
    '',
    '--mix27',
    `Content-Type: application/pdf; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(pdf),
    '',
    '--mix27--',
    '',
  ].join('\r\n');
}

function write(path: string, bytes: Uint8Array | string): void {
  const full = join(ROOT, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, bytes);
  console.log(`wrote ${path}`);
}

const pdf = actPdf();
write('test/fixtures/acts/bumaga-act-2026-11.pdf', pdf);
write('test/fixtures/acts/bumaga-act-2026-11.csv', actCsv());
write('test/fixtures/acts/bumaga-act-2026-11.xlsx', actXlsx());
write('demo/mail/27-bumaga-act-november.eml', actMail(pdf));
console.log(`opening ${ru(OPENING)}, debit ${ru(DEBIT)}, credit ${ru(CREDIT)}, closing ${ru(CLOSING)}`);
