// CSV registers of invoices exported from an accounting system (a sales or purchase journal, a list of
// invoices), read through the owner's profiles in the rules note `rules_type: erp_profiles` — not the
// bank CSV profiles. A profile names the delimiter, decimal mark, date format and which columns hold the
// number, date, due date, counterparty, tax id, total, VAT, currency, and the direction or document
// type. A file is claimed by the profile whose columns its header has. Records come from csv-parse; a
// record it cannot read, an amount that is not a plain decimal, or a date that does not fit refuses the
// whole file naming the line.
import { CsvError, type Info } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import { plainDecimal } from '../../statements/parsers/csv.ts';
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';
import { checkedIso, clean, isoCurrency, party, settle, taxIdOf, tidy } from './common.ts';

export type RegisterDateFormat = 'DD.MM.YYYY' | 'DD.MM.YY' | 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
const DATE_FORMATS: readonly RegisterDateFormat[] = ['DD.MM.YYYY', 'DD.MM.YY', 'YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'];

export interface ErpProfile {
  name: string;
  delimiter: string;
  decimal: '.' | ',';
  dateFormat: RegisterDateFormat;
  columns: {
    number: string; date: string; total: string;
    due?: string; counterparty?: string; taxId?: string; vat?: string; net?: string; currency?: string;
    /** A column saying the direction or the document type (`Реализация`, `Поступление`, `Корректировка`...). */
    kind?: string; contract?: string;
  };
  /** The currency of every row when the file has no currency column. */
  currency?: string;
  /** The direction of every row the kind column does not settle: outgoing (we sell) or incoming (we buy). */
  direction?: 'outgoing' | 'incoming';
  /** Values of the kind column (compared from the start, case and `ё` ignored). */
  outgoingValues?: string[];
  incomingValues?: string[];
  creditNoteValues?: string[];
}

const DELIMITERS: Record<string, string> = { semicolon: ';', comma: ',', tab: '\t', pipe: '|', ';': ';', ',': ',', '\\t': '\t', '|': '|' };
const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** Turns the rows of the `erp_profiles` rules note into profiles; a bad row is reported by its name. */
export function erpProfilesFromRules(rows: readonly Record<string, string>[]): ErpProfile[] {
  return rows.filter((r) => (r.name ?? '').trim()).map((r) => {
    const name = r.name!.trim();
    const col = (k: string) => (r[k] ?? '').trim() || undefined;
    const delimiter = DELIMITERS[(r.delimiter ?? '').trim().toLowerCase()];
    if (!delimiter) throw new Error(`ERP profile ${name}: delimiter "${r.delimiter ?? ''}" (write semicolon, comma, tab or pipe)`);
    for (const k of ['number_column', 'date_column', 'total_column']) if (!col(k)) throw new Error(`ERP profile ${name}: ${k} is empty`);
    const dateFormat = (col('date_format') ?? 'DD.MM.YYYY') as RegisterDateFormat;
    if (!DATE_FORMATS.includes(dateFormat)) throw new Error(`ERP profile ${name}: date_format "${dateFormat}" is not supported (${DATE_FORMATS.join(', ')})`);
    const direction = col('direction')?.toLowerCase();
    if (direction !== undefined && direction !== 'outgoing' && direction !== 'incoming') throw new Error(`ERP profile ${name}: direction "${direction}" (write outgoing or incoming)`);
    const p: ErpProfile = {
      name, delimiter, dateFormat,
      decimal: (col('decimal') ?? '') === '.' || /point|dot/i.test(col('decimal') ?? '') ? '.' : ',',
      columns: tidy({
        number: col('number_column')!, date: col('date_column')!, total: col('total_column')!, due: col('due_column'),
        counterparty: col('counterparty_column'), taxId: col('tax_id_column'), vat: col('vat_column'), net: col('net_column'),
        currency: col('currency_column'), kind: col('kind_column'), contract: col('contract_column'),
      }),
    };
    if (col('currency')) {
      const c = isoCurrency(col('currency'));
      if (!c) throw new Error(`ERP profile ${name}: currency "${col('currency')}" is not a currency code`);
      p.currency = c;
    }
    if (direction) p.direction = direction;
    if (col('outgoing_values')) p.outgoingValues = list(col('outgoing_values'));
    if (col('incoming_values')) p.incomingValues = list(col('incoming_values'));
    if (col('credit_note_values')) p.creditNoteValues = list(col('credit_note_values'));
    if (!p.direction && !(p.columns.kind && (p.outgoingValues || p.incomingValues))) {
      throw new Error(`ERP profile ${name}: say the direction (outgoing or incoming), or give kind_column with outgoing_values or incoming_values`);
    }
    return p;
  });
}

