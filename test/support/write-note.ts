// Child process for the crash test: regenerates the test decision item with a new body.
import { Runtime } from '../../companion/core/runtime.ts';

const [vaultRoot, stateDir] = process.argv.slice(2) as [string, string];
const rt = new Runtime({ vaultRoot, stateDir, logToFile: false, overrides: { timezone: 'Europe/Moscow' }, env: {} });
rt.vault.writeCompanionNote('decision_item', {
  finding_key: 'k1', kind: 'test', title: 'Pay the invoice', severity: 'medium', created: '2026-11-26T06:00:00',
  why: 'An invoice is due.', evidence: [], options: ['pay', 'wait'], option_ids: ['pay', 'wait'], targets: [], status: 'open',
}, 'new body\n');
