// CSV statements through profiles: a profile fixes the delimiter, decimal mark, date format and which
// columns mean what (one amount column, or separate debit and credit). A file is claimed by the profile
// whose columns its header has. Without one, a delimiter is only guessed when the file's own running
// balance confirms every row; otherwise the file is refused naming the columns found. Records come from
// csv-parse: a record it cannot read, or an amount that is not a plain decimal in the profile's format,
// refuses the whole file naming the line.
import type { TransformCallback } from 'node:stream';
import { CsvError, Parser, type Options } from 'csv-parse';
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import {
  StatementError, checkedIso, currencyOfRuAccount, decodeChunks, maxDate, minDate, peekBytes, restIterable,
  type ParsedStatement, type StatementEntry,
} from '../model.ts';

export type DateFormat = 'DD.MM.YYYY' | 'DD.MM.YY' | 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

export interface CsvProfile {
  name: string;
  delimiter: string;
  decimal: '.' | ',';
  dateFormat: DateFormat;
  columns: {
    date: string; valueDate?: string; amount?: string; debit?: string; credit?: string; text?: string[];
    counterparty?: string; counterpartyAccount?: string; taxId?: string; id?: string; currency?: string; account?: string;
    status?: string; balance?: string;
    /** Cells holding the debited and the credited side as `account`, `tax id`, `name` lines (SberBusiness). */
    debitParty?: string; creditParty?: string;
  };
  /** Summary rows below the table naming the opening and closing balance; the figures stand in the debit and credit columns. */
  footer?: { opening: string; closing: string };
  /** Columns that may be missing from the file. */
  optional?: string[];
  /** Rows whose status (or id) column holds one of these are skipped: pending, failed. */
  skipValues?: string[];
  account?: string;
  currency?: string;
}

/**
 * Built-in profiles, from the columns each bank documents for its export:
 * - sber: SberBusiness statement export. Metadata rows (bank, account, period) above a two-row header:
 *   `Дата проводки | Счет (Дебет, Кредит) | Сумма по дебету | Сумма по кредиту | № документа | ВО |
 *   Банк (БИК и наименование) | Назначение платежа`; each side's cell holds account, INN and name on
 *   separate lines; `Входящий остаток` / `Исходящий остаток` rows close the table.
 * - t-bank: T-Bank (Tinkoff) operations export: `Дата операции;Дата платежа;Номер карты;Статус;Сумма операции;
 *   Валюта операции;Сумма платежа;Валюта платежа;Кэшбэк;Категория;MCC;Описание;...`. The payment amount is in
 *   the account's currency (the operation amount may be in another); FAILED operations never happened.
 * - alfa-bank: Alfa-Bank export, windows-1251: `Тип счёта;Номер счета;Валюта;Дата операции;Референс проводки;
 *   Описание операции;Приход;Расход;`, dates DD.MM.YY, `RUR`; a card hold not booked yet has `HOLD` as its reference.
 * - generic-semicolon and generic-comma: `Date, Amount, Description` and optional columns, in the two common dialects.
 */
export const BUILTIN_PROFILES: readonly CsvProfile[] = [
  {
    name: 'sber', delimiter: ';', decimal: ',', dateFormat: 'DD.MM.YYYY',
    columns: { date: 'Дата проводки', debit: 'Сумма по дебету', credit: 'Сумма по кредиту', id: '№ документа', text: ['Назначение платежа'], debitParty: 'Дебет', creditParty: 'Кредит' },
    footer: { opening: 'Входящий остаток', closing: 'Исходящий остаток' },
  },
  {
    name: 't-bank', delimiter: ';', decimal: ',', dateFormat: 'DD.MM.YYYY',
    columns: { date: 'Дата операции', valueDate: 'Дата платежа', account: 'Номер карты', status: 'Статус', amount: 'Сумма платежа', currency: 'Валюта платежа', text: ['Описание', 'Категория'] },
    // WAITING: an authorisation the bank has not booked yet.
    skipValues: ['FAILED', 'WAITING'],
  },
  {
    name: 'alfa-bank', delimiter: ';', decimal: ',', dateFormat: 'DD.MM.YY',
    columns: { account: 'Номер счета', currency: 'Валюта', date: 'Дата операции', id: 'Референс проводки', text: ['Описание операции'], credit: 'Приход', debit: 'Расход' },
    skipValues: ['HOLD'],
  },
  {
    name: 'generic-semicolon', delimiter: ';', decimal: ',', dateFormat: 'DD.MM.YYYY',
    columns: { date: 'Date', amount: 'Amount', text: ['Description'], counterparty: 'Counterparty', counterpartyAccount: 'Counterparty account', account: 'Account', currency: 'Currency', id: 'Id', balance: 'Balance' },
    optional: ['Counterparty', 'Counterparty account', 'Account', 'Currency', 'Id', 'Balance'],
  },
  {
    name: 'generic-comma', delimiter: ',', decimal: '.', dateFormat: 'YYYY-MM-DD',
    columns: { date: 'Date', amount: 'Amount', text: ['Description'], counterparty: 'Counterparty', counterpartyAccount: 'Counterparty account', account: 'Account', currency: 'Currency', id: 'Id', balance: 'Balance' },
    optional: ['Counterparty', 'Counterparty account', 'Account', 'Currency', 'Id', 'Balance'],
  },
];

