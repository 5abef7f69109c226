// `npm start` as a new user runs it: the demo vault is built offline and every job reports; the
// summary says what was produced and where, and every note validates against the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vault } from '../companion/core/vault.ts';
import { VaultIndex } from '../companion/core/vault-index.ts';

test('the demo run produces a valid vault and a summary of what it made', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-demo-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/aios.mjs', import.meta.url)), 'demo', '--dir', vault], {
    encoding: 'utf8',
    // Offline: no model server, no cloud key.
    env: { ...process.env, OPENAI_API_KEY: '', OLLAMA_HOST: '' },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = r.stdout;
  assert.match(out, /Every note validates against the vault contract\./);
  assert.doesNotMatch(out, /\bfailed\b/);
  // Mail and chats: every demo mail and chat day lands once, linked; an unknown business domain is proposed.
  assert.match(out, /mail\s+ok\s+27 new message\(s\)/);
  assert.match(out, /chats\s+ok\s+9 new chat message\(s\) in 3 day note\(s\)/);
  assert.match(out, /Полиграф Сервис \(mail\)/);
  // Bank statements: both demo files imported, balances checked, the cash position written.
  assert.match(out, /statements\s+ok\s+2 statement file\(s\) imported/);
  assert.match(out, /Cash position: Finance\/Cash position\.md \(total 3234560 RUB\)/);
  assert.match(out, /Proposals \(\d+\)/);
  assert.match(out, /Quarantined files \(0\)/);
  // Independently of the summary: re-index the vault and check every note.
  const index = new VaultIndex(new Vault(vault)).build();
  assert.deepEqual(index.errors(), []);
  assert.equal(index.byKind('bank_statement').length, 2);
  assert.equal(index.byKind('cash_position').length, 1);
  assert.ok(index.byKind('account_ledger').length >= 2);
  assert.equal(index.byKind('mail_message').length, 27);
  assert.equal(index.byKind('chat_log').length, 3);
  assert.equal(index.byKind('cost_report').length, 1);
});
