// Which statement format a file is, from its first bytes (the extension is only a hint). A CSV is a bank
// statement only when a bank profile (built in or the owner's) fits its header, when its header has the
// date, amount and running-balance columns the parser can confirm a guess with, or when it names a column
// only bank statements have (booking day, value date, payment purpose: the parser then asks for a
// profile). Anything else, an accounting export (an invoice register) above all, is left to the
// importers that read those.
import type { StatementFormat } from '../model.ts';
import { BUILTIN_PROFILES, type CsvProfile } from './csv.ts';

export type SniffedFormat = '1c' | 'camt' | 'ofx' | 'mt940' | 'csv';

export interface SniffOptions {
  /** The owner's CSV profiles (the built-in ones are always tried). */
  csvProfiles?: readonly CsvProfile[];
  /** Claim any table, profile or not: the owner's profiles cannot be read, and the import must say why. */
  anyCsv?: boolean;
  /** Tables that are something else by the owner's word (an ERP profile fits them): never claimed. */
  notStatement?: (head: Uint8Array) => boolean;
}

export function sniffStatement(head: Uint8Array, opts: SniffOptions = {}): SniffedFormat | undefined {
  if (head.length === 0) return undefined;
  const latin = new TextDecoder('latin1').decode(head.subarray(0, 8192));
  const text = latin.replace(/^\u00ef\u00bb\u00bf/, '');
  if (text.trimStart().startsWith('1CClientBankExchange')) return '1c';
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.05\d/.test(text)) return 'camt';
  if (/^\s*(OFXHEADER\s*:|<\?xml[^>]*\?>\s*<\?OFX)/i.test(text) || /^\s*<OFX>/i.test(text)) return 'ofx';
  if (/(^|\n)\s*:20:/.test(text) && /(^|\n):(25|60[FM]|61|62[FM]):/.test(text)) return 'mt940';
  if (/\{1:F01/.test(text) && /:20:/.test(text)) return 'mt940';
  if (looksLikeCsv(head) && !opts.notStatement?.(head) && (opts.anyCsv || bankHeader(head, [...(opts.csvProfiles ?? []), ...BUILTIN_PROFILES]))) return 'csv';
  return undefined;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');
// The guesser's words (csv.ts): a date, an amount and a running balance make a statement without a profile.
const DATE_WORDS = ['date', 'дата', 'datum', 'booking date', 'дата операции', 'дата проводки'];
const AMOUNT_WORDS = ['amount', 'сумма', 'betrag', 'sum', 'сумма операции'];
const BALANCE_WORDS = ['balance', 'остаток', 'saldo', 'баланс'];
// Columns no accounting register has: a bank's booking and value dates, turnover, payment purpose.
const BANK_ONLY_WORDS = [
  'buchungstag', 'buchungsdatum', 'wertstellung', 'valuta', 'valutadatum', 'umsatz', 'verwendungszweck', 'booking date', 'value date',
  'назначение платежа', 'дата валютирования', 'дата списания',
];
const HEADER_LINES = 30;

/** The columns a profile needs in a header (those it may miss aside). */
function requiredColumns(p: CsvProfile): string[] {
  const c = p.columns;
  const optional = new Set((p.optional ?? []).map(norm));
  const all = [c.date, c.valueDate, c.amount, c.debit, c.credit, ...(c.text ?? []), c.counterparty, c.counterpartyAccount, c.taxId, c.id, c.currency, c.account, c.status, c.balance, c.debitParty, c.creditParty];
  return all.filter((x): x is string => !!x).map(norm).filter((n) => !optional.has(n));
}

/**
 * Whether a line near the top holds a bank profile's columns (a header may take two lines: a merged cell
 * over `Дебет | Кредит`), the columns a guess can be confirmed with, or a column only banks write. Cells
 * are split plainly: this is a sniff, the parser reads the file properly.
 */
function bankHeader(head: Uint8Array, profiles: readonly CsvProfile[]): boolean {
  const text = decodeHead(head);
  const lines = text.split(/\r\n|\n|\r/).slice(0, HEADER_LINES);
  const cellsOf = (line: string | undefined, d: string) => new Set((line ?? '').split(d).map((c) => norm(c.replace(/^\s*"|"\s*$/g, '').replace(/""/g, '"'))));
  for (const p of profiles) {
    const required = requiredColumns(p);
    for (let i = 0; i < lines.length; i++) {
      const here = cellsOf(lines[i], p.delimiter);
      const next = cellsOf(lines[i + 1], p.delimiter);
      if (required.every((n) => here.has(n) || next.has(n))) return true;
    }
  }
  for (const d of [';', ',', '\t', '|']) {
    for (const line of lines) {
      const cells = [...cellsOf(line, d)];
      if (cells.length < 3) continue;
      if ([DATE_WORDS, AMOUNT_WORDS, BALANCE_WORDS].every((words) => cells.some((c) => words.includes(c)))) return true;
      if (cells.some((c) => BANK_ONLY_WORDS.includes(c))) return true;
    }
  }
  return false;
}

/** UTF-8 when the head is valid UTF-8 (a character cut at the end forgiven), else windows-1251, as the parser reads it. */
function decodeHead(head: Uint8Array): string {
  const bytes = head.subarray(0, 65536);
  let end = bytes.length;
  while (end > 0 && end > bytes.length - 4 && (bytes[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && bytes[end - 1]! >= 0xc0) end--;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end)).replace(/^\ufeff/, '');
  } catch {
    return new TextDecoder('windows-1251').decode(bytes);
  }
}

/** Text without NUL bytes whose lines share a delimiter count: a table, whichever bank wrote it. */
function looksLikeCsv(head: Uint8Array): boolean {
  for (const b of head.subarray(0, 4096)) if (b === 0) return false;
  const lines = new TextDecoder('latin1').decode(head.subarray(0, 16384)).split(/\r?\n/).filter((l) => l.trim()).slice(0, 20);
  if (lines.length < 2) return false;
  for (const d of [';', ',', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const top = counts.filter((c) => c >= 2);
    if (top.length >= 2 && top.filter((c) => c === top[top.length - 1]).length >= Math.min(2, top.length)) return true;
  }
  return false;
}

export const FORMAT_LABEL: Record<SniffedFormat, StatementFormat | 'camt'> = { '1c': '1c', camt: 'camt', ofx: 'ofx', mt940: 'mt940', csv: 'csv' };