const DELIMITER_NAMES: Record<string, string> = { semicolon: ';', comma: ',', tab: '\t', pipe: '|', ';': ';', ',': ',', '\\t': '\t', '|': '|' };

/** Turns rows of the `csv_profiles` rules note into profiles; a bad row is reported by name. */
export function profilesFromRules(rows: readonly Record<string, string>[]): CsvProfile[] {
  return rows.filter((r) => (r.name ?? '').trim()).map((r) => {
    const name = r.name!.trim();
    const delimiter = DELIMITER_NAMES[(r.delimiter ?? '').trim().toLowerCase()];
    if (!delimiter) throw new Error(`CSV profile ${name}: delimiter "${r.delimiter ?? ''}" (write semicolon, comma, tab or pipe)`);
    if (!r.date_column) throw new Error(`CSV profile ${name}: date_column is empty`);
    if (!r.amount_column && !(r.debit_column && r.credit_column)) throw new Error(`CSV profile ${name}: needs amount_column, or debit_column and credit_column`);
    const dateFormat = ((r.date_format ?? '').trim() || 'DD.MM.YYYY') as DateFormat;
    if (!['DD.MM.YYYY', 'DD.MM.YY', 'YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'].includes(dateFormat)) throw new Error(`CSV profile ${name}: date_format "${dateFormat}" is not supported`);
    const col = (k: string) => (r[k] ?? '').trim() || undefined;
    const columns: CsvProfile['columns'] = { date: r.date_column.trim() };
    const set = <K extends keyof CsvProfile['columns']>(k: K, v: CsvProfile['columns'][K] | undefined) => { if (v !== undefined) columns[k] = v; };
    set('valueDate', col('value_date_column')); set('amount', col('amount_column')); set('debit', col('debit_column')); set('credit', col('credit_column'));
    set('text', col('text_column')?.split(',').map((s) => s.trim()).filter(Boolean)); set('counterparty', col('counterparty_column'));
    set('counterpartyAccount', col('counterparty_account_column')); set('taxId', col('tax_id_column')); set('id', col('id_column'));
    set('currency', col('currency_column')); set('account', col('account_column')); set('status', col('status_column')); set('balance', col('balance_column'));
    const p: CsvProfile = { name, delimiter, decimal: (r.decimal ?? '').trim() === '.' || /point|dot/i.test(r.decimal ?? '') ? '.' : ',', dateFormat, columns };
    const skip = col('skip_values');
    if (skip) p.skipValues = skip.split(',').map((s) => s.trim()).filter(Boolean);
    if (col('account')) p.account = col('account')!;
    if (col('currency')) p.currency = col('currency')!.toUpperCase();
    return p;
  });
}

const norm = (s: string) => s.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

function columnNames(p: CsvProfile): string[] {
  const c = p.columns;
  return [c.date, c.valueDate, c.amount, c.debit, c.credit, ...(c.text ?? []), c.counterparty, c.counterpartyAccount, c.taxId, c.id, c.currency, c.account, c.status, c.balance, c.debitParty, c.creditParty].filter((x): x is string => !!x);
}

/**
 * The profile's columns in a header record, or undefined when one is missing. A header may span two records
 * (a merged `Счет` cell over `Дебет | Кредит`): names missing from the first are looked for in the next,
 * and `rows` says how many records the header took.
 */
