// Reading the act of reconciliation a counterparty sends back: a PDF with a text layer (as 1C prints it),
// a CSV or an XLSX of the same layout. Only THEIR half of the two-sided table is read (the first group of
// Дата | Документ | Дебет | Кредит); our half is theirs to leave empty. Every format becomes the same rows
// first, so one reading of the rows serves all three.
import { CsvError } from 'csv-parse';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { Parser } from 'htmlparser2';
import { addDays } from '../../contract/dates.ts';
import { MoneyFormatError, parseMoney, type Money } from '../../contract/money.ts';
import { theirLineKind, documentNumber, type TheirAct } from './act.ts';
import { checkedIso, isoCurrency } from './parsers/common.ts';
import { isPdf, loadPdfJs, pdfParams } from './parsers/facturx.ts';

/** One row of their half of the table: the cells of the date column, the text of the others, the two amounts. */
interface Row {
  cells: string[];
  date?: string;
  text: string;
  debit?: Money;
  credit?: Money;
  /** All its text is in the document column: a wrapped document name, not a heading spanning the row. */
  documentOnly: boolean;
}

/** What every format yields: the text above the table and the rows under its header. */
interface Grid { above: string[]; rows: Row[] }

class ActReadError extends Error {}

const HEADER = { date: /^(дата|date)$/i, document: /^(документ|наименование документа|document)$/i, debit: /^(дебет|debit|дт)$/i, credit: /^(кредит|credit|кт)$/i };

/**
 * The counterparty's act from their file's bytes, told apart by content: `%PDF` is a PDF, a zip (`PK`) an XLSX,
 * anything else CSV text in UTF-8 or, failing that, windows-1251. `{ error }` names what is wrong.
 */
export async function readTheirAct(bytes: Uint8Array, name: string): Promise<TheirAct | { error: string }> {
  try {
    if (bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0)) throw new ActReadError('the file is empty');
    const grid = isPdf(bytes) ? await pdfGrid(bytes) : bytes[0] === 0x50 && bytes[1] === 0x4b ? xlsxGrid(bytes) : csvGrid(bytes);
    return readGrid(grid);
  } catch (e) {
    if (e instanceof ActReadError) return { error: `${name}: ${e.message}` };
    throw e;
  }
}

// ---------------------------------------------------------------- rows to an act

const AMOUNT = /^[-−]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d{1,5})?$|^[-−]?\d+(?:[.,]\d{1,5})?$/;

/** An amount as an accountant writes it: `146 400,00`, `146400.00`, `146400`; undefined for an empty cell. */
function amountOf(text: string | undefined): Money | undefined {
  const s = (text ?? '').trim();
  if (s === '') return undefined;
  if (!AMOUNT.test(s)) throw new ActReadError(`"${s}" in an amount column is not an amount`);
  const compact = s.replace(/[\s\u00a0\u202f]/g, '').replace('−', '-');
  try {
    return parseMoney(compact, compact.includes(',') ? ',' : '.');
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new ActReadError(`"${s}" in an amount column is not an amount`);
    throw e;
  }
}

function dateOf(text: string | undefined): string | undefined {
  const m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\s*$/.exec(text ?? '') ?? undefined;
  if (m) return checkedIso(m[3]!.length === 2 ? `20${m[3]}` : m[3]!, m[2]!, m[1]!);
  const iso = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text ?? '');
  return iso ? checkedIso(iso[1]!, iso[2]!, iso[3]!) : undefined;
}

const OPENING = /сальдо\s+начальное|сальдо\s+на\s+начало|начальное\s+сальдо|opening\s+balance/i;
const TURNOVER = /обороты|turnover/i;
const CLOSING = /сальдо\s+конечное|сальдо\s+на\s+конец|конечное\s+сальдо|closing\s+balance/i;
const SUBTOTAL = /итого|всего|total/i;

/** A line of their act with what its wording says: our kind, and the document number unless it is a payment. */
function lineOf(date: string, document: string, debit: Money, credit: Money): TheirAct['lines'][number] {
  const kind = theirLineKind(document, debit, credit);
  const number = kind === 'payment_in' || kind === 'payment_out' ? undefined : documentNumber(document);
  return { date, document, ...(kind ? { kind } : {}), ...(number !== undefined ? { number } : {}), debit, credit };
}

