// The rows of an account ledger note: one Markdown table row per booked transaction, sorted by date.
// The ledger notes are the source of truth; every state cache (dedup keys, daily totals) is rebuilt from
// these rows. New rows are spliced into a month's text where their dates belong, so a month of 20,000
// rows gains a day's rows without being parsed and rendered again.
//
// Counterparty links: a row's identifiers (its Account, Tax id and Counterparty name as the bank gave
// them) are the facts and never change; the Counterparty cell is their rendering as a link, made when a
// counterparty note matches at import, and re-rendered by the statements module's next run after the
// counterparty notes change (a counterparty created from an accepted proposal links its old rows
// without a re-import). Readers (reconciliation, risk, the digest) resolve a row's counterparty from its
// identifiers first and the cell second, so they agree with the vault even before that run.
import { escapeCell, parseTables, tableRecords } from './markdown-table.ts';
import { formatMoney, parseMoney, type Money } from './money.ts';

export interface LedgerRow {
  date: string;
  valueDate: string;
  amount: Money;
  counterparty: string;
  cpAccount: string;
  cpTaxId: string;
  text: string;
  reference: string;
  /** Dedup key (bank id or hash with occurrence index). */
  key: string;
  /** The statement note the row came from (dedup doubts only arise between different statements). */
  statement: string;
  own: boolean;
}

export const LEDGER_HEADER = ['Date', 'Value date', 'Amount', 'Counterparty', 'Account', 'Tax id', 'Text', 'Ref', 'Key', 'Statement', 'Own'] as const;
const HEADER_LINE = `| ${LEDGER_HEADER.join(' | ')} |`;
const SEPARATOR_LINE = `| ${LEDGER_HEADER.map(() => '---').join(' | ')} |`;

const NEEDS_ESCAPE = /[\\|\r\n]/;
const cell = (s: string) => (NEEDS_ESCAPE.test(s) ? escapeCell(s) : s);

export function renderRow(r: LedgerRow): string {
  return `| ${r.date} | ${cell(r.valueDate)} | ${formatMoney(r.amount)} | ${cell(r.counterparty)} | ${cell(r.cpAccount)} | ${cell(r.cpTaxId)} | ${cell(r.text)} | ${cell(r.reference)} | ${cell(r.key)} | ${cell(r.statement)} | ${r.own ? 'yes' : ''} |`;
}

export function renderLedgerTable(rows: readonly LedgerRow[]): string {
  const out: string[] = [HEADER_LINE, SEPARATOR_LINE];
  for (const r of rows) out.push(renderRow(r));
  return out.join('\n') + '\n';
}

/** The whole body of a month's ledger note. */
export function ledgerBody(account: string, currency: string, month: string, rows: readonly LedgerRow[], removed: readonly RemovedRow[] = []): string {
  const main = `# ${account} ${month}\n\nEvery booked transaction of ${account} (${currency}) in ${month}. Written by the statements module: the source of truth its caches are rebuilt from.\n\n${renderLedgerTable(rows)}`;
  return removed.length ? `${main}\n${REMOVED_HEADING}\n\n${renderRemovedTable(removed)}` : main;
}

/**
 * Rows the owner removed as duplicates stay listed below the ledger under their keys, so importing the
 * same statement again finds them known and does not bring them back.
 */
export interface RemovedRow {
  /** The day they were removed. */
  removed: string;
  key: string;
  date: string;
  amount: Money;
  text: string;
  why: string;
}

export const REMOVED_HEADING = '## Removed as duplicates';
const REMOVED_COLUMNS = ['Removed', 'Key', 'Date', 'Amount', 'Text', 'Why'] as const;

export function renderRemovedTable(rows: readonly RemovedRow[]): string {
  const out = [`| ${REMOVED_COLUMNS.join(' | ')} |`, `| ${REMOVED_COLUMNS.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.removed} | ${cell(r.key)} | ${r.date} | ${formatMoney(r.amount)} | ${cell(r.text)} | ${cell(r.why)} |`);
  return out.join('\n') + '\n';
}

export function parseRemovedRows(body: string, where: string): RemovedRow[] {
  const table = parseTables(body).find((t) => t.header[0] === 'Removed' && t.header.includes('Key'));
  if (!table) return [];
  return tableRecords(table).map((r, i) => {
    let amount: Money;
    try {
      amount = parseMoney(r.amount ?? '');
    } catch {
      throw new Error(`${where}: removed row ${i + 1}: amount "${r.amount ?? ''}" is not a number`);
    }
    return { removed: r.removed ?? '', key: r.key ?? '', date: r.date ?? '', amount, text: r.text ?? '', why: r.why ?? '' };
  });
}

