// Child process for the owner-edit race tests: writes big companion notes on request, one per line of
// standard input, and answers each with the write's outcome. Writes are synchronous, so they must run
// outside the test's process for its file watcher to save an owner edit while one is under way.
//   {"kind":"ledger","account":"ACC1","variant":2}   a 3,000-row account ledger month
//   {"kind":"decision","key":"k1","variant":2}       a decision item with a 3,000-line body
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vault } from '../../companion/core/vault.ts';
import { ledgerBody, moneyFromNumber, type Frontmatter, type LedgerRow } from '../../contract/index.ts';

export const LEDGER_ROWS = 3000;
export const MONTH = '2026-11';

export function ledgerNote(account: string, variant: number): { fm: Frontmatter<'account_ledger'>; body: string } {
  const rows: LedgerRow[] = [];
  for (let i = 0; i < LEDGER_ROWS; i++) {
    const day = `${MONTH}-${String(1 + (i % 28)).padStart(2, '0')}`;
    rows.push({
      date: day, valueDate: day, amount: moneyFromNumber((i % 2 ? -1 : 1) * (100 + i + variant)), counterparty: i % 3 ? '' : '[[Bumaga Opt]]',
      cpAccount: '40702810600000054321', cpTaxId: '7705123450', text: `Payment ${i} for paper, variant ${variant}`, reference: String(1000 + i),
      key: `k-${i}`, statement: '[[Statement]]', own: false,
    });
  }
  rows.sort((a, b) => a.date.localeCompare(b.date));
  const inflow = rows.filter((r) => r.amount > 0n).reduce((s, r) => s + r.amount, 0n);
  const outflow = rows.filter((r) => r.amount < 0n).reduce((s, r) => s + r.amount, 0n);
  return {
    fm: {
      account, currency: 'RUB', month: MONTH, transaction_count: rows.length, inflow: Number(inflow) / 1e5, outflow: Number(outflow) / 1e5,
      updated: `2026-11-26T06:00:${String(variant % 60).padStart(2, '0')}`,
    },
    body: ledgerBody(account, 'RUB', MONTH, rows),
  };
}

export function decisionNote(key: string, variant: number): { fm: Frontmatter<'decision_item'>; body: string } {
  const lines = Array.from({ length: LEDGER_ROWS }, (_, i) => `- evidence line ${i}: payment ${i} does not match invoice ${i} (check ${variant})`);
  return {
    fm: {
      finding_key: key, kind: 'payment_mismatch', title: `Payments that match no invoice ${key}`, severity: 'medium', created: '2026-11-26T06:00:00',
      why: `Recomputed ${variant}: ${LEDGER_ROWS} payments match no invoice.`, evidence: [], options: ['Look at them', 'Ignore'], option_ids: ['look', 'ignore'],
      targets: [], status: 'open',
    },
    body: `# Payments that match no invoice\n\nVersion ${variant}.\n\n${lines.join('\n')}\n`,
  };
}

// Run as a script (the test imports the note builders only).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [vaultRoot] = process.argv.slice(2) as [string];
  const vault = new Vault(vaultRoot);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const req = JSON.parse(line) as { kind: 'ledger'; account: string; variant: number } | { kind: 'decision'; key: string; variant: number };
    const r = req.kind === 'ledger'
      ? (({ fm, body }) => vault.writeCompanionNote('account_ledger', fm, body))(ledgerNote(req.account, req.variant))
      : (({ fm, body }) => vault.writeCompanionNote('decision_item', fm, body))(decisionNote(req.key, req.variant));
    process.stdout.write(JSON.stringify(r) + '\n');
  });
}
