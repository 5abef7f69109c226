// CSV statements through profiles: a profile fixes the delimiter, decimal mark, date format and which
// columns mean what (one amount column, or separate debit and credit). A file is claimed by the profile
// whose columns its header has. Without one, a delimiter is only guessed when the file's own running
// balance confirms every row; otherwise the file is refused naming the columns found.
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import {
  StatementError, checkedIso, currencyOfRuAccount, decodeChunks, linesOf, maxDate, minDate, peekBytes, restIterable,
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

/** Splits one CSV record (quotes may hold the delimiter and doubled quotes). */
export function splitRecord(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') { if (line[i + 1] === '"') { cur += '"'; i++; } else quoted = false; }
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

const norm = (s: string) => s.replace(/^\ufeff/, '').trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

function columnNames(p: CsvProfile): string[] {
  const c = p.columns;
  return [c.date, c.valueDate, c.amount, c.debit, c.credit, ...(c.text ?? []), c.counterparty, c.counterpartyAccount, c.taxId, c.id, c.currency, c.account, c.status, c.balance, c.debitParty, c.creditParty].filter((x): x is string => !!x);
}

/**
 * The profile's columns in a header line, or undefined when one is missing. A header may span two lines
 * (a merged `Счет` cell over `Дебет | Кредит`): names missing from the first are looked for in the next,
 * and `rows` says how many lines the header took.
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

const DATE_WORDS = ['date', 'дата', 'datum', 'booking date', 'дата операции', 'дата проводки'];
const AMOUNT_WORDS = ['amount', 'сумма', 'betrag', 'sum', 'сумма операции'];
const BALANCE_WORDS = ['balance', 'остаток', 'saldo', 'баланс'];
const TEXT_WORDS = ['description', 'назначение платежа', 'описание', 'text', 'memo', 'purpose', 'verwendungszweck'];

/**
 * Parses a CSV statement with the first matching profile (owner's first). `file` names it in errors.
 * The whole file streams line by line; only the normalised entries are kept.
 */
export function parseCsv(chunks: Iterable<Uint8Array>, file: string, ownerProfiles: readonly CsvProfile[] = []): ParsedStatement[] {
  const { head, rest } = peekBytes(chunks, 64 * 1024);
  if (head.length === 0) throw new StatementError('empty', `${file}: the file is empty`, 'csv');
  const encoding = detectEncoding(head);
  const headText = new TextDecoder(encoding).decode(head);
  const headLines = headText.split(/\r?\n/).slice(0, 30);
  let profile: CsvProfile | undefined;
  let headerAt = -1;
  let idx: Map<string, number> | undefined;
  let guessed = false;
  let headerRows = 1;
  for (const p of [...ownerProfiles, ...BUILTIN_PROFILES]) {
    for (let i = 0; i < headLines.length && !profile; i++) {
      const next = i + 1 < headLines.length ? splitRecord(headLines[i + 1]!, p.delimiter) : undefined;
      const m = matchHeader(splitRecord(headLines[i]!, p.delimiter), next, p);
      if (m) { profile = p; headerAt = i; idx = m.idx; headerRows = m.rows; }
    }
    if (profile) break;
  }
  if (!profile) {
    const g = guessProfile(headLines, file);
    profile = g.profile; headerAt = g.headerAt; idx = g.idx; guessed = true;
  }
  const p = profile;
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
    for (const l of headLines.slice(0, headerAt)) { const m = /(\d{20}|[A-Z]{2}\d{2}[A-Z0-9]{10,30})/.exec(l); if (m) { account = m[1]; break; } }
  }
  const byAccount = new Map<string, ParsedStatement>();
  const balances: { amount: Money; balance: Money }[] = [];
  let lineNo = 0;
  let pendingLine = '';
  const money = (v: string, what: string, line: number): Money => {
    try {
      return parseMoney(v.replace(/[^\d,.\-+()\s\u00a0']/g, ''), p.decimal);
    } catch (e) {
      if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${v}" is not an amount (profile ${p.name}, decimal "${p.decimal}")`, 'csv');
      throw e;
    }
  };
  for (const raw of linesOf(decodeChunks(restIterable(head, rest), encoding))) {
    lineNo++;
    if (lineNo - 1 < headerAt + headerRows) continue;
    const line = pendingLine ? pendingLine + '\n' + raw : raw;
    // A quoted field may hold a line break: wait for the closing quote.
    if ((line.split('"').length - 1) % 2 === 1) { pendingLine = line; continue; }
    pendingLine = '';
    if (line.trim() === '' || line.split(p.delimiter).every((x) => x.trim() === '')) continue;
    const cells = splitRecord(line, p.delimiter);
    const cell = (i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());
    if (c.status !== undefined && skip.has(cell(c.status).toUpperCase())) continue;
    if (c.id !== undefined && skip.has(cell(c.id).toUpperCase())) continue;
    if (footer) {
      const label = cells.map(norm).find((x) => x === footer.opening || x === footer.closing);
      if (label) {
        // A balance row: credit minus debit, so an overdraft comes out negative.
        const d = cell(c.debit), k = cell(c.credit);
        if (d || k) stated[label === footer.opening ? 'opening' : 'closing'] = (k ? money(k, 'balance', lineNo) : 0n) - (d ? money(d, 'balance', lineNo) : 0n);
        continue;
      }
    }
    const dateText = cell(c.date);
    const date = parseDate(dateText, p.dateFormat);
    if (!date) {
      // Summary lines at the bottom (totals) carry no date: stop at the first one after data.
      if (dateText === '' && byAccount.size > 0) continue;
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
  }
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

/** Guesses delimiter and decimal only when a balance column confirms every row; otherwise refuses. */
function guessProfile(lines: string[], file: string): { profile: CsvProfile; headerAt: number; idx: Map<string, number> } {
  const found: string[] = [];
  for (const delimiter of [';', ',', '\t', '|']) {
    for (let i = 0; i < lines.length; i++) {
      const cells = splitRecord(lines[i]!, delimiter).map(norm);
      if (cells.length < 3) continue;
      const pick = (words: string[]) => cells.findIndex((c) => words.includes(c));
      const d = pick(DATE_WORDS), a = pick(AMOUNT_WORDS), b = pick(BALANCE_WORDS), t = pick(TEXT_WORDS);
      if (d < 0 || a < 0) continue;
      const header = splitRecord(lines[i]!, delimiter).map((s) => s.trim());
      found.push(header.join(' | '));
      if (b < 0) continue;
      const data = lines.slice(i + 1).filter((l) => l.trim()).map((l) => splitRecord(l, delimiter));
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
  const firstLine = lines.find((l) => l.trim()) ?? '';
  const columns = found[0] ?? firstLine.slice(0, 200);
  throw new StatementError('unsupported', `${file}: no CSV profile matches and the delimiter cannot be confirmed by a running balance; columns found: ${columns}. Add a profile to the "CSV profiles" rules note.`, 'csv');
}