/** Line starts of the ledger table's rows in `body`, and where the table ends; undefined without a ledger table. */
function tableRows(body: string): { starts: number[]; end: number } | undefined {
  let h = body.startsWith(HEADER_LINE) ? 0 : body.indexOf('\n' + HEADER_LINE);
  if (h < 0) return undefined;
  if (h > 0) h++;
  const sep = body.indexOf('\n', h) + 1;
  if (sep === 0 || !body.startsWith('|', sep)) return undefined;
  let p = body.indexOf('\n', sep);
  p = p < 0 ? body.length : p + 1;
  const starts: number[] = [];
  while (p < body.length && body.charCodeAt(p) === 0x7c /* | */) {
    starts.push(p);
    const nl = body.indexOf('\n', p);
    p = nl < 0 ? body.length : nl + 1;
  }
  return { starts, end: p };
}

/**
 * Inserts rows (in any order) into a ledger body, each after the existing rows of its date and before
 * later ones, keeping their own order within a date. Throws when the body has no ledger table.
 */
export function insertLedgerRows(text: string, rows: readonly LedgerRow[], where: string): string {
  const body = text.endsWith('\n') ? text : text + '\n';
  const t = tableRows(body);
  if (!t) throw new Error(`${where}: the ledger table (| Date | ... | Key | ...) is missing: the note was changed by hand`);
  const sorted = [...rows].sort(compareRows);
  const dateAt = (i: number) => body.slice(t.starts[i]! + 2, t.starts[i]! + 12);
  const parts: string[] = [];
  let from = 0;
  let lo = 0;
  for (const r of sorted) {
    // The first existing row dated after this one (rows are sorted by date).
    let a = lo, z = t.starts.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      if (dateAt(mid) <= r.date) a = mid + 1; else z = mid;
    }
    lo = a;
    const at = a < t.starts.length ? t.starts[a]! : t.end;
    if (at > from) parts.push(body.slice(from, at));
    from = at;
    parts.push(renderRow(r) + '\n');
  }
  return parts.join('') + body.slice(from);
}

function splitCells(line: string): string[] {
  if (line.includes('\\')) return parseTables(`${HEADER_LINE}\n${SEPARATOR_LINE}\n${line}`)[0]?.rows[0] ?? [];
  const cells = line.split('|');
  // `| a | b |` splits into ['', ' a ', ' b ', '']
  return cells.slice(1, cells[cells.length - 1]!.trim() === '' ? -1 : undefined).map((c) => c.trim());
}

/** Reads the ledger table back; rows that do not parse are reported, never dropped silently. */
export function parseLedgerRows(body: string, where: string): LedgerRow[] {
  const t = tableRows(body);
  if (!t) {
    // A table written with other spacing: the general Markdown reader.
    const table = parseTables(body).find((x) => x.header[0] === 'Date' && x.header.includes('Key'));
    if (!table) return [];
    return tableRecords(table).map((r, i) => toRow([r.date, r.value_date, r.amount, r.counterparty, r.account, r.tax_id, r.text, r.ref, r.key, r.statement, r.own], i, where));
  }
  return t.starts.map((s, i) => {
    const nl = body.indexOf('\n', s);
    return toRow(splitCells(body.slice(s, nl < 0 ? t.end : nl).replace(/\r$/, '')), i, where);
  });
}

function toRow(c: (string | undefined)[], i: number, where: string): LedgerRow {
  const [date = '', valueDate = '', amountText = '', counterparty = '', cpAccount = '', cpTaxId = '', text = '', reference = '', key = '', statement = '', own = ''] = c;
  let amount: Money;
  try {
    amount = parseMoney(amountText);
  } catch {
    throw new Error(`${where}: row ${i + 1}: amount "${amountText}" is not a number`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${where}: row ${i + 1}: date "${date}" is not YYYY-MM-DD`);
  return { date, valueDate, amount, counterparty, cpAccount, cpTaxId, text, reference, key, statement, own: own === 'yes' };
}

export function compareRows(a: LedgerRow, b: LedgerRow): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}