function matchHeader(cells: string[], next: string[] | undefined, p: CsvProfile): { idx: Map<string, number>; rows: number } | undefined {
  const idx = new Map<string, number>();
  cells.forEach((c, i) => { if (!idx.has(norm(c))) idx.set(norm(c), i); });
  const optional = new Set((p.optional ?? []).map(norm));
  let rows = 1;
  for (const name of columnNames(p)) {
    if (idx.has(norm(name)) || optional.has(norm(name))) continue;
    const i = next?.findIndex((c) => norm(c) === norm(name)) ?? -1;
    if (i < 0) return undefined;
    idx.set(norm(name), i);
    rows = 2;
  }
  return { idx, rows };
}

/** A SberBusiness side cell: account, then the tax id when there is one, then the name (an address may follow `//`). */
export function partyBlock(text: string): { account?: string; taxId?: string; name?: string } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const out: { account?: string; taxId?: string; name?: string } = {};
  if (lines.length && /^[A-Z0-9]{5,34}$/.test(lines[0]!)) out.account = lines.shift()!;
  if (lines.length && /^(\d{10}|\d{12})$/.test(lines[0]!)) out.taxId = lines.shift()!;
  const name = lines.join(' ').split('//')[0]!.replace(/\s+/g, ' ').trim();
  if (name) out.name = name;
  return out;
}

function parseDate(v: string, f: DateFormat): string | undefined {
  const s = v.trim().split(/[ T]/)[0] ?? '';
  let m: RegExpExecArray | null;
  switch (f) {
    case 'YYYY-MM-DD': m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s); return m ? checkedIso(m[1]!, m[2]!, m[3]!) : undefined;
    case 'DD.MM.YYYY': m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[2]!, m[1]!) : undefined;
    case 'DD.MM.YY': m = /^(\d{2})\.(\d{2})\.(\d{2}|\d{4})$/.exec(s); return m ? checkedIso(m[3]!.length === 2 ? `20${m[3]}` : m[3]!, m[2]!, m[1]!) : undefined;
    case 'DD/MM/YYYY': m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[2]!, m[1]!) : undefined;
    case 'MM/DD/YYYY': m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[1]!, m[2]!) : undefined;
  }
}

// A currency the bank prints beside the figure: an ISO code, a currency sign, or the Russian `руб.` / `р.`.
const CURRENCY = String.raw`(?:[A-Z]{3}|\p{Sc}|руб\.?|р\.)`;
const CURRENCY_ALL = new RegExp(CURRENCY, 'gu');

function amountShape(decimal: '.' | ','): RegExp {
  const d = decimal === '.' ? '\\.' : ',';
  const other = decimal === '.' ? ',' : '\\.';
  // Plain digits, or thousands in groups of three; then the fraction after the profile's decimal mark.
  const num = String.raw`(?:(?:\d+|\d{1,3}(?:[ \u00a0\u202f'${other}]\d{3})+)(?:${d}\d+)?|${d}\d+)`;
  const signed = String.raw`(?:[-+\u2212]\s*(?:${CURRENCY}\s*)?${num}|${num}-?|\(\s*${num}\s*\))`;
  return new RegExp(String.raw`^(?:${CURRENCY}\s*)?${signed}(?:\s*${CURRENCY})?$`, 'u');
}
const AMOUNT_SHAPE = { '.': amountShape('.'), ',': amountShape(',') } as const;
// Most cells are bare figures: no need for the full shape.
const BARE = { '.': /^-?\d+(?:\.\d+)?$/, ',': /^-?\d+(?:,\d+)?$/ } as const;

/**
 * The figure of an amount cell that is a plain decimal in the profile's format, without its currency;
 * undefined for anything else (`1e30`, `0x10`, `12a3`, `1,2,3`), which must never be read as some other number.
 */
export function plainDecimal(text: string, decimal: '.' | ','): string | undefined {
  const s = text.trim();
  if (BARE[decimal].test(s)) return s;
  if (!AMOUNT_SHAPE[decimal].test(s)) return undefined;
  const currencies = s.match(CURRENCY_ALL) ?? [];
  if (currencies.length > 1) return undefined;
  const figure = currencies.length ? s.replace(CURRENCY_ALL, '') : s;
  // One grouping separator throughout: `1 234 567`, not `1 234.567`.
  const whole = figure.split(decimal)[0]!.replace(/^[\s(+\-\u2212]+|[\s)-]+$/g, '');
  if (new Set(whole.replace(/\d/g, '')).size > 1) return undefined;
  return figure;
}

