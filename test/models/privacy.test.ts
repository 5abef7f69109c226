// The privacy gate fails closed: each way a confidential firm used to slip out (a malformed address in
// its note, `confidential: yes`, a lower-case link, a sender at a subdomain) keeps the task local, with
// the real clients against capturing fake servers: nothing reaches the cloud.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { startHarness, type Harness } from './harness.ts';

// Greenleaf is an ordinary client in the template; each test makes it confidential its own way.
const GREENLEAF = 'Counterparties/Greenleaf Cafe.md';

function edit(h: Harness, rel: string, change: (text: string) => string): void {
  const abs = h.tc.vault.abs(rel);
  writeFileSync(abs, change(readFileSync(abs, 'utf8')));
  h.tc.index.noteChanged(rel);
}

async function cloudCalls(h: Harness, task: { sender?: string; links?: string[] }): Promise<number> {
  h.openai.onChat(() => ({ content: JSON.stringify({ summary: 'cloud summary' }) }));
  h.ollama.onChat(() => ({ content: JSON.stringify({ summary: 'local summary' }) }));
  const before = h.openai.requests.length;
  const r = await h.models().summarise({ tier: 'hard', data: 'Menu order for the winter season: 2 400 copies.', ...task });
  assert.ok(r.ok, JSON.stringify(r));
  return h.openai.requests.length - before;
}

test('baseline: an ordinary counterparty may use the cloud for hard work (the fakes do answer)', async () => {
  const h = await startHarness();
  try {
    assert.equal(await cloudCalls(h, { sender: 'maria@greenleaf.example' }), 1);
    assert.equal(await cloudCalls(h, { links: ['[[Greenleaf Cafe]]'] }), 1);
  } finally {
    await h.close();
  }
});

for (const [what, change] of [
  ['one malformed e-mail in its list', (t: string) => t.replace(/^confidential: .*\n/m, '').replace(/^---\n/, '---\nconfidential: true\n').replace(/^emails: \[\]\n/m, 'emails:\n  - maria@greenleaf.example\n  - not an address\n')],
  ['`confidential: yes`', (t: string) => t.replace(/^confidential: .*\n/m, '').replace(/^---\n/, '---\nconfidential: yes\n')],
  ['front matter that does not parse', (t: string) => t.replace(/^---\n/, '---\nconfidential: [true\n')],
] as const) {
  test(`a confidential counterparty with ${what} cannot be read, and counts as confidential`, async () => {
    const h = await startHarness();
    try {
      edit(h, GREENLEAF, change);
      assert.equal(h.tc.index.get(GREENLEAF), undefined, 'the note is not readable any more');
      assert.equal(await cloudCalls(h, { sender: 'Maria Ivanova <maria@greenleaf.example>' }), 0, 'by sender');
      assert.equal(await cloudCalls(h, { sender: 'someone.new@greenleaf.example' }), 0, 'by domain');
      assert.equal(await cloudCalls(h, { links: ['[[Greenleaf Cafe]]'] }), 0, 'by link');
      assert.equal(await cloudCalls(h, { sender: 'anton@polygraf-service.example' }), 1, 'an unrelated sender still may');
    } finally {
      await h.close();
    }
  });
}

test('links resolve the way Obsidian resolves them: `[[greenleaf cafe]]` is the confidential note', async () => {
  const h = await startHarness();
  try {
    edit(h, GREENLEAF, (t) => t.replace(/^confidential: .*\n/m, '').replace(/^---\n/, '---\nconfidential: true\n'));
    assert.equal(h.tc.index.get(GREENLEAF)?.frontmatter.confidential, true);
    assert.equal(await cloudCalls(h, { links: ['[[greenleaf cafe]]'] }), 0);
    assert.equal(await cloudCalls(h, { links: ['[[Counterparties/GREENLEAF CAFE|them]]'] }), 0);
  } finally {
    await h.close();
  }
});

test('a sender at a subdomain of a confidential counterparty\'s domain stays local', async () => {
  const h = await startHarness();
  try {
    edit(h, GREENLEAF, (t) => t.replace(/^confidential: .*\n/m, '').replace(/^---\n/, '---\nconfidential: true\n'));
    assert.equal(await cloudCalls(h, { sender: 'billing@mail.eu.greenleaf.example' }), 0);
    assert.equal(await cloudCalls(h, { sender: 'x@greenleaf.example.evil.example' }), 1, 'a look-alike domain is not a subdomain');
  } finally {
    await h.close();
  }
});
