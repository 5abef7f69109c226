// The rows of an account ledger note: one Markdown table row per booked transaction. The ledger notes
// are the source of truth; every state cache (dedup keys, daily totals) is rebuilt from these rows.
import { escapeCell, parseTables, tableRecords } from '../../contract/markdown-table.ts';
import { formatMoney, parseMoney, type Money } from '../../contract/money.ts';

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

export function renderRow(r: LedgerRow): string {
  const cells = [r.date, r.valueDate, formatMoney(r.amount), r.counterparty, r.cpAccount, r.cpTaxId, r.text, r.reference, r.key, r.statement, r.own ? 'yes' : ''];
  return `| ${cells.map((c) => escapeCell(c)).join(' | ')} |`;
}

export function renderLedgerTable(rows: readonly LedgerRow[]): string {
  const out: string[] = [`| ${LEDGER_HEADER.join(' | ')} |`, `| ${LEDGER_HEADER.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(renderRow(r));
  return out.join('\n') + '\n';
}

/** Reads the ledger table back; rows that do not parse are reported, never dropped silently. */
export function parseLedgerRows(body: string, where: string): LedgerRow[] {
  const table = parseTables(body).find((t) => t.header[0] === 'Date' && t.header.includes('Key'));
  if (!table) return [];
  return tableRecords(table).map((r, i) => {
    let amount: Money;
    try {
      amount = parseMoney(r.amount ?? '');
    } catch {
      throw new Error(`${where}: row ${i + 1}: amount "${r.amount}" is not a number`);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.date ?? '')) throw new Error(`${where}: row ${i + 1}: date "${r.date}" is not YYYY-MM-DD`);
    return {
      date: r.date!, valueDate: r.value_date ?? '', amount, counterparty: r.counterparty ?? '', cpAccount: r.account ?? '', cpTaxId: r.tax_id ?? '',
      text: r.text ?? '', reference: r.ref ?? '', key: r.key ?? '', statement: r.statement ?? '', own: r.own === 'yes',
    };
  });
}

export function compareRows(a: LedgerRow, b: LedgerRow): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}