function detectEncoding(head: Uint8Array): string {
  try {
    let end = head.length;
    while (end > 0 && end > head.length - 4 && (head[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && head[end - 1]! >= 0xc0) end--;
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1251';
  }
}

/** The file as UTF-8 bytes for csv-parse: UTF-8 as it is (csv-parse drops the BOM), anything else decoded and re-encoded. */
function* utf8Chunks(chunks: Iterable<Uint8Array>, encoding: string): Generator<Uint8Array> {
  if (encoding === 'utf-8') { yield* chunks; return; }
  for (const s of decodeChunks(chunks, encoding)) if (s) yield Buffer.from(s, 'utf8');
}

function* skipBytes(chunks: Iterable<Uint8Array>, n: number): Generator<Uint8Array> {
  for (const c of chunks) {
    if (n >= c.length) { n -= c.length; continue; }
    yield n > 0 ? c.subarray(n) : c;
    n = 0;
  }
}

/**
 * Line numbers for csv-parse's byte offsets (its own count goes wrong on a CRLF inside quotes). Counts CRLF,
 * LF and a lone CR as one break each, and holds only the bytes not counted yet.
 */
class LineCounter {
  private readonly chunks: Uint8Array[] = [];
  private base = 0;
  private pos = 0;
  /** The last byte counted was a CR (a LF right after it is the same break). */
  private cr = false;
  /** Next LF and CR at or after `pos` in the first chunk (its length when none), so each byte is searched once. */
  private lf = -1;
  private crAt = -1;
  constructor(private line: number) {}

  feed(bytes: Uint8Array): void { this.chunks.push(bytes); }

  private count(b: number): void {
    if (b === 13) this.line++;
    else if (!this.cr) this.line++;
    this.cr = b === 13;
  }

  private nextBreak(c: Uint8Array, i: number): number {
    if (this.lf < i) { this.lf = c.indexOf(10, i); if (this.lf < 0) this.lf = c.length; }
    if (this.crAt < i) { this.crAt = c.indexOf(13, i); if (this.crAt < 0) this.crAt = c.length; }
    return Math.min(this.lf, this.crAt);
  }

  private dropFirst(c: Uint8Array): void {
    this.base += c.length;
    this.chunks.shift();
    this.lf = this.crAt = -1;
  }

  /** Steps over the empty lines csv-parse skipped; the line the next record starts on. */
  recordStart(): number {
    while (this.chunks.length) {
      const c = this.chunks[0]!;
      let i = this.pos - this.base;
      while (i < c.length && (c[i] === 10 || c[i] === 13)) this.count(c[i++]!);
      this.pos = this.base + i;
      if (i < c.length) break;
      this.dropFirst(c);
    }
    return this.line;
  }

  /** Counts the breaks before byte offset `to` (the end of a record); the line after it. */
  advanceTo(to: number): number {
    while (this.pos < to && this.chunks.length) {
      const c = this.chunks[0]!;
      const end = Math.min(c.length, to - this.base);
      let i = this.pos - this.base;
      while (i < end) {
        const j = this.nextBreak(c, i);
        if (j > i) this.cr = false;
        if (j >= end) break;
        this.count(c[j]!);
        i = j + 1;
      }
      this.pos = this.base + end;
      if (end === c.length) this.dropFirst(c);
    }
    return this.line;
  }
}

/**
 * csv-parse's stream parser driven synchronously: Node runs `_transform` inside `write` and `_flush` inside `end`
 * when nothing is queued, and the parser hands each record to `push` as it ends, while `info.bytes` is the offset
 * just past it. Records go straight to `onRecord` (no per-record context objects, nothing queued); counting
 * what reached `_transform` and `_flush` turns any change in that timing into an error, never into lost rows.
 */
class SyncParser extends Parser {
  parsedBytes = 0;
  flushed = false;
  /** The first error thrown by `onRecord`; the records after it are ignored. */
  failure: unknown;
  constructor(options: Options, private readonly onRecord: (cells: string[], end: number) => void) {
    super(options);
  }
  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    if (this.failure === undefined) {
      try {
        this.onRecord(record as string[], this.info.bytes);
      } catch (e) {
        this.failure = e;
      }
    }
    return true;
  }
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    this.parsedBytes += chunk.length;
    super._transform(chunk, encoding, callback);
  }
  override _flush(callback: TransformCallback): void {
    super._flush(callback);
    this.flushed = true;
  }
}