function readGrid(grid: Grid): TheirAct {
  const act: TheirAct = { lines: [] };
  const above = grid.above.join('\n');
  const period = /(\d{2}\.\d{2}\.\d{4})\s*(?:-|–|—|по|to)\s*(\d{2}\.\d{2}\.\d{4})/i.exec(above);
  if (period) {
    const from = dateOf(period[1]), to = dateOf(period[2]);
    if (from) act.from = from;
    if (to) act.to = to;
  }
  // The side heading ends in the currency: "По данным ООО «Бумага Опт», RUB".
  const heading = /(?:по\s+данным|according\s+to)[^\n]*?,\s*([A-Za-zА-Яа-яЁё.]{3,5})(?=\s|$|\t)/i.exec(above);
  const currency = isoCurrency(heading?.[1]) ?? isoCurrency(/\b(RUB|RUR|EUR|USD|KZT|BYN|CNY)\b/.exec(above)?.[1]);
  if (currency) act.currency = currency;
  let last: TheirAct['lines'][number] | undefined;
  for (const row of grid.rows) {
    // A page break repeats the table's heading; it is not a row.
    if (headerColumns(row.cells) !== undefined) continue;
    const text = row.text.replace(/\s+/g, ' ').trim();
    const both = { debit: row.debit ?? 0n, credit: row.credit ?? 0n };
    if (OPENING.test(text) || OPENING.test(row.cells.join(' '))) { act.opening = both; last = undefined; continue; }
    if (TURNOVER.test(text) || TURNOVER.test(row.cells.join(' '))) { last = undefined; continue; }
    if (CLOSING.test(text) || CLOSING.test(row.cells.join(' '))) { act.closing = both; break; }
    if (row.date && (row.debit !== undefined || row.credit !== undefined)) {
      last = lineOf(row.date, text, both.debit, both.credit);
      act.lines.push(last);
    } else if (!row.date && row.debit === undefined && row.credit === undefined && text && last && row.documentOnly) {
      // A document name too long for its cell wraps onto the next printed line.
      last = lineOf(last.date, `${last.document} ${text}`, last.debit, last.credit);
      act.lines[act.lines.length - 1] = last;
    } else if ((row.debit !== undefined || row.credit !== undefined) && !SUBTOTAL.test(text)) {
      throw new ActReadError(`a row with an amount but no date: "${text || row.cells.join(' ')}"`);
    }
  }
  if (!act.opening && !act.closing && act.lines.length === 0) throw new ActReadError('the act table has no rows (no opening balance, documents or closing balance)');
  return act;
}

/** The column positions of their half in a header row, or undefined when the row is not the table's header. */
function headerColumns(cells: readonly string[]): { date: number; document: number; debit: number; credit: number; end: number } | undefined {
  const at = (re: RegExp, from: number) => cells.findIndex((c, i) => i >= from && re.test(c.trim()));
  const date = at(HEADER.date, 0);
  const debit = at(HEADER.debit, Math.max(0, date));
  const credit = debit < 0 ? -1 : at(HEADER.credit, debit + 1);
  if (date < 0 || debit < 0 || credit < 0) return undefined;
  const document = at(HEADER.document, date + 1);
  const second = at(HEADER.date, credit + 1);
  return { date, document: document >= 0 && document < debit ? document : date + 1, debit, credit, end: second < 0 ? cells.length : second };
}

const NO_HEADER = 'no table with the columns Дата, Документ, Дебет, Кредит (Date, Document, Debit, Credit) was found';

/** Rows of cells (CSV, XLSX) as a grid: everything before the header row is text above the table. */
function cellGrid(table: readonly string[][]): Grid {
  const h = table.findIndex((r) => headerColumns(r) !== undefined);
  if (h < 0) throw new ActReadError(NO_HEADER);
  const cols = headerColumns(table[h]!)!;
  const rows: Row[] = [];
  for (const r of table.slice(h + 1)) {
    // A page break repeats the table's heading; it is not a row.
    if (headerColumns(r) !== undefined) continue;
    const mine = r.slice(0, cols.end);
    const text = mine.filter((_, i) => i !== cols.date && i !== cols.debit && i !== cols.credit).map((c) => c.trim()).filter(Boolean).join(' ');
    const debit = amountOf(r[cols.debit]), credit = amountOf(r[cols.credit]);
    const date = dateOf(r[cols.date]);
    // The date column also holds the labels of merged rows ("Сальдо начальное").
    const label = date ? '' : (r[cols.date] ?? '').trim();
    const documentOnly = !label && mine.every((c, i) => i === cols.document || c.trim() === '');
    rows.push({ cells: mine, ...(date ? { date } : {}), text: [label, text].filter(Boolean).join(' '), ...(debit !== undefined ? { debit } : {}), ...(credit !== undefined ? { credit } : {}), documentOnly });
  }
  return { above: table.slice(0, h).map((r) => r.map((c) => c.trim()).filter(Boolean).join('\t')), rows };
}

