// The normalised statement every parser produces, whatever the bank's format. Amounts are exact
// Money (contract/money.ts); dates are plain `YYYY-MM-DD` as the bank wrote them (no time zones).
import { openSync, readSync, closeSync } from 'node:fs';
import type { Money } from '../../contract/money.ts';
import { STATEMENT_FORMATS } from '../../contract/kinds/finance.ts';

export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export interface StatementEntry {
  bookingDate: string;
  valueDate?: string;
  /** Signed: positive money in, negative money out. */
  amount: Money;
  direction: 'in' | 'out';
  counterpartyName?: string;
  /** Account number (domestic) or IBAN of the other side. */
  counterpartyAccount?: string;
  counterpartyIban?: string;
  /** INN or another tax id of the other side. */
  counterpartyTaxId?: string;
  /** BIC of the other side's bank. */
  counterpartyBank?: string;
  /** The bank's own id: FITID, AcctSvcrRef, the 1C composite key, MT940 bank reference. */
  bankId?: string;
  /** Document number or customer reference as printed. */
  reference?: string;
  text: string;
  /** Not booked yet (CAMT.052, `PDNG`, MT942): kept out of booked balances. */
  provisional: boolean;
}

/** A balance block the file states (1C day blocks, MT940 statements inside one file). */
export interface BalanceBlock {
  from: string;
  to: string;
  opening: Money;
  closing: Money;
  totalIn?: Money;
  totalOut?: Money;
  /** The block's own movements, when the file groups entries by block (MT940); otherwise summed by date. */
  movements?: Money;
  /** Currency the bank wrote on the balance, when it differs from the account's. */
  currency?: string;
}

export interface ParsedStatement {
  format: StatementFormat;
  account: string;
  /** BIC or bank name, when the file says. */
  bank?: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  openingBalance?: Money;
  closingBalance?: Money;
  /** Date the opening balance applies to (the day before the first movement for CAMT/MT940), when given. */
  blocks: BalanceBlock[];
  entries: StatementEntry[];
  provisional: boolean;
  warnings: string[];
}

/** Why a file is not imported. `not_statement`: recognised but not a bank statement (CAMT.054, OFX investment). */
export type RejectKind = 'not_statement' | 'malformed' | 'empty' | 'unsupported';

export class StatementError extends Error {
  constructor(
    readonly kind: RejectKind,
    message: string,
    readonly format?: StatementFormat | 'camt.054' | 'mt942',
  ) {
    super(message);
  }
}

export type Parser = (chunks: Iterable<Uint8Array>, name: string) => ParsedStatement[];

/** The decimal mark of an amount written with either: the last mark when both appear, a lone comma, else a point. */
export function decimalOf(text: string): '.' | ',' {
  const c = text.lastIndexOf(','), p = text.lastIndexOf('.');
  return c > p ? ',' : '.';
}

/** `31.12.2024` or `31.12.24` -> `2024-12-31`; undefined when not a real date. */
export function dmyToIso(text: string): string | undefined {
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const year = m[3]!.length === 2 ? `20${m[3]}` : m[3]!;
  return checkedIso(year, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0'));
}

export function checkedIso(year: string, month: string, day: string): string | undefined {
  const y = Number(year), mo = Number(month), d = Number(day);
  if (!(mo >= 1 && mo <= 12 && d >= 1)) return undefined;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return undefined;
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

export function minDate(a: string | undefined, b: string): string {
  return a === undefined || b < a ? b : a;
}
export function maxDate(a: string | undefined, b: string): string {
  return a === undefined || b > a ? b : a;
}

/** Currency of a Russian account number: digits 6-8 are the OKV code. */
export function currencyOfRuAccount(account: string): string | undefined {
  if (!/^\d{20}$/.test(account)) return undefined;
  const code = account.slice(5, 8);
  return ({ '810': 'RUB', '643': 'RUB', '978': 'EUR', '840': 'USD', '156': 'CNY', '826': 'GBP', '756': 'CHF', '398': 'KZT', '933': 'BYN' } as Record<string, string>)[code];
}

export function isIban(s: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s.replace(/\s+/g, ''));
}

/**
 * Reads a file as chunks without holding it whole. Small chunks on purpose: their decoded text stays
 * in V8's young generation and dies there, where 1 MB chunks went to the large-object space and
 * lingered until a full collection (a 100 MB statement peaked 100 MB higher).
 */
export function* fileChunks(absPath: string, size = 32768): Generator<Uint8Array> {
  const fd = openSync(absPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      yield Uint8Array.prototype.slice.call(buf, 0, n);
    }
  } finally {
    closeSync(fd);
  }
}


/**
 * A copy of `s` that does not keep the text it was sliced from alive. V8 keeps a slice of 13 or more
 * characters as a view into its parent: an entry holding a slice of a decoded 1 MB chunk would pin
 * the whole chunk, and a 100 MB statement would stay in memory twice over.
 */
export function detach(s: string): string {
  if (s.length < 13) return s;
  const c = ' ' + s;
  c.charCodeAt(1); // flattens the concatenation into a fresh string
  return c.slice(1);
}

/** Detached copies of repeated values (accounts, names, purposes), shared; bounded so hostile input cannot grow it without end. */
export class Interner {
  private readonly map = new Map<string, string>();
  constructor(private readonly max = 50_000) {}
  get(s: string): string {
    if (s.length < 13) return s;
    let v = this.map.get(s);
    if (v === undefined) {
      v = detach(s);
      if (this.map.size < this.max) this.map.set(v, v);
    }
    return v;
  }
}

/** Decodes byte chunks into text chunks with one streaming decoder. */
export function* decodeChunks(chunks: Iterable<Uint8Array>, encoding: string, first?: Uint8Array): Generator<string> {
  const dec = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  if (first) yield dec.decode(first, { stream: true });
  for (const c of chunks) yield dec.decode(c, { stream: true });
  yield dec.decode();
}

/** Splits text chunks into lines (CRLF, LF or CR), streaming. */
export function* linesOf(texts: Iterable<string>): Generator<string> {
  let rest = '';
  for (const t of texts) {
    if (t === '') continue;
    const s = rest + t;
    let start = 0;
    for (;;) {
      const i = s.indexOf('\n', start);
      if (i < 0) break;
      let line = s.slice(start, i);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      yield line;
      start = i + 1;
    }
    rest = s.slice(start);
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** Takes up to `n` bytes from the front of a chunk stream; returns them and the iterator of the rest. */
export function peekBytes(chunks: Iterable<Uint8Array>, n: number): { head: Uint8Array; rest: Iterator<Uint8Array>; restFirst?: Uint8Array } {
  const it = chunks[Symbol.iterator]();
  const parts: Uint8Array[] = [];
  let len = 0;
  while (len < n) {
    const r = it.next();
    if (r.done) break;
    parts.push(r.value);
    len += r.value.length;
  }
  const all = Buffer.concat(parts);
  return { head: all, rest: it };
}

export function restIterable(head: Uint8Array, rest: Iterator<Uint8Array>): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      if (head.length) yield head;
      for (;;) {
        const r = rest.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
}