// Bank exports: a quote inside an unquoted field is text (`Monitor 27" LG`), metadata lines above the header
// have fewer cells, blank lines between blocks. A record over 1 MB is a quote that never closes.
const CSV_OPTIONS = { bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1 << 20 } as const;

function unreadable(file: string, line: number, e: CsvError): StatementError {
  const why = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opened in this record is never closed'
    : e.code === 'CSV_MAX_RECORD_SIZE' ? 'the record runs on past 1 MB (a quote opened in it is probably never closed)'
    : e.message;
  return new StatementError('malformed', `${file}: line ${line}: the record cannot be read as CSV: ${why}`, 'csv');
}

/**
 * Streams the records of UTF-8 `chunks` through csv-parse. `onRecord` gets each record's cells, the line it
 * starts on (counting from `firstLine`), the byte offset just past it and the line after it. A record csv-parse
 * cannot read is a StatementError naming its line; errors thrown by `onRecord` come out as they are.
 */
function readRecords(chunks: Iterable<Uint8Array>, delimiter: string, file: string, firstLine: number,
  onRecord: (cells: string[], line: number, end: number, nextLine: number) => void): void {
  const lines = new LineCounter(firstLine);
  const parser = new SyncParser({ ...CSV_OPTIONS, delimiter }, (cells, end) => {
    const line = lines.recordStart();
    onRecord(cells, line, end, lines.advanceTo(end));
  });
  // Errors are read from the parser right after each call; the later event would only repeat them.
  parser.on('error', () => {});
  const check = () => {
    if (parser.failure !== undefined) throw parser.failure;
    const e = parser.errored;
    if (e instanceof CsvError) throw unreadable(file, lines.recordStart(), e);
    if (e) throw e;
  };
  let fed = 0;
  for (const c of chunks) {
    if (c.length === 0) continue;
    lines.feed(c);
    fed += c.length;
    parser.write(c);
    check();
    if (parser.parsedBytes !== fed) throw new Error(`${file}: csv-parse did not read the chunk synchronously`);
  }
  parser.end();
  check();
  if (!parser.flushed) throw new Error(`${file}: csv-parse did not finish synchronously`);
}

interface HeadRecord { cells: string[]; line: number; end: number; nextLine: number }
/** The first records of the file read with one delimiter; `error` when the file itself cannot be read that way. */
interface Head { records: HeadRecord[]; error?: StatementError }

const HEAD_RECORDS = 30;

function readHead(bytes: Uint8Array, complete: boolean, delimiter: string, file: string): Head {
  const records: HeadRecord[] = [];
  let error: StatementError | undefined;
  try {
    readRecords([bytes], delimiter, file, 1, (cells, line, end, nextLine) => {
      if (records.length <= HEAD_RECORDS) records.push({ cells, line, end, nextLine });
    });
    // The last record of a cut-off head may be cut too.
    if (!complete && records.length <= HEAD_RECORDS) records.pop();
  } catch (e) {
    if (!(e instanceof StatementError)) throw e;
    // A cut-off head may end inside a quoted field: only a whole file's reading error counts.
    if (complete) error = e;
  }
  return { records: records.slice(0, HEAD_RECORDS), ...(error ? { error } : {}) };
}

const isBlank = (cells: readonly string[]) => cells.every((x) => x.trim() === '');

const DATE_WORDS = ['date', 'дата', 'datum', 'booking date', 'дата операции', 'дата проводки'];
const AMOUNT_WORDS = ['amount', 'сумма', 'betrag', 'sum', 'сумма операции'];
const BALANCE_WORDS = ['balance', 'остаток', 'saldo', 'баланс'];
const TEXT_WORDS = ['description', 'назначение платежа', 'описание', 'text', 'memo', 'purpose', 'verwendungszweck'];
const GUESS_DELIMITERS = [';', ',', '\t', '|'];
const HEAD_BYTES = 64 * 1024;

/**
 * Parses a CSV statement with the first matching profile (owner's first). `file` names it in errors.
 * The header is found in the first records; then the rest of the file streams through csv-parse record by
 * record, and only the normalised entries are kept.
 */