// ---------------------------------------------------------------- CSV

function decodeText(bytes: Uint8Array): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // 1C saves CSV in the Windows code page; every byte means something there, so this never fails.
    return new TextDecoder('windows-1251').decode(body);
  }
}

function csvGrid(bytes: Uint8Array): Grid {
  const text = decodeText(bytes);
  if (text.includes('\u0000')) throw new ActReadError('not a PDF, XLSX or CSV text file (binary content)');
  let tried = false;
  // The delimiter is the one whose rows have the header; 1C writes `;`.
  for (const delimiter of [';', ',', '\t']) {
    let table: string[][];
    try {
      table = parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
    } catch (e) {
      if (e instanceof CsvError) { tried = true; continue; }
      throw e;
    }
    if (table.some((r) => headerColumns(r) !== undefined)) return cellGrid(table);
  }
  throw new ActReadError(tried ? `not a readable CSV, and ${NO_HEADER}` : NO_HEADER);
}

// ---------------------------------------------------------------- XLSX

/** Column index of a cell reference: `C12` is 2. */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of /^[A-Z]+/i.exec(ref)?.[0].toUpperCase() ?? '') n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Excel's day number as a date (day 0 is 1899-12-30, which absorbs Excel's 1900 leap-year bug for later dates). */
function serialDate(serial: number): string {
  return addDays('1899-12-30', Math.floor(serial));
}

function xmlText(bytes: Uint8Array | undefined): string | undefined {
  return bytes ? new TextDecoder('utf-8').decode(bytes) : undefined;
}

function sharedStrings(xml: string | undefined): string[] {
  const out: string[] = [];
  if (!xml) return out;
  let depth = 0, inText = false, current = '';
  const parser = new Parser({
    onopentag(name) {
      if (name === 'si') { depth++; current = ''; }
      // Phonetic runs (rPh) repeat the reading of the text, not the text.
      else if (name === 'rph') depth++;
      else if (name === 't' && depth === 1) inText = true;
    },
    ontext(t) { if (inText) current += t; },
    onclosetag(name) {
      if (name === 't') inText = false;
      else if (name === 'rph') depth--;
      else if (name === 'si') { depth--; out.push(current); }
    },
  }, { xmlMode: true, decodeEntities: true, lowerCaseTags: true });
  parser.write(xml);
  parser.end();
  return out;
}

function xlsxGrid(bytes: Uint8Array): Grid {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'xl/sharedStrings.xml' || /^xl\/worksheets\/sheet\d+\.xml$/.test(f.name) });
  } catch (e) {
    throw new ActReadError(`a zip file that cannot be opened: ${(e as Error).message}`);
  }
  const sheetName = files['xl/worksheets/sheet1.xml'] ? 'xl/worksheets/sheet1.xml'
    : Object.keys(files).filter((n) => n.startsWith('xl/worksheets/')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0];
  const sheet = xmlText(sheetName ? files[sheetName] : undefined);
  if (!sheet) throw new ActReadError('a zip file without a worksheet (not an XLSX workbook)');
  const strings = sharedStrings(xmlText(files['xl/sharedStrings.xml']));
  const table: string[][] = [];
  let row: string[] = [], col = 0, type = '', value = '', inValue = false;
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'row') row = [];
      else if (name === 'c') { col = attrs.r ? columnOf(attrs.r) : row.length; type = attrs.t ?? 'n'; value = ''; }
      else if (name === 'v' || (name === 't' && type === 'inlineStr')) inValue = true;
    },
    ontext(t) { if (inValue) value += t; },
    onclosetag(name) {
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'c') {
        const text = type === 's' ? strings[Number(value)] ?? '' : value;
        while (row.length < col) row.push('');
        row[col] = text;
      } else if (name === 'row') table.push(row);
    },
  }, { xmlMode: true, decodeEntities: true, lowerCaseTags: false });
  parser.write(sheet);
  parser.end();
  // A date typed into Excel is a day number; in the date column under the header, read it as one.
  const h = table.findIndex((r) => headerColumns(r) !== undefined);
  if (h >= 0) {
    const dateCol = headerColumns(table[h]!)!.date;
    for (const r of table.slice(h + 1)) if (/^\d{5}(\.\d+)?$/.test(r[dateCol]?.trim() ?? '')) r[dateCol] = serialDate(Number(r[dateCol]));
  }
  return cellGrid(table);
}

