// Reconciliation benchmark. First the matcher's quality on generated sets (a seed chosen at random and
// printed; the issue's bar: precision of automatic matches ≥ 0.99, recall ≥ 0.90). Then end to end:
// 20,000 bank rows against 20,000 invoice records as notes on disk, the index warm, one reconciliation
// pass (ledgers read, matched, records written, questions raised, reports and balances written),
// against the target of ≤ 3 s and ≤ 400 MB; and the second pass, which finds nothing to change.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { companionStamp, renderNote } from '../companion/core/frontmatter.ts';
import { initVault } from '../companion/core/init.ts';
import { Runtime } from '../companion/core/runtime.ts';
import { MODELS } from '../companion/modules.ts';
import { reconcileRun } from '../companion/reconcile/run.ts';
import { newInvoiceKey } from '../companion/reconcile/records.ts';
import { accountLedger, invoiceRecord, ledgerBody, moneyToNumber, notePath, type LedgerRow } from '../contract/index.ts';
import { generate } from '../test/reconcile/generate.ts';
import { benchMatch } from './reconcile-match.ts';

const N = Number(process.env.BENCH_INVOICES ?? 20000);
const seed = Number(process.env.AIOS_MATCH_SEED ?? Math.floor(Math.random() * 2 ** 31));

for (const n of [3000, N]) {
  const r = benchMatch(seed, n);
  console.log(`matcher, seed ${seed}, ${n} invoices: ${r.ms.toFixed(0)} ms; ${r.line}`);
}

/** The generator names counterparties by their note's path; the vault links them by name. */
const noteName = (path: string) => path.replace(/^.*\//, '').replace(/\.md$/, '');

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** The generated set as the vault holds it: counterparty notes, invoice records, ledger months. */
function vaultOf(n: number): { root: string; state: string; rows: number; invoices: number } {
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

const v = vaultOf(N);
try {
  const rt = new Runtime({ vaultRoot: v.root, stateDir: v.state, logToFile: false, models: MODELS, now: new Date('2026-12-31T09:00:00Z'), env: { AIOS_SECRETS_FILE: join(v.state, 'none.json') } });
  const bad = rt.index.errors();
  if (bad.length) throw new Error(`bench vault does not validate: ${bad.slice(0, 3).map((e) => `${e.path}: ${JSON.stringify(e.errors)}`).join('; ')}`);
  for (const pass of ['first', 'second']) {
    const ctx = rt.context({ name: 'reconcile' }, new AbortController().signal);
    const t0 = performance.now();
    const r = await reconcileRun(ctx);
    const s = (performance.now() - t0) / 1000;
    console.log(`end to end, ${pass} pass: ${v.rows} bank rows against ${v.invoices} invoice records in ${s.toFixed(2)} s (target ≤ 3 s); ${r.summary}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (target ≤ 400 MB)`);
  }
} finally {
  rmSync(v.root, { recursive: true, force: true });
  rmSync(v.state, { recursive: true, force: true });
}