export function parseCsv(chunks: Iterable<Uint8Array>, file: string, ownerProfiles: readonly CsvProfile[] = []): ParsedStatement[] {
  const { head, rest } = peekBytes(chunks, HEAD_BYTES);
  if (head.length === 0) throw new StatementError('empty', `${file}: the file is empty`, 'csv');
  const encoding = detectEncoding(head);
  // The header is looked for in the first 64 KB, however large the chunks come.
  const look = head.subarray(0, HEAD_BYTES);
  const headBytes = encoding === 'utf-8' ? look : Buffer.from(new TextDecoder(encoding).decode(look), 'utf8');
  const complete = head.length < HEAD_BYTES;
  const heads = new Map<string, Head>();
  const headOf = (delimiter: string): Head => {
    let h = heads.get(delimiter);
    if (!h) heads.set(delimiter, h = readHead(headBytes, complete, delimiter, file));
    return h;
  };
  let profile: CsvProfile | undefined;
  let headerAt = -1;
  let idx: Map<string, number> | undefined;
  let guessed = false;
  let headerRows = 1;
  for (const p of [...ownerProfiles, ...BUILTIN_PROFILES]) {
    const recs = headOf(p.delimiter).records;
    // A one-row header first: a metadata line just above a header must not pass for a two-row header's top row.
    for (const twoRows of [false, true]) {
      for (let i = 0; i < recs.length && !profile; i++) {
        // The second header row is the very next line: a blank line ends a header.
        const next = twoRows && recs[i + 1]?.line === recs[i]!.nextLine ? recs[i + 1]!.cells : undefined;
        const m = matchHeader(recs[i]!.cells, next, p);
        if (m) { profile = p; headerAt = i; idx = m.idx; headerRows = m.rows; }
      }
    }
    if (profile) break;
  }
  if (!profile) {
    const g = guessProfile(headOf, file, () => new TextDecoder(encoding).decode(look), [...ownerProfiles, ...BUILTIN_PROFILES].map((p) => p.delimiter));
    profile = g.profile; headerAt = g.headerAt; idx = g.idx; guessed = true;
  }
  const p = profile;
  const headRecords = headOf(p.delimiter).records;
  const dataStart = headRecords[headerAt + headerRows - 1]!;
  const col = (name: string | undefined) => (name === undefined ? undefined : idx!.get(norm(name)));
  const c = {
    date: col(p.columns.date)!, valueDate: col(p.columns.valueDate), amount: col(p.columns.amount), debit: col(p.columns.debit), credit: col(p.columns.credit),
    text: (p.columns.text ?? []).map(col).filter((x): x is number => x !== undefined), counterparty: col(p.columns.counterparty),
    cpAccount: col(p.columns.counterpartyAccount), taxId: col(p.columns.taxId), id: col(p.columns.id), currency: col(p.columns.currency),
    account: col(p.columns.account), status: col(p.columns.status), balance: col(p.columns.balance),
    debitParty: col(p.columns.debitParty), creditParty: col(p.columns.creditParty),
  };
  const footer = p.footer ? { opening: norm(p.footer.opening), closing: norm(p.footer.closing) } : undefined;
  const stated: { opening?: Money; closing?: Money } = {};
  const skip = new Set((p.skipValues ?? []).map((s) => s.toUpperCase()));
  let account = p.account;
  // Some banks print the account above the header (`Счет: 40702...`).
  if (!account && c.account === undefined) {
    for (const r of headRecords.slice(0, headerAt)) { const m = /(\d{20}|[A-Z]{2}\d{2}[A-Z0-9]{10,30})/.exec(r.cells.join(p.delimiter)); if (m) { account = m[1]; break; } }
  }
  const byAccount = new Map<string, ParsedStatement>();
  const balances: { amount: Money; balance: Money }[] = [];
  const money = (v: string, what: string, line: number): Money => {
    const figure = plainDecimal(v, p.decimal);
    if (figure === undefined) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${v}" is not a plain decimal (profile ${p.name}, decimal "${p.decimal}")`, 'csv');
    try {
      return parseMoney(figure, p.decimal);
    } catch (e) {
      if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${v}" is not an amount: ${e.message} (profile ${p.name})`, 'csv');
      throw e;
    }
  };
  let cells: string[] = [];
  const cell = (i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());
  const onRecord = (record: string[], lineNo: number) => {
    if (isBlank(record)) return;
    cells = record;
    if (c.status !== undefined && skip.has(cell(c.status).toUpperCase())) return;
    if (c.id !== undefined && skip.has(cell(c.id).toUpperCase())) return;
    if (footer) {
      const label = cells.map(norm).find((x) => x === footer.opening || x === footer.closing);
      if (label) {
        // A balance row: credit minus debit, so an overdraft comes out negative.
        const d = cell(c.debit), k = cell(c.credit);
        if (d || k) stated[label === footer.opening ? 'opening' : 'closing'] = (k ? money(k, 'balance', lineNo) : 0n) - (d ? money(d, 'balance', lineNo) : 0n);
        return;
      }
    }
    const dateText = cell(c.date);
    const date = parseDate(dateText, p.dateFormat);
    if (!date) {
      // Summary lines at the bottom (totals) carry no date: stop at the first one after data.
      if (dateText === '' && byAccount.size > 0) return;
      throw new StatementError('malformed', `${file}: line ${lineNo}: date "${dateText}" does not match ${p.dateFormat} (profile ${p.name})`, 'csv');
    }
    let amount: Money;
    if (c.amount !== undefined) amount = money(cell(c.amount), 'amount', lineNo);
    else {
      const d = cell(c.debit), k = cell(c.credit);
      const dv = d ? money(d, 'debit', lineNo) : 0n, kv = k ? money(k, 'credit', lineNo) : 0n;
      amount = kv - (dv < 0n ? -dv : dv);
    }
    let party: ReturnType<typeof partyBlock> = {};
    let ownSide: string | undefined;
    if (c.debitParty !== undefined || c.creditParty !== undefined) {
      // Money out: the debited side is ours and the credited side the other party; money in, the reverse.
      const debited = partyBlock(cell(c.debitParty)), credited = partyBlock(cell(c.creditParty));
      [party, ownSide] = amount < 0n ? [credited, debited.account] : [debited, credited.account];
    }
    const acct = cell(c.account) || account || ownSide;
    if (!acct) throw new StatementError('malformed', `${file}: no account: the profile ${p.name} has no account column and names no account`, 'csv');
    if (ownSide && acct !== ownSide) throw new StatementError('malformed', `${file}: line ${lineNo}: neither side of the row is the statement's account ${acct}`, 'csv');
    const ccy = cell(c.currency).toUpperCase().replace(/^RUR$/, 'RUB') || p.currency || currencyOfRuAccount(acct);
    if (!ccy || !/^[A-Z]{3}$/.test(ccy)) throw new StatementError('malformed', `${file}: line ${lineNo}: no currency (profile ${p.name})`, 'csv');
    const e: StatementEntry = {
      bookingDate: date, amount, direction: amount >= 0n ? 'in' : 'out',
      text: c.text.map(cell).filter(Boolean).join(' '), provisional: false,
    };
    const vd = c.valueDate !== undefined ? parseDate(cell(c.valueDate), p.dateFormat) : undefined;
    if (vd) e.valueDate = vd;
    const cpName = cell(c.counterparty) || party.name, cpAccount = cell(c.cpAccount) || party.account, cpTaxId = cell(c.taxId) || party.taxId;
    if (cpName) e.counterpartyName = cpName;
    if (cpAccount) e.counterpartyAccount = cpAccount;
    if (cpTaxId) e.counterpartyTaxId = cpTaxId;
    if (cell(c.id)) { e.bankId = cell(c.id); e.reference = cell(c.id); }
    let st = byAccount.get(`${acct}|${ccy}`);
    if (!st) {
      st = { format: 'csv', account: acct, currency: ccy, periodStart: date, periodEnd: date, blocks: [], entries: [], provisional: false, warnings: [] };
      if (guessed) st.warnings.push(`no profile matched: delimiter "${p.delimiter}" and decimal "${p.decimal}" were guessed and confirmed by the file's running balance on every row`);
      byAccount.set(`${acct}|${ccy}`, st);
    }
    st.periodStart = minDate(st.periodStart, date);
    st.periodEnd = maxDate(st.periodEnd, date);
    st.entries.push(e);
    if (c.balance !== undefined && cell(c.balance)) balances.push({ amount, balance: money(cell(c.balance), 'balance', lineNo) });
  };
  // The rows under the header, read again from the file's start as a stream: the head was only a look.
  readRecords(skipBytes(utf8Chunks(restIterable(head, rest), encoding), dataStart.end), p.delimiter, file, dataStart.nextLine, onRecord);
  if (byAccount.size === 0) throw new StatementError('empty', `${file}: no transactions under the header (profile ${p.name})`, 'csv');
  if (byAccount.size === 1 && (stated.opening !== undefined || stated.closing !== undefined)) {
    const st = [...byAccount.values()][0]!;
    if (stated.opening !== undefined) st.openingBalance = stated.opening;
    if (stated.closing !== undefined) st.closingBalance = stated.closing;
  }
  // A running balance column gives opening and closing, whichever way the rows are sorted.
  else if (byAccount.size === 1 && balances.length && balances.length === [...byAccount.values()][0]!.entries.length) {
    const st = [...byAccount.values()][0]!;
    const dir = runningDirection(balances);
    if (dir === 'asc') { st.openingBalance = balances[0]!.balance - balances[0]!.amount; st.closingBalance = balances[balances.length - 1]!.balance; }
    else if (dir === 'desc') { st.openingBalance = balances[balances.length - 1]!.balance - balances[balances.length - 1]!.amount; st.closingBalance = balances[0]!.balance; }
    else if (guessed) throw new StatementError('unsupported', `${file}: the guessed reading (delimiter "${p.delimiter}", decimal "${p.decimal}") breaks the running balance further down; add a profile to the "CSV profiles" rules note`, 'csv');
    else st.warnings.push('the balance column does not follow the amounts in either order');
  }
  return [...byAccount.values()];
}