// ---------------------------------------------------------------- PDF


interface Piece { str: string; x: number; y: number; width: number; size: number }

/** Every text piece of every page with its position; pages stacked top to bottom in one coordinate space. */
async function pdfPieces(bytes: Uint8Array): Promise<Piece[]> {
  const { getDocument } = await loadPdfJs();
  let doc: PDFDocumentProxy;
  try {
    doc = await getDocument(pdfParams(bytes)).promise;
  } catch (e) {
    const err = e as Error;
    throw new ActReadError(err.name === 'PasswordException' ? 'the PDF is protected by a password' : `not a readable PDF: ${err.message}`);
  }
  try {
    const pieces: Piece[] = [];
    let offset = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const height = page.view[3]! - page.view[1]!;
      for (const it of (await page.getTextContent()).items) {
        if (!('str' in it) || it.str.trim() === '') continue;
        const t = it.transform as number[];
        pieces.push({ str: it.str.trim(), x: t[4]!, y: t[5]! - offset, width: it.width, size: Math.max(1, Math.abs(t[3]!) || it.height || 10) });
      }
      offset += height;
      page.cleanup();
    }
    return pieces;
  } finally {
    await doc.destroy();
  }
}

/** Pieces grouped into printed lines by baseline (within half a font size), top to bottom, each left to right. */
function printedLines(pieces: readonly Piece[]): Piece[][] {
  const lines: Piece[][] = [];
  for (const it of [...pieces].sort((a, b) => b.y - a.y || a.x - b.x)) {
    const line = lines.find((l) => Math.abs(l[0]!.y - it.y) <= Math.min(l[0]!.size, it.size) / 2);
    if (line) line.push(it);
    else lines.push([it]);
  }
  return lines.map((l) => l.sort((a, b) => a.x - b.x));
}

/**
 * The table read by position: the header line with Дебет and Кредит gives the columns of their half (left of
 * the second Дата); each piece below goes to the column whose heading is nearest, so an amount lands in Debit
 * or Credit by where it is printed, and our empty half is never read.
 */
async function pdfGrid(bytes: Uint8Array): Promise<Grid> {
  const lines = printedLines(await pdfPieces(bytes));
  if (lines.length === 0) throw new ActReadError('the PDF has no text layer (a scan or an image): its text cannot be read');
  const h = lines.findIndex((l) => headerColumns(l.map((p) => p.str)) !== undefined);
  if (h < 0) throw new ActReadError(NO_HEADER);
  const header = lines[h]!;
  const cols = headerColumns(header.map((p) => p.str))!;
  const centre = (p: Piece) => p.x + p.width / 2;
  const split = cols.end < header.length ? (header[cols.credit]!.x + header[cols.credit]!.width + header[cols.end]!.x) / 2 : Infinity;
  const anchors = [
    { col: 'date', x: centre(header[cols.date]!) },
    { col: 'document', x: header[cols.document] && cols.document < cols.debit ? centre(header[cols.document]!) : centre(header[cols.date]!) },
    { col: 'debit', x: centre(header[cols.debit]!) },
    { col: 'credit', x: centre(header[cols.credit]!) },
  ] as const;
  const nearest = (p: Piece) => anchors.reduce((best, a) => (Math.abs(a.x - centre(p)) < Math.abs(best.x - centre(p)) ? a : best)).col;
  const rows: Row[] = [];
  for (const line of lines.slice(h + 1)) {
    const mine = line.filter((p) => p.x < split);
    if (mine.length === 0) continue;
    const row: Row = { cells: mine.map((p) => p.str), text: '', documentOnly: mine.every((p) => nearest(p) === 'document') };
    const text: string[] = [];
    for (const p of mine) {
      const col = nearest(p);
      if ((col === 'debit' || col === 'credit') && AMOUNT.test(p.str)) row[col] = amountOf(p.str)!;
      else if (col === 'date' && dateOf(p.str) && !row.date) row.date = dateOf(p.str)!;
      else text.push(p.str);
    }
    row.text = text.join(' ');
    rows.push(row);
  }
  return { above: lines.slice(0, h).map((l) => l.map((p) => p.str).join('\t')), rows };
}
