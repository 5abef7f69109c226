// The generated reconciliation set as a vault on disk: counterparty notes, invoice records as imported
// (unpaid), ledger months holding the bank rows. For the reconciliation benchmark.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { companionStamp, renderNote } from '../companion/core/frontmatter.ts';
import { initVault } from '../companion/core/init.ts';
import { newInvoiceKey } from '../companion/reconcile/records.ts';
import { accountLedger, invoiceRecord, ledgerBody, moneyToNumber, notePath, type LedgerRow } from '../contract/index.ts';
import { generate } from '../test/reconcile/generate.ts';

/** The generator names counterparties by their note's path; the vault links them by name. */
const noteName = (path: string) => path.replace(/^.*\//, '').replace(/\.md$/, '');

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** The generated set as the vault holds it: counterparty notes, invoice records, ledger months. */
export function reconcileVault(seed: number, n: number): { root: string; state: string; rows: number; invoices: number } {
  const set = generate({ seed, invoices: n });
  const root = mkdtempSync(join(tmpdir(), 'aios-reconcile-bench-'));
  const state = mkdtempSync(join(tmpdir(), 'aios-reconcile-bench-state-'));
  initVault(root);
  const parties = new Map<string, { name: string; taxId?: string; accounts: Set<string> }>();
  for (const i of set.invoices) {
    if (!i.counterparty) continue;
    const name = noteName(i.counterparty);
    const p = parties.get(name) ?? { name, accounts: new Set<string>() };
    if (i.counterpartyTaxId) p.taxId = i.counterpartyTaxId;
    for (const a of i.counterpartyAccounts ?? []) p.accounts.add(a);
    parties.set(name, p);
  }
  for (const p of parties.values()) {
    const fm = { aios_kind: 'counterparty', name: p.name, relationship: 'client', ...(p.taxId ? { tax_id: p.taxId } : {}), accounts: [...p.accounts] };
    write(root, `Counterparties/${p.name}.md`, renderNote(fm, `# ${p.name}\n`));
  }
  for (const i of set.invoices) {
    const fm: Record<string, unknown> = {
      aios_kind: 'invoice_record', number: i.number, document: i.type, direction: i.direction,
      ...(i.counterparty ? { counterparty: `[[${noteName(i.counterparty)}]]` } : {}), ...(i.counterpartyName ? { counterparty_name: i.counterpartyName } : {}),
      ...(i.counterpartyTaxId ? { counterparty_tax_id: i.counterpartyTaxId } : {}),
      issued: i.issued, ...(i.due ? { due: i.due } : {}), amount: moneyToNumber(i.total), ...(i.vat !== undefined ? { vat: moneyToNumber(i.vat) } : {}),
      currency: i.currency, amount_paid: 0, outstanding: moneyToNumber(i.total), status: 'open', ...(i.contractNumber ? { contract_number: i.contractNumber } : {}),
      refers_to: i.refersTo ?? [], source: 'ubl', sources: [`ubl:bench#${i.id}`], source_hash: i.id, evidence: [], payments: [],
    };
    fm.invoice_key = newInvoiceKey({ doc: { source: 'ubl', type: i.type, number: i.number, issued: i.issued, currency: i.currency, total: i.total, seller: {}, buyer: {}, sourceRef: i.id }, direction: i.direction, ...(i.counterparty ? { counterparty: `[[${noteName(i.counterparty)}]]` } : {}), sourceKey: i.id, evidence: [] }) + `|${i.id}`;
    const body = `# Invoice ${i.number}\n`;
    write(root, notePath('invoice_record', fm as never), renderNote({ ...fm, ...companionStamp(invoiceRecord, fm, body) }, body));
  }
  const months = new Map<string, { account: string; currency: string; month: string; rows: LedgerRow[] }>();
  for (const r of set.rows) {
    const k = `${r.account}|${r.date.slice(0, 7)}`;
    const m = months.get(k) ?? { account: r.account, currency: r.currency, month: r.date.slice(0, 7), rows: [] };
    m.rows.push({ date: r.date, valueDate: '', amount: r.amount, counterparty: r.counterparty ? `[[${noteName(r.counterparty)}]]` : r.counterpartyName ?? '', cpAccount: r.counterpartyAccount ?? '', cpTaxId: r.counterpartyTaxId ?? '', text: r.text, reference: r.reference ?? '', key: r.key, statement: '', own: false });
    months.set(k, m);
  }
  for (const m of months.values()) {
    const fm: Record<string, unknown> = { aios_kind: 'account_ledger', account: m.account, currency: m.currency, month: m.month, transaction_count: m.rows.length, inflow: 0, outflow: 0, updated: '2026-12-01T00:00:00' };
    const body = ledgerBody(m.account, m.currency, m.month, m.rows);
    write(root, notePath('account_ledger', fm as never), renderNote({ ...fm, ...companionStamp(accountLedger, fm, body) }, body));
  }
  return { root, state, rows: set.rows.length, invoices: set.invoices.length };
}