function runningDirection(rows: readonly { amount: Money; balance: Money }[]): 'asc' | 'desc' | undefined {
  let asc = true, desc = true;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1]!.balance + rows[i]!.amount !== rows[i]!.balance) asc = false;
    if (rows[i]!.balance + rows[i - 1]!.amount !== rows[i - 1]!.balance) desc = false;
  }
  return asc ? 'asc' : desc ? 'desc' : undefined;
}

/**
 * Guesses delimiter and decimal only when a balance column confirms every row; otherwise refuses, naming the
 * columns found, or the line where the file stops being readable as CSV when no header was seen at all.
 */
function guessProfile(headOf: (delimiter: string) => Head, file: string, headText: () => string, profileDelimiters: readonly string[]): { profile: CsvProfile; headerAt: number; idx: Map<string, number> } {
  const found: string[] = [];
  for (const delimiter of GUESS_DELIMITERS) {
    const records = headOf(delimiter).records;
    for (let i = 0; i < records.length; i++) {
      const header = records[i]!.cells.map((s) => s.trim());
      const cells = header.map(norm);
      if (cells.length < 3) continue;
      const pick = (words: string[]) => cells.findIndex((c) => words.includes(c));
      const d = pick(DATE_WORDS), a = pick(AMOUNT_WORDS), b = pick(BALANCE_WORDS), t = pick(TEXT_WORDS);
      if (d < 0 || a < 0) continue;
      found.push(header.join(' | '));
      if (b < 0) continue;
      const data = records.slice(i + 1).map((r) => r.cells).filter((r) => !isBlank(r));
      for (const decimal of [',', '.'] as const) {
        for (const dateFormat of ['DD.MM.YYYY', 'YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const) {
          try {
            const rows = data.map((r) => ({ amount: parseMoney(r[a] ?? '', decimal), balance: parseMoney(r[b] ?? '', decimal), date: parseDate(r[d] ?? '', dateFormat) }));
            if (rows.length < 2 || rows.some((r) => !r.date)) continue;
            if (!runningDirection(rows)) continue;
            const profile: CsvProfile = { name: 'guessed', delimiter, decimal, dateFormat, columns: { date: header[d]!, amount: header[a]!, balance: header[b]!, ...(t >= 0 ? { text: [header[t]!] } : {}) } };
            const idx = new Map<string, number>();
            header.forEach((h, k) => { if (!idx.has(norm(h))) idx.set(norm(h), k); });
            return { profile, headerAt: i, idx };
          } catch {
            // this reading does not fit: try the next
          }
        }
      }
    }
  }
  const firstLine = headText().split(/\r?\n/).find((l) => l.trim()) ?? '';
  const columns = found[0] ?? firstLine.slice(0, 200);
  // No header in sight and a record that cannot be read (a quote that never closes swallows the header): that is the reason.
  const unread = [...new Set(profileDelimiters)].map((d) => headOf(d).error).find((e) => e !== undefined);
  if (unread && found.length === 0) throw unread;
  throw new StatementError('unsupported', `${file}: no CSV profile matches and the delimiter cannot be confirmed by a running balance; columns found: ${columns}. Add a profile to the "CSV profiles" rules note.`, 'csv');
}