const norm = (s: string) => s.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

function columnNames(p: ErpProfile): string[] {
  return Object.values(p.columns).filter((x): x is string => typeof x === 'string');
}

/** UTF-8 when the bytes are valid UTF-8 (a cut-off character at the end forgiven), else windows-1251. */
export function registerEncoding(bytes: Uint8Array): 'utf-8' | 'windows-1251' {
  let end = bytes.length;
  while (end > 0 && end > bytes.length - 4 && (bytes[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && bytes[end - 1]! >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1251';
  }
}

const HEADER_LINES = 30;

/**
 * The profile whose columns a line near the top has, and that line's cells, from the file's first bytes
 * (a sniff: cells split plainly, quotes stripped; the parser then reads the file properly).
 */
export function matchRegisterHeader(head: Uint8Array, profiles: readonly ErpProfile[]): { profile: ErpProfile; line: number } | undefined {
  if (profiles.length === 0 || head.length === 0) return undefined;
  for (const b of head.subarray(0, 4096)) if (b === 0) return undefined;
  const text = new TextDecoder(registerEncoding(head)).decode(head).replace(/^\ufeff/, '');
  const lines = text.split(/\r\n|\n|\r/).slice(0, HEADER_LINES);
  for (const p of profiles) {
    const want = columnNames(p).map(norm);
    for (let i = 0; i < lines.length; i++) {
      const cells = new Set(lines[i]!.split(p.delimiter).map((c) => norm(c.replace(/^\s*"|"\s*$/g, '').replace(/""/g, '"'))));
      if (want.every((w) => cells.has(w))) return { profile: p, line: i + 1 };
    }
  }
  return undefined;
}

function parseDate(v: string, f: RegisterDateFormat): string | undefined {
  const s = v.trim().split(/[ T]/)[0] ?? '';
  let m: RegExpExecArray | null;
  switch (f) {
    case 'YYYY-MM-DD': m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s); return m ? checkedIso(m[1]!, m[2]!, m[3]!) : undefined;
    case 'DD.MM.YYYY': m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[2]!, m[1]!) : undefined;
    case 'DD.MM.YY': m = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(s); return m ? checkedIso(m[3]!.length === 2 ? `20${m[3]}` : m[3]!, m[2]!, m[1]!) : undefined;
    case 'DD/MM/YYYY': m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[2]!, m[1]!) : undefined;
    case 'MM/DD/YYYY': m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s); return m ? checkedIso(m[3]!, m[1]!, m[2]!) : undefined;
  }
}

// A VAT cell saying there is none: the document carries no VAT (0).
const NO_VAT = /^(без ндс|без налога \(ндс\)|без налога|ндс не облагается|не облагается|no vat|none|n\/a|—|–|-)$/i;

/**
 * Parses an invoice register with the first profile whose columns its header has. Each data row is one
 * document; a row without number and date (a totals line) is skipped. `sourceRef` is `name#line`.
 */
