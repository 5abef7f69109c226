// The demo offline, with no triage rules and the seed model (trained without the demo counterparties'
// mail): every mail and chat day is triaged, and at least 25 of the 27 mails get the category written
// down for them before the triage code (demo/mail/expected-categories.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, DEMO_DATA } from '../../companion/cli/demo.ts';
import { Vault } from '../../companion/core/vault.ts';
import { VaultIndex } from '../../companion/core/vault-index.ts';
import { parseTables, tableRecords } from '../../contract/index.ts';

test('every demo mail and chat day is triaged offline; at least 25 of 27 mails as expected', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-triage-demo-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  const s = await buildDemo(vault, join(base, 'state'));
  assert.ok(s.records.every((r) => r.status !== 'failed'), JSON.stringify(s.records));
  const rules = parseTables(readFileSync(join(vault, 'AIOS/Rules/Triage.md'), 'utf8'))[0]!;
  assert.equal(tableRecords(rules).length, 0, 'no triage rules');
  const index = new VaultIndex(new Vault(vault)).build();
  const expected = JSON.parse(readFileSync(join(DEMO_DATA, 'mail/expected-categories.json'), 'utf8')) as Record<string, string>;
  const mails = index.byKind('mail_message');
  assert.equal(mails.length, 27);
  let right = 0;
  const wrong: string[] = [];
  for (const [file, category] of Object.entries(expected)) {
    if (file.startsWith('_')) continue;
    const id = `<${file.replace(/\.eml$/, '')}`;
    const note = mails.find((m) => String(m.frontmatter.message_id ?? '').startsWith(id.replace(/^</, '')) || String(m.frontmatter.message_id ?? '').includes(file.replace(/\.eml$/, '')));
    assert.ok(note, `a note for ${file}`);
    if (note.frontmatter.category === category) right++;
    else wrong.push(`${file}: ${String(note.frontmatter.category)} (expected ${category})`);
  }
  for (const e of [...mails, ...index.byKind('chat_log')]) {
    assert.ok(typeof e.frontmatter.category === 'string', `${e.path} has a category`);
    assert.ok(['learner', 'thread', 'rule'].includes(String(e.frontmatter.triaged_by)), `${e.path} triaged offline (${String(e.frontmatter.triaged_by)})`);
    assert.ok(typeof e.frontmatter.summary === 'string' && e.frontmatter.summary !== '', `${e.path} has a summary`);
  }
  console.log(`demo triage: ${right}/27 as expected${wrong.length ? `; off: ${wrong.join('; ')}` : ''}`);
  assert.ok(right >= 25, `${right}/27: ${wrong.join('; ')}`);
  // The invoice group of the first Bumaga invoice, as the mail states it.
  const inv = mails.find((m) => String(m.frontmatter.subject).startsWith('Счёт № 112'))!;
  assert.deepEqual(
    ['invoice_number', 'invoice_date', 'invoice_amount', 'invoice_currency', 'invoice_due'].map((k) => inv.frontmatter[k]),
    ['112', '2026-11-02', 86400, 'RUB', '2026-11-12'],
  );
});
