import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { makeTestContext } from '../../test/support/context.ts';
import { followIndex } from './folder-watch.ts';
import type { VaultIndex } from './vault-index.ts';

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

const cp = (name: string, email: string) => `---\naios_kind: counterparty\nname: ${name}\nemails:\n  - ${email}\n---\n# ${name}\n`;

test('the index follows notes created, changed, renamed and deleted in a watched folder', async (t) => {
  const tc = makeTestContext();
  const watcher = followIndex(tc.vault, tc.index, ['Counterparties']);
  t.after(async () => {
    watcher.close();
    tc.cleanup();
  });
  const idx: VaultIndex = tc.index;
  writeFileSync(tc.vault.abs('Counterparties/Acme.md'), cp('Acme', 'billing@acme.example'));
  await until(() => idx.findCounterparty({ email: 'billing@acme.example' })?.path === 'Counterparties/Acme.md', 'create');
  writeFileSync(tc.vault.abs('Counterparties/Acme.md'), cp('Acme', 'accounts@acme.example'));
  await until(() => idx.findCounterparty({ email: 'accounts@acme.example' }) !== undefined && idx.findCounterparty({ email: 'billing@acme.example' }) === undefined, 'change');
  renameSync(tc.vault.abs('Counterparties/Acme.md'), tc.vault.abs('Counterparties/Acme Ltd.md'));
  await until(() => idx.get('Counterparties/Acme.md') === undefined && idx.findCounterparty({ email: 'accounts@acme.example' })?.name === 'Acme Ltd', 'rename');
  unlinkSync(tc.vault.abs('Counterparties/Acme Ltd.md'));
  await until(() => idx.findCounterparty({ email: 'accounts@acme.example' }) === undefined, 'delete');
});

test('counterparties resolve by tax id, account, address, domain, then name or alias', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const i = tc.index;
  assert.equal(i.findCounterparty({ taxId: '7705123450' })?.name, 'Bumaga Opt');
  assert.equal(i.findCounterparty({ account: 'DE44 5001 0517 5407 3249 31' })?.name, 'Nordlicht GmbH');
  assert.equal(i.findCounterparty({ email: 'Sales@Bumaga-Opt.example' })?.name, 'Bumaga Opt');
  assert.equal(i.findCounterparty({ domain: 'greenleaf.example' })?.name, 'Greenleaf Cafe');
  assert.equal(i.findCounterparty({ name: 'ООО «Бумага Опт»' })?.name, 'Bumaga Opt');
  assert.equal(i.findCounterparty({ name: 'greenleaf_cafe' })?.name, 'Greenleaf Cafe');
  assert.equal(i.findCounterparty({ domain: 'unknown.example' }), undefined);
});

test('templates are not indexed as data', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  assert.equal(tc.index.paths().some((p) => p.startsWith('Templates/')), false);
});