export function parseCsvRegister(bytes: Uint8Array, name: string, profiles: readonly ErpProfile[]): InvoiceDoc[] {
  if (bytes.length === 0) throw new InvoiceFormatError(`${name}: the file is empty`, 'csv');
  const match = matchRegisterHeader(bytes.subarray(0, 65536), profiles);
  if (!match) {
    throw new InvoiceFormatError(profiles.length
      ? `${name}: no ERP profile matches the header (profiles: ${profiles.map((p) => p.name).join(', ')}); add one to the "ERP profiles" rules note`
      : `${name}: there are no ERP profiles: add one to the "ERP profiles" rules note`, 'csv');
  }
  const p = match.profile;
  const text = new TextDecoder(registerEncoding(bytes)).decode(bytes);
  let rows: { info: Info; record: string[] }[];
  try {
    rows = parse(text, {
      delimiter: p.delimiter, bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1 << 20, info: true,
    }) as unknown as { info: Info; record: string[] }[];
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new InvoiceFormatError(`${name}: ${line ? `line ${line}: ` : ''}the record cannot be read as CSV: ${e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opened in it is never closed' : e.message}`, 'csv');
    }
    throw e;
  }
  const want = columnNames(p).map(norm);
  const headerAt = rows.findIndex((r) => { const cells = new Set(r.record.map(norm)); return want.every((w) => cells.has(w)); });
  if (headerAt < 0) throw new InvoiceFormatError(`${name}: the header of profile ${p.name} is not a readable CSV record`, 'csv');
  const idx = new Map<string, number>();
  rows[headerAt]!.record.forEach((c, i) => { if (!idx.has(norm(c))) idx.set(norm(c), i); });
  const at = (col: string | undefined) => (col === undefined ? undefined : idx.get(norm(col)));
  const c = {
    number: at(p.columns.number)!, date: at(p.columns.date)!, total: at(p.columns.total)!, due: at(p.columns.due), counterparty: at(p.columns.counterparty),
    taxId: at(p.columns.taxId), vat: at(p.columns.vat), net: at(p.columns.net), currency: at(p.columns.currency), kind: at(p.columns.kind), contract: at(p.columns.contract),
  };
  const starts = (cell: string, values: string[] | undefined) => !!values?.some((v) => norm(cell).startsWith(norm(v)));
  const out: InvoiceDoc[] = [];
  for (const { info, record } of rows.slice(headerAt + 1)) {
    const line = info.lines;
    const cell = (i: number | undefined) => (i === undefined ? '' : (record[i] ?? '').trim());
    if (record.every((x) => x.trim() === '')) continue;
    // Totals lines under the table have neither a number nor a date.
    if (!cell(c.number) && !cell(c.date)) continue;
    const money = (v: string, what: string): Money => {
      const figure = plainDecimal(v, p.decimal);
      if (figure === undefined) throw new InvoiceFormatError(`${name}: line ${line}: ${what} "${v}" is not a plain decimal (profile ${p.name}, decimal "${p.decimal}")`, 'csv');
      try {
        return parseMoney(figure, p.decimal);
      } catch (e) {
        if (e instanceof MoneyFormatError) throw new InvoiceFormatError(`${name}: line ${line}: ${what} "${v}" is not an amount: ${e.message}`, 'csv');
        throw e;
      }
    };
    const number = clean(cell(c.number));
    if (!number) throw new InvoiceFormatError(`${name}: line ${line}: no document number (column ${p.columns.number})`, 'csv');
    const issued = parseDate(cell(c.date), p.dateFormat);
    if (!issued) throw new InvoiceFormatError(`${name}: line ${line}: date "${cell(c.date)}" does not match ${p.dateFormat} (profile ${p.name})`, 'csv');
    let due: string | undefined;
    if (cell(c.due)) {
      due = parseDate(cell(c.due), p.dateFormat);
      if (!due) throw new InvoiceFormatError(`${name}: line ${line}: due date "${cell(c.due)}" does not match ${p.dateFormat} (profile ${p.name})`, 'csv');
    }
    if (!cell(c.total)) throw new InvoiceFormatError(`${name}: line ${line}: no total (column ${p.columns.total})`, 'csv');
    const total = money(cell(c.total), 'total');
    const vatText = cell(c.vat);
    const vat = vatText === '' ? undefined : NO_VAT.test(vatText) ? 0n : money(vatText, 'VAT');
    const net = cell(c.net) ? money(cell(c.net), 'net') : undefined;
    const currency = cell(c.currency) ? isoCurrency(cell(c.currency)) : p.currency;
    if (!currency) throw new InvoiceFormatError(`${name}: line ${line}: ${cell(c.currency) ? `currency "${cell(c.currency)}" is not a currency code` : `no currency (profile ${p.name} has no currency column and names none)`}`, 'csv');
    const kind = cell(c.kind);
    const direction = starts(kind, p.outgoingValues) ? 'outgoing' : starts(kind, p.incomingValues) ? 'incoming' : p.direction;
    if (!direction) throw new InvoiceFormatError(`${name}: line ${line}: "${kind}" in column ${p.columns.kind} is neither an outgoing nor an incoming document (profile ${p.name})`, 'csv');
    const counterparty: Party = party({ name: clean(cell(c.counterparty)), taxId: taxIdOf(cell(c.taxId)) });
    out.push(tidy({
      source: 'csv',
      ...settle(starts(kind, p.creditNoteValues) ? 'credit_note' : 'invoice', { payable: total, vat, net }),
      number,
      issued,
      due,
      currency,
      // The other side is the business itself: the register does not name it.
      seller: direction === 'incoming' ? counterparty : {},
      buyer: direction === 'outgoing' ? counterparty : {},
      contractNumber: clean(cell(c.contract)),
      sourceRef: `${name}#${line}`,
    }));
  }
  if (out.length === 0) throw new InvoiceFormatError(`${name}: no documents under the header (profile ${p.name})`, 'csv');
  return out;
}
